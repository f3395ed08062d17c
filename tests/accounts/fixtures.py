"""Fixtures for the worker self-registration tests: records waiting for an account, workers, files
(made available by tests/accounts/conftest.py, and by tests/security/conftest.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from registry.models import WorkerRecord
from tests.accounts.support import (
    BIRTH,
    complete,
    make_worker,
)
from tests.factories import WorkerRecordFactory, make_kk, make_nik


@pytest.fixture(autouse=True)
def _worker_settings(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    # django-simple-captcha copies the setting when it is imported; the copy is what it checks.
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.IDENTITY_CHECK_SLOW_STEP_SECONDS = 0
    settings.SITE_URL = "https://pendataan.example.test"


@pytest.fixture(scope="session")
def phone_jpeg() -> bytes:
    """A ~6 MB noisy 12-megapixel phone photo taken sideways (EXIF orientation 6), with EXIF maker data."""
    channels = [Image.effect_noise((4000, 3000), 30) for _ in range(3)]
    image = Image.merge("RGB", channels)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif[0x010F] = "TestPhone Maker"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=86, exif=exif.tobytes())
    data = out.getvalue()
    assert 5_000_000 < len(data) < 10 * 1024 * 1024, len(data)
    return data


@pytest.fixture
def registered(agency, period) -> WorkerRecord:
    """A record registered by the agency, waiting for the worker's account."""
    return WorkerRecordFactory(
        agency=agency,
        period=period,
        full_name="Siti Nurhaliza Putri",
        birth_place="Bandung",
        birth_date=BIRTH,
        sex="F",
        nik=make_nik(BIRTH, "F", serial=4321),
        kk=make_kk(serial=1234),
    )


@pytest.fixture
def worker(registered):
    user = make_worker(registered)
    registered.refresh_from_db()
    return user


@pytest.fixture
def worker_client(client, worker):
    client.force_login(worker, backend="accounts.backends.LoginBackend")
    return client


@pytest.fixture
def complete_worker(worker):
    complete(worker.worker_record, worker)
    return worker

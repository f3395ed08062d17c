from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from registry.models import AgencySubmission, Status, WorkUnit
from tests.announcements.support import move_phase
from tests.factories import WorkerRecordFactory, make_nik


@pytest.fixture(autouse=True)
def _public_site(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def submission(agency, period):
    return AgencySubmission.objects.get(agency=agency, period=period)


@pytest.fixture
def make_record(agency, period):
    unit = WorkUnit.objects.create(agency=agency, name="Dinas Pendidikan")
    counter = iter(range(1, 10_000))

    def _make(**kwargs):
        n = next(counter)
        birth = dt.date(1985, 1, 1) + dt.timedelta(days=n * 37)
        kwargs.setdefault("birth_date", birth)
        kwargs.setdefault("nik", make_nik(kwargs["birth_date"], "M", region="327301", serial=1000 + n))
        kwargs.setdefault("status", Status.SUBMITTED)
        kwargs.setdefault("work_unit", unit)
        return WorkerRecordFactory(agency=agency, period=period, **kwargs)

    return _make


@pytest.fixture
def listed(make_record):
    """Five records in different states (and one released, never listed)."""
    names = ["Budi Santoso", "Siti Aminah", "Agus Pratama", "Dewi Lestari", "Rina Wijaya"]
    statuses = [
        Status.SUBMITTED,
        Status.ELIGIBLE,
        Status.INELIGIBLE,
        Status.REGISTERED,
        Status.ACCOUNT_CREATED,
    ]
    records = [make_record(full_name=n, status=s) for n, s in zip(names, statuses, strict=True)]
    make_record(full_name="Yusuf Dilepas", status=Status.RELEASED)
    return records


@pytest.fixture
def published(submission, listed):
    """The public-test list, published by the agency's prefinalisation."""
    from announcements.models import ListSnapshot

    move_phase(submission, AgencySubmission.Phase.PREFINALISED)
    return ListSnapshot.objects.get(submission=submission, kind="public_test", version=1)

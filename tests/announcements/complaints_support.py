"""Helpers for the complaint and report tests (kept apart from a conftest.py the lists tests may own)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from announcements.models import Complaint
from announcements.services.complaints.filing import Complainant, complaint_file, report_file
from registry.models import AgencySubmission, Status, WorkerRecord
from tests.factories import WorkerRecordFactory, make_nik

COMPLAINANT_NIK = make_nik(dt.date(1985, 2, 3), "F", region="327301", serial=7788)
COMPLAINANT_EMAIL = "warga@example.test"


@pytest.fixture
def captcha_passes(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    # django-simple-captcha copies the setting when it is imported; the copy is what it checks.
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.SITE_URL = "https://pendataan.example.test"


def prefinalise(agency, period, *, days_ago: float = 0) -> AgencySubmission:
    """The agency in its public test, prefinalised `days_ago` days ago."""
    AgencySubmission.objects.filter(agency=agency, period=period).update(
        phase=AgencySubmission.Phase.PREFINALISED,
        prefinalised_at=timezone.now() - dt.timedelta(days=days_ago, minutes=1),
    )
    return AgencySubmission.objects.select_related("period").get(agency=agency, period=period)


def listed(agency, period, **kwargs) -> WorkerRecord:
    """A person on the agency's public-test list (decided MS by default)."""
    kwargs.setdefault("status", Status.ELIGIBLE)
    kwargs.setdefault("email", "pegawai@example.test")
    kwargs.setdefault("submitted_at", timezone.now() - dt.timedelta(days=3))
    return WorkerRecordFactory(agency=agency, period=period, **kwargs)


def complaint_data(**overrides) -> dict:
    data = {
        "complainant_name": "Warga Peduli",
        "complainant_nik": COMPLAINANT_NIK,
        "email": COMPLAINANT_EMAIL,
        "phone": "081234567890",
        "description": "Yang bersangkutan tidak pernah bekerja di unit ini.",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return data


def report_data(nik: str, **overrides) -> dict:
    data = complaint_data(nik=nik, name="Pegawai Terlewat", description="Guru di SDN 3 sejak 2015.")
    data.update(overrides)
    return data


def file_url(agency, record=None) -> str:
    url = reverse("complaints:file", args=[agency.code])
    return f"{url}?record={record.pk}" if record is not None else url


def file_complaint(
    agency, record, *, nik: str = COMPLAINANT_NIK, email: str = COMPLAINANT_EMAIL, ip=None
) -> Complaint:
    return complaint_file(
        agency=agency,
        record_id=record.pk,
        complainant=Complainant(name="Warga Peduli", nik=nik, email=email, phone="081234567890"),
        description="Tidak bekerja di sini.",
        ip=ip,
    )


def file_report(agency, nik: str, *, ip=None) -> Complaint:
    return report_file(
        agency=agency,
        nik=nik,
        name="Pegawai Terlewat",
        complainant=Complainant(
            name="Warga Peduli", nik=COMPLAINANT_NIK, email=COMPLAINANT_EMAIL, phone="0812345678"
        ),
        description="Guru di SDN 3 sejak 2015.",
        ip=ip,
    )

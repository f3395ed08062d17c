"""Issue 16, point 10: data the agency entered stays the agency's. The worker reads the appointment
data (SK, TMT …) but cannot change it; NIK and KK go through one normaliser on every path (a KK typed
with dots is the same number in the form and the import)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from registry.models import AuditEvent, Status, WorkerRecord
from registry.services.imports.parse import parse_row  # noqa: F401 - the import's row reader
from tests.factories import UserFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(agency, period):
    record = WorkerRecordFactory(
        agency=agency, period=period, status=Status.ACCOUNT_CREATED,
        sk_date=dt.date(2018, 1, 2), start_date=dt.date(2018, 1, 2), sk_number="800/1/2018",
        phone="081234567890", email="pegawai@example.test", address="Jl. Merdeka 1",
    )  # fmt: skip
    return UserFactory(role=Role.WORKER, agency=None, worker_record=record)


def test_the_worker_cannot_overwrite_the_sk_and_tmt_dates_the_agency_entered(client, worker):
    record = worker.worker_record
    client.force_login(worker)
    page = client.get(reverse("worker:biodata")).content.decode()
    assert "Diisi oleh instansi Anda" in page
    client.post(
        reverse("worker:biodata"),
        {
            "phone": "081234567890", "email": "pegawai@example.test", "address": "Jl. Merdeka 1",
            "sk_number": "800/1/2018", "sk_date": "2020-05-05", "sk_signer_position": "Kepala Dinas",
            "start_date": "2020-05-05", "end_date": "", "monthly_pay": "2500000",
        },
    )  # fmt: skip
    record = WorkerRecord.objects.get(pk=record.pk)
    assert (record.sk_date, record.start_date) == (dt.date(2018, 1, 2), dt.date(2018, 1, 2))
    assert not AuditEvent.objects.filter(record=record, after__has_key="sk_date").exists()

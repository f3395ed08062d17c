# ruff: noqa: F811 - the shared fixtures are imported by name and used as arguments
"""Deadlines by the server (Asia/Jakarta): after the input deadline no registration and no worker edit;
an extension granted by the national admin to one agency reopens input for that agency only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from registry.models import AgencySubmission, Status
from registry.services.records import WorkerData, worker_register
from registry.services.worker_data import NotEditable, worker_can_edit, worker_details_update
from tests.factories import UserFactory, WorkerRecordFactory, make_kk, make_nik
from tests.verification.phases_support import _tasks_inline, submission  # noqa: F401
from verification.services.phases import submission_extend_deadline

pytestmark = pytest.mark.django_db


def _data(serial: int) -> WorkerData:
    birth = dt.date(1990, 5, 17)
    return WorkerData(
        nik=make_nik(birth, "M", serial=serial), kk=make_kk(serial=serial), full_name=f"Pegawai {serial}",
        birth_place="Bandung", birth_date=birth, sex="M", position="Guru",
    )  # fmt: skip


@pytest.fixture
def past_input(period):
    period.input_deadline = timezone.now() - dt.timedelta(minutes=1)
    period.save()
    return period


def test_after_the_input_deadline_registration_and_worker_edits_are_refused(agency, past_input, operator):
    with pytest.raises(ValidationError, match="Batas waktu input"):
        worker_register(agency=agency, period=past_input, data=_data(11), actor=operator)
    record = WorkerRecordFactory(agency=agency, period=past_input, status=Status.ACCOUNT_CREATED)
    worker = UserFactory(role=Role.WORKER, agency=None, worker_record=record)
    assert not worker_can_edit(record)
    with pytest.raises(NotEditable):
        worker_details_update(record_id=record.pk, changes={"phone": "081211112222"}, actor=worker)


def test_an_extension_reopens_input_for_that_agency_only(
    agency, other_agency, past_input, operator, national_admin, submission
):
    submission_extend_deadline(
        submission_id=submission.pk, kind="input", until=timezone.now() + dt.timedelta(days=2),
        actor=national_admin, reason="Gangguan listrik",
    )  # fmt: skip
    assert worker_register(agency=agency, period=past_input, data=_data(12), actor=operator).pk
    record = WorkerRecordFactory(agency=agency, period=past_input, status=Status.ACCOUNT_CREATED)
    assert worker_can_edit(record)
    other_operator = UserFactory(role=Role.OPERATOR, agency=other_agency)
    with pytest.raises(ValidationError):
        worker_register(agency=other_agency, period=past_input, data=_data(13), actor=other_operator)
    assert not worker_can_edit(
        WorkerRecordFactory(agency=other_agency, period=past_input, status=Status.ACCOUNT_CREATED)
    )


def test_only_the_national_admin_extends(agency_admin, submission):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        submission_extend_deadline(
            submission_id=submission.pk, kind="finalisation", until=timezone.now() + dt.timedelta(days=9),
            actor=agency_admin, reason="ingin lebih lama",
        )  # fmt: skip
    submission.refresh_from_db()
    assert submission.finalisation_deadline_override is None


def test_deadline_uses_the_override_else_the_period(submission, period):
    assert submission.deadline("finalisation") == period.finalisation_deadline
    later = period.finalisation_deadline + dt.timedelta(days=3)
    AgencySubmission.objects.filter(pk=submission.pk).update(finalisation_deadline_override=later)
    submission.refresh_from_db()
    assert submission.deadline("finalisation") == later
    assert submission.deadline("input") == period.input_deadline


def test_an_extension_earlier_than_the_deadline_in_force_is_refused_naming_it(
    client, national_admin, submission, period
):
    """Point 4: "Perpanjang" never shortens a deadline; the page names the deadline in force."""
    from django.urls import reverse

    client.force_login(national_admin)
    earlier = timezone.localtime(period.input_deadline) - dt.timedelta(days=20)
    response = client.post(
        reverse("national:extend", args=[submission.pk]),
        {"kind": "input", "until": earlier.strftime("%Y-%m-%dT%H:%M"), "reason": "Salah ketik"},
    )
    assert response.status_code == 400
    in_force = timezone.localtime(period.input_deadline).strftime("%d-%m-%Y %H:%M")
    assert f"harus lebih lambat dari batas waktu yang berlaku ({in_force})" in response.content.decode()
    assert "sudah diperpanjang" not in response.content.decode()
    submission.refresh_from_db()
    assert submission.input_deadline_override is None

# ruff: noqa: F811 - the shared fixtures are imported by name and used as arguments
"""Every phase move through the views, as the right and the wrong role; rows, audit and signal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registry.models import AgencySubmission, AuditEvent, Status, WorkerRecord
from tests.factories import WorkerRecordFactory
from tests.verification.phases_support import (  # noqa: F401
    _tasks_inline,
    other_admin,
    records,
    set_phase,
    submission,
)
from verification import blockers
from verification.models import PhaseChange
from verification.signals import submission_phase_changed

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase


def phase_of(submission) -> str:
    submission.refresh_from_db()
    return submission.phase


def assert_recorded(submission, old: str, new: str, actor, reason: str = "") -> None:
    change = PhaseChange.objects.filter(submission=submission).first()
    assert (change.from_phase, change.to_phase, change.actor_id) == (old, new, actor.pk)
    assert change.reason == reason
    event = AuditEvent.objects.filter(action=f"phase:{new}", object_id=str(submission.pk)).first()
    assert event is not None and event.actor_id == actor.pk and event.before == {"phase": old}
    assert event.agency_id == submission.agency_id


@pytest.fixture
def signals():
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    submission_phase_changed.connect(receiver, dispatch_uid="test-phases")
    yield seen
    submission_phase_changed.disconnect(dispatch_uid="test-phases")


def test_agency_admin_prefinalises_after_a_summary(
    client, agency_admin, submission, records, signals, django_capture_on_commit_callbacks
):
    client.force_login(agency_admin)
    page = client.get(reverse("phases:prefinalise"))
    assert page.status_code == 200
    body = page.content.decode()
    # Records not yet submitted are listed with links to them.
    for status in (Status.REGISTERED, Status.ACCOUNT_CREATED):
        record = records[status]
        assert reverse("registry:worker-detail", args=[record.pk]) in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("phases:prefinalise"))
    assert response.status_code == 302
    assert phase_of(submission) == Phase.PREFINALISED
    assert submission.prefinalised_at is not None
    assert_recorded(submission, Phase.OPEN, Phase.PREFINALISED, agency_admin)
    assert signals == [
        {
            "signal": submission_phase_changed,
            "submission_id": submission.pk,
            "old": "open",
            "new": "prefinalised",
            "actor_id": agency_admin.pk,
        }  # fmt: skip
    ]


def test_undecided_records_block_prefinalisation_and_are_listed(
    client, agency_admin, submission, agency, period
):
    waiting = WorkerRecordFactory(
        agency=agency, period=period, status=Status.SUBMITTED, full_name="Belum Diputus"
    )
    client.force_login(agency_admin)
    page = client.get(reverse("phases:prefinalise")).content.decode()
    assert "Belum Diputus" in page and reverse("registry:worker-detail", args=[waiting.pk]) in page
    response = client.post(reverse("phases:prefinalise"))
    assert response.status_code == 400
    assert "belum memiliki keputusan" in response.content.decode()
    assert phase_of(submission) == Phase.OPEN
    assert not PhaseChange.objects.exists()


@pytest.mark.parametrize("role_fixture", ["operator", "helpdesk"])
@pytest.mark.parametrize(
    "url_name, phase", [("phases:prefinalise", "open"), ("phases:finalise", "prefinalised")]
)
def test_operator_and_helpdesk_cannot_move_the_phase(
    client, request, role_fixture, url_name, phase, submission
):
    set_phase(submission, phase)
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.post(reverse(url_name)).status_code == 403
    assert phase_of(submission) == phase
    assert not PhaseChange.objects.exists()


def test_operator_sees_the_phase_page_without_actions(client, operator, submission):
    client.force_login(operator)
    body = client.get(reverse("phases:overview")).content.decode()
    assert "Hanya admin instansi" in body
    assert reverse("phases:prefinalise") not in body


def test_other_agencys_admin_moves_only_their_own_agency(
    client, other_admin, submission, other_agency, period
):
    client.force_login(other_admin)
    client.post(reverse("phases:prefinalise"))
    assert phase_of(submission) == Phase.OPEN
    assert AgencySubmission.objects.get(agency=other_agency, period=period).phase == Phase.PREFINALISED


def test_national_admin_is_not_an_agency_user_of_the_portal(client, national_admin, submission):
    client.force_login(national_admin)
    response = client.post(reverse("phases:prefinalise"))
    assert response.status_code == 302 and "/instansi/akun/masuk/" in response["Location"]
    assert phase_of(submission) == Phase.OPEN


def test_finalise_marks_unsubmitted_records_not_completed_with_audit(
    client, agency_admin, submission, records, signals, django_capture_on_commit_callbacks
):
    set_phase(submission, Phase.PREFINALISED)
    client.force_login(agency_admin)
    assert client.get(reverse("phases:finalise")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("phases:finalise")).status_code == 302
    assert phase_of(submission) == Phase.FINALISED
    assert_recorded(submission, Phase.PREFINALISED, Phase.FINALISED, agency_admin)
    for status in (Status.REGISTERED, Status.ACCOUNT_CREATED):
        record = records[status]
        record.refresh_from_db()
        assert record.status == Status.NOT_COMPLETED
        event = AuditEvent.objects.get(record=record, action="status:not_completed")
        assert event.before == {"status": status} and event.actor_id == agency_admin.pk
    for status in (Status.ELIGIBLE, Status.INELIGIBLE, Status.RELEASED):
        records[status].refresh_from_db()
        assert records[status].status == status
    assert signals[-1]["new"] == "finalised"


def test_finalise_is_refused_while_a_record_is_undecided(client, agency_admin, submission, agency, period):
    set_phase(submission, Phase.PREFINALISED)
    WorkerRecordFactory(agency=agency, period=period, status=Status.SUBMITTED)
    client.force_login(agency_admin)
    response = client.post(reverse("phases:finalise"))
    assert response.status_code == 400
    assert phase_of(submission) == Phase.PREFINALISED
    assert not WorkerRecord.objects.filter(status=Status.NOT_COMPLETED).exists()


def test_finalise_is_refused_while_a_registered_blocker_objects(client, agency_admin, submission, records):
    set_phase(submission, Phase.PREFINALISED)

    def open_complaints(sub):
        return [("Masih ada 2 aduan terbuka.", "/pengumuman/")] if sub.pk == submission.pk else []

    blockers.register_blocker(open_complaints)
    try:
        client.force_login(agency_admin)
        page = client.get(reverse("phases:finalise")).content.decode()
        assert "Masih ada 2 aduan terbuka." in page
        response = client.post(reverse("phases:finalise"))
        assert response.status_code == 400
        assert "Masih ada 2 aduan terbuka." in response.content.decode()
    finally:
        blockers.unregister_blocker(open_complaints)
    assert phase_of(submission) == Phase.PREFINALISED
    records[Status.REGISTERED].refresh_from_db()
    assert records[Status.REGISTERED].status == Status.REGISTERED


@pytest.mark.parametrize(
    "phase, url_name",
    [
        ("open", "phases:finalise"),
        ("finalised", "phases:prefinalise"),
        ("completed", "phases:finalise"),
        ("prefinalised", "phases:prefinalise"),
        ("finalised", "phases:finalise"),
    ],  # fmt: skip
)
def test_moves_outside_the_table_are_refused(client, agency_admin, submission, phase, url_name):
    set_phase(submission, phase)
    client.force_login(agency_admin)
    response = client.post(reverse(url_name))
    assert response.status_code == 400
    assert phase_of(submission) == phase
    assert not PhaseChange.objects.exists()


def test_after_the_finalisation_deadline_only_the_national_admin_moves_the_agency(
    client, agency_admin, national_admin, submission, period
):
    set_phase(submission, Phase.PREFINALISED)
    period.input_deadline = timezone.now() - dt.timedelta(days=3)
    period.correction_deadline = timezone.now() - dt.timedelta(days=2)
    period.finalisation_deadline = timezone.now() - dt.timedelta(minutes=1)
    period.save()
    client.force_login(agency_admin)
    response = client.post(reverse("phases:finalise"))
    assert response.status_code == 400
    assert "hanya admin nasional" in response.content.decode().lower()
    assert phase_of(submission) == Phase.PREFINALISED
    # The national admin reopens (or, through an extension, lets the agency finish).
    client.force_login(national_admin)
    client.post(
        reverse("national:extend", args=[submission.pk]),
        {
            "kind": "finalisation",
            "until": (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Gangguan jaringan di daerah",
        },  # fmt: skip
    )
    client.force_login(agency_admin)
    assert client.post(reverse("phases:finalise")).status_code == 302
    assert phase_of(submission) == Phase.FINALISED


@pytest.mark.parametrize("phase", ["prefinalised", "finalised", "completed"])
def test_national_admin_reopens_with_a_reason_and_staff_are_mailed(
    client,
    national_admin,
    agency_admin,
    operator,
    submission,
    phase,
    signals,
    django_capture_on_commit_callbacks,
):
    set_phase(submission, phase)
    client.force_login(national_admin)
    url = reverse("national:reopen", args=[submission.pk])
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 400 and "Jelaskan alasan" in refused.content.decode()
    assert phase_of(submission) == phase
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Ada tenaga fiktif yang harus dikeluarkan"})
    assert response.status_code == 302
    assert phase_of(submission) == Phase.OPEN
    assert submission.reopened_reason == "Ada tenaga fiktif yang harus dikeluarkan"
    assert_recorded(submission, phase, Phase.OPEN, national_admin, "Ada tenaga fiktif yang harus dikeluarkan")
    assert sorted(to for m in mail.outbox for to in m.to) == sorted([agency_admin.email, operator.email])
    assert "Ada tenaga fiktif" in mail.outbox[0].body
    assert signals[-1]["new"] == "open" and signals[-1]["old"] == phase


def test_reopening_an_open_agency_is_refused(client, national_admin, submission):
    client.force_login(national_admin)
    response = client.post(reverse("national:reopen", args=[submission.pk]), {"reason": "coba"})
    assert response.status_code == 400
    assert not PhaseChange.objects.exists()


@pytest.mark.parametrize("role_fixture", ["agency_admin", "operator", "helpdesk", "other_admin"])
def test_agency_users_cannot_reopen(client, request, role_fixture, submission):
    set_phase(submission, Phase.FINALISED)
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.post(reverse("national:reopen", args=[submission.pk]), {"reason": "ingin membuka"})
    assert response.status_code == 302 and response["Location"] == reverse("registry:dashboard")
    assert phase_of(submission) == Phase.FINALISED


def test_phase_changes_are_shown_on_the_agency_and_the_national_pages(
    client, agency_admin, national_admin, submission
):
    client.force_login(agency_admin)
    client.post(reverse("phases:prefinalise"))
    client.force_login(national_admin)
    client.post(reverse("national:reopen", args=[submission.pk]), {"reason": "Salah prafinalisasi"})
    national_page = client.get(reverse("national:agency", args=[submission.pk])).content.decode()
    client.force_login(agency_admin)
    agency_page = client.get(reverse("phases:overview")).content.decode()
    for page in (national_page, agency_page):
        assert "Salah prafinalisasi" in page
        assert page.count("<tr><td>") >= 2 or "phase-changes" in page
    assert PhaseChange.objects.filter(submission=submission).count() == 2


def test_extended_input_deadline_lets_the_agency_register_again(
    client, national_admin, operator, submission, period
):
    from tests.registry.support import worker_fields

    period.input_deadline = timezone.now() - dt.timedelta(minutes=5)
    period.save()
    client.force_login(operator)
    client.post(reverse("registry:worker-create"), worker_fields())
    assert not WorkerRecord.objects.exists()
    client.force_login(national_admin)
    response = client.post(
        reverse("national:extend", args=[submission.pk]),
        {
            "kind": "input",
            "until": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Banjir",
        },  # fmt: skip
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="deadline:input")
    assert event.reason == "Banjir" and event.actor_id == national_admin.pk
    client.force_login(operator)
    client.post(reverse("registry:worker-create"), worker_fields())
    assert WorkerRecord.objects.filter(agency=submission.agency).count() == 1


def test_extension_in_the_past_is_refused_next_to_the_field(client, national_admin, submission):
    client.force_login(national_admin)
    response = client.post(
        reverse("national:extend", args=[submission.pk]),
        {"kind": "input", "until": "2020-01-01T10:00", "reason": "x"},
    )
    assert response.status_code == 400
    assert "harus di masa depan" in response.content.decode()
    submission.refresh_from_db()
    assert submission.input_deadline_override is None


def test_finalise_emails_every_worker_whose_record_became_not_completed(
    client, agency_admin, submission, records, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    for status, email in (
        (Status.REGISTERED, "belum.akun@example.org"),
        (Status.ACCOUNT_CREATED, "punya.akun@example.org"),
        (Status.INELIGIBLE, ""),  # decided and no address: nothing to send
        (Status.ELIGIBLE, "ms@example.org"),  # decided: not moved, not mailed
    ):
        WorkerRecord.objects.filter(pk=records[status].pk).update(email=email)
    set_phase(submission, Phase.PREFINALISED)
    client.force_login(agency_admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("phases:finalise")).status_code == 302
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {"belum.akun@example.org", "punya.akun@example.org"}
    body = sent["punya.akun@example.org"].body
    assert sent["punya.akun@example.org"].subject == "Status pendataan Anda: Tidak Lengkap"
    assert records[Status.ACCOUNT_CREATED].registration_number in body
    assert "operator instansi" in body

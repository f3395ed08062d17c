# ruff: noqa: F811 - the shared fixtures are imported by name and used as arguments
"""Issue 16, point 3: a national reopening unfreezes what finalisation froze. Records finalisation
closed as "Tidak Lengkap" return to the status they had (from their transition history), the worker
and the agency can act again, both are e-mailed, and the public pages mark the published final list
as withdrawn ("ditarik", with the reason and date) while older versions stay readable."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from announcements.services.publish import snapshot_publish
from registry.models import AgencySubmission, Status, WorkerRecord
from registry.services.worker_data import worker_can_edit
from tests.factories import UserFactory, WorkerRecordFactory
from tests.verification.phases_support import _tasks_inline, end_public_test, submission  # noqa: F401
from verification.services.phases import submission_finalise, submission_prefinalise

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase


@pytest.fixture
def reopened(
    client, agency, period, agency_admin, national_admin, submission, django_capture_on_commit_callbacks
):
    record = WorkerRecordFactory(
        agency=agency, period=period, status=Status.ACCOUNT_CREATED, email="lambat@example.test",
        full_name="Lambat Mengisi",
    )  # fmt: skip
    UserFactory(role=Role.WORKER, agency=None, worker_record=record, email="lambat@example.test")
    WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE, full_name="Sudah Diputus")
    agency_admin.email = "admin@example.test"
    agency_admin.save()
    with django_capture_on_commit_callbacks(execute=True):
        submission_prefinalise(submission_id=submission.pk, actor=agency_admin)
    end_public_test(submission)
    with django_capture_on_commit_callbacks(execute=True):
        submission_finalise(submission_id=submission.pk, actor=agency_admin)
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.NOT_COMPLETED
    AgencySubmission.objects.filter(pk=submission.pk).update(phase=Phase.COMPLETED)
    snapshot_publish(submission_id=submission.pk, kind="final")
    mail.outbox.clear()
    client.force_login(national_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("national:reopen", args=[submission.pk]), {"reason": "SK belum dimasukkan"}
        )
    assert response.status_code == 302
    return record


def test_a_reopening_returns_not_completed_records_to_their_status_before_finalisation(reopened):
    record = WorkerRecord.objects.get(pk=reopened.pk)
    assert record.status == Status.ACCOUNT_CREATED
    assert worker_can_edit(record)
    assert record.audit_events.filter(action="status:account_created", reason="SK belum dimasukkan").exists()


def test_a_reopening_emails_the_affected_workers_and_the_staff(reopened):
    recipients = {tuple(m.to) for m in mail.outbox}
    assert ("lambat@example.test",) in recipients
    assert ("admin@example.test",) in recipients


def test_the_worker_can_act_again_after_a_reopening(client, reopened):
    worker = reopened.account
    client.force_login(worker)
    body = client.get(reverse("worker:home")).content.decode()
    assert reverse("worker:biodata") in body


def test_the_public_final_list_is_marked_withdrawn_with_reason_and_date(client, agency, reopened):
    client.logout()
    for url in (
        reverse("announcements:announcement", args=[agency.code, "final"]),
        reverse("announcements:list", args=[agency.code, "final"]),
        reverse("announcements:version-list", args=[agency.code, "final", 1]),
        reverse("announcements:agency", args=[agency.code]),
    ):
        body = client.get(url).content.decode()
        assert 'id="list-withdrawn"' in body and "Ditarik" in body, url
        assert "SK belum dimasukkan" in body, url
    # The older public-test version is still readable.
    assert (
        client.get(reverse("announcements:version-list", args=[agency.code, "uji-publik", 1])).status_code
        == 200
    )

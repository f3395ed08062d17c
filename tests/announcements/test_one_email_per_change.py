# ruff: noqa: F811 - the shared fixtures are imported by name and used as arguments
"""Issue 16, point 9: one e-mail per change, with the final state; a re-delivered task never e-mails
twice (the finalisation e-mails too)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.tasks import status_emails
from registry.models import AgencySubmission, Status
from tests.announcements.complaints_support import captcha_passes, file_complaint, listed, prefinalise  # noqa: F401
from tests.factories import WorkerRecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_passes")]
WORKER = "andi.pegawai@example.test"


def test_a_decision_changed_through_a_complaint_sends_the_worker_one_email_with_the_final_status(
    client, agency, period, operator, django_capture_on_commit_callbacks
):
    prefinalise(agency, period)
    person = listed(agency, period, full_name="Andi Fiktif", email=WORKER)
    complaint = file_complaint(agency, person)
    mail.outbox.clear()
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal-complaints:answer", args=[complaint.pk]),
            {"decision": "accept", "change_to": "tms", "tms_reason": "fake", "answer": "Terbukti fiktif."},
        )
    assert response.status_code == 302
    to_worker = [m for m in mail.outbox if m.to == [WORKER]]
    assert [m.subject for m in to_worker] == ["Status pendataan Anda: Tidak Memenuhi Syarat (TMS)"]
    assert "Terbukti fiktif." in to_worker[0].body


def test_a_redelivered_finalisation_mail_task_sends_nothing_twice(
    client, agency, period, agency_admin, django_capture_on_commit_callbacks, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    never_sent = WorkerRecordFactory(
        agency=agency, period=period, status=Status.ACCOUNT_CREATED, email="belum@example.test"
    )
    AgencySubmission.objects.filter(agency=agency, period=period).update(
        phase="prefinalised",
        prefinalised_at=timezone.now() - dt.timedelta(days=period.public_test_days, hours=1),
    )
    client.force_login(agency_admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("phases:finalise")).status_code == 302
    assert [m.to for m in mail.outbox] == [["belum@example.test"]]
    # The task queue delivers the same batch again (a worker died after sending): nothing more is sent.
    status_emails.call(record_ids=[never_sent.pk], target=Status.NOT_COMPLETED, reason="")
    assert len(mail.outbox) == 1

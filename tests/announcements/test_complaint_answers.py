"""The agency answers complaints in its portal: accept (with the action), reject (with the reason)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from announcements.models import Complaint
from registry.models import AuditEvent, Period, Status, WorkerRecord
from tests.announcements.complaints_support import (
    COMPLAINANT_EMAIL,
    captcha_passes,  # noqa: F401 - fixture
    file_complaint,
    listed,
    prefinalise,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_passes")]

ANSWER = 'Terbukti tidak bekerja di "SDN 1" sejak 2020 & sudah diverifikasi <lapangan>.'


@pytest.fixture
def complaint(agency, period):
    prefinalise(agency, period)
    person = listed(agency, period, full_name="Andi Fiktif")
    complaint = file_complaint(agency, person)
    mail.outbox.clear()
    return complaint


@pytest.fixture
def answer(client, django_capture_on_commit_callbacks):
    """POST the answer form; the after-commit e-mail is sent as in a real request."""

    def post(complaint, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("portal-complaints:answer", args=[complaint.pk]), data)

    return post


def test_operator_accepts_a_complaint_and_changes_the_decision_to_tms(answer, client, operator, complaint):
    client.force_login(operator)
    queue = client.get(reverse("portal-complaints:list")).content.decode()
    assert complaint.ticket in queue and "Andi Fiktif" in queue
    response = answer(complaint, decision="accept", change_to="tms", tms_reason="fake", answer=ANSWER)
    assert response.status_code == 302

    complaint.refresh_from_db()
    record = WorkerRecord.objects.get(pk=complaint.record_id)
    assert complaint.status == Complaint.Status.ACCEPTED and complaint.answer == ANSWER
    assert complaint.answered_by == operator and complaint.answered_at is not None
    assert record.status == Status.INELIGIBLE
    assert complaint.ticket in record.decision_reason
    # Audited: the answer on the complaint, both decision steps on the record.
    assert AuditEvent.objects.filter(
        action="complaint:accepted", object_id=str(complaint.pk), actor=operator
    ).exists()
    assert AuditEvent.objects.filter(record=record, action="status:ineligible", actor=operator).exists()
    # The complainant is e-mailed the ticket only (the answer is read on the tracking page).
    to_complainant = [m for m in mail.outbox if m.to == [COMPLAINANT_EMAIL]]
    assert len(to_complainant) == 1
    assert complaint.ticket in to_complainant[0].body and ANSWER not in to_complainant[0].body
    assert "Diterima" in to_complainant[0].subject
    # The public page shows the answer (escaped there, as HTML must be).
    tracked = client.post(
        reverse("complaints:track"), {"ticket": complaint.ticket, "email": COMPLAINANT_EMAIL}
    )
    assert "&lt;lapangan&gt;" in tracked.content.decode()


def test_operator_rejects_a_complaint_with_a_reason(answer, client, operator, complaint):
    client.force_login(operator)
    refused = answer(complaint, decision="reject", answer="  ")
    assert refused.status_code == 400 and refused.context["form"].errors["answer"]
    complaint.refresh_from_db()
    assert complaint.is_open and not mail.outbox

    answer(complaint, decision="reject", answer="Data SK dan daftar gaji sesuai.")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REJECTED
    assert WorkerRecord.objects.get(pk=complaint.record_id).status == Status.ELIGIBLE
    assert AuditEvent.objects.filter(
        action="complaint:rejected", reason="Data SK dan daftar gaji sesuai."
    ).exists()
    assert len(mail.outbox) == 1 and complaint.ticket in mail.outbox[0].body


def test_a_decision_change_after_the_correction_deadline_is_refused_and_nothing_is_saved(
    answer, client, operator, complaint, period
):
    Period.objects.filter(pk=period.pk).update(correction_deadline=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(operator)
    response = answer(complaint, decision="accept", change_to="tms", tms_reason="fake", answer=ANSWER)
    assert response.status_code == 400
    assert "batas waktu koreksi" in response.content.decode().lower()
    complaint.refresh_from_db()
    assert complaint.is_open
    assert WorkerRecord.objects.get(pk=complaint.record_id).status == Status.ELIGIBLE
    assert not mail.outbox


def test_rejecting_while_changing_the_decision_is_refused(answer, client, operator, complaint):
    client.force_login(operator)
    response = answer(complaint, decision="reject", change_to="tms", answer="Tidak terbukti.")
    assert response.status_code == 400 and response.context["form"].errors["change_to"]
    complaint.refresh_from_db()
    assert complaint.is_open


def test_a_complaint_is_answered_once(answer, client, operator, complaint):
    client.force_login(operator)
    answer(complaint, decision="reject", answer="Tidak terbukti.")
    second = answer(complaint, decision="accept", answer="Diterima.")
    assert second.status_code == 400
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REJECTED and complaint.answer == "Tidak terbukti."
    assert len(mail.outbox) == 1


def test_helpdesk_reads_complaints_but_cannot_answer(answer, client, helpdesk, complaint):
    client.force_login(helpdesk)
    detail = client.get(reverse("portal-complaints:detail", args=[complaint.pk]))
    assert detail.status_code == 200 and 'id="answer-form"' not in detail.content.decode()
    assert answer(complaint, decision="reject", answer="Tidak terbukti.").status_code == 403
    complaint.refresh_from_db()
    assert complaint.is_open


def test_another_agencys_complaint_answers_404(answer, client, complaint, other_agency):
    stranger = UserFactory(role=Role.OPERATOR, agency=other_agency)
    client.force_login(stranger)
    assert client.get(reverse("portal-complaints:detail", args=[complaint.pk])).status_code == 404
    assert client.get(reverse("portal-complaints:evidence", args=[complaint.pk])).status_code == 404
    assert answer(complaint, decision="reject", answer="Bukan urusan kami.").status_code == 404
    assert (
        complaint.ticket not in client.get(reverse("portal-complaints:list") + "?status=all").content.decode()
    )
    complaint.refresh_from_db()
    assert complaint.is_open


def test_the_portal_menu_has_complaints(client, operator):
    client.force_login(operator)
    page = client.get(reverse("registry:dashboard")).content.decode()
    assert f'href="{reverse("portal-complaints:list")}"' in page and ">Aduan<" in page


def test_the_queue_filters_by_state(answer, client, operator, complaint, agency, period):
    other = file_complaint(agency, listed(agency, period), nik="3273014502850002")
    client.force_login(operator)
    answer(other, decision="reject", answer="Tidak terbukti.")
    open_page = client.get(reverse("portal-complaints:list")).context["page"]
    rejected_page = client.get(reverse("portal-complaints:list") + "?status=rejected").context["page"]
    assert [c.ticket for c in open_page] == [complaint.ticket]
    assert [c.ticket for c in rejected_page] == [other.ticket]


def test_the_queue_and_a_complaint_page_keep_a_query_budget(
    client, operator, complaint, django_assert_max_num_queries
):
    client.force_login(operator)
    # session + user, status counts, the page's rows, the paginator's count, the period, the submission,
    # the menu's write permission (the agency's submission)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("portal-complaints:list")).status_code == 200
    # session + user, the complaint with its record, the period and submission, its history,
    # the menu's write permission (the agency's submission)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("portal-complaints:detail", args=[complaint.pk])).status_code == 200

"""E-mails to a complainant's address (typed by anyone, never verified) carry fixed text and the
ticket only: nothing typed on the form nor the agency's answer goes out under the government's name."""

from __future__ import annotations

import pytest
from django.core import mail

from announcements.models import Complaint
from announcements.services.complaints.answering import complaint_answer
from announcements.services.complaints.filing import Complainant, complaint_file, report_file
from tests.announcements.complaints_support import COMPLAINANT_NIK, listed, prefinalise
from tests.factories import make_nik

pytestmark = pytest.mark.django_db

SPAM = "DAFTAR_INI_DIBATALKAN.hubungi.WA.0812-0000-0000"


def _bodies_without_ticket(messages) -> list[tuple[str, str]]:
    return [(m.subject.replace(t, "TICKET"), m.body.replace(t, "TICKET")) for m, t in messages]


def test_the_filing_email_holds_no_text_typed_on_the_form(agency, period, django_capture_on_commit_callbacks):
    prefinalise(agency, period)
    person = listed(agency, period, full_name="Budi Santoso")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_file(
            agency=agency,
            record_id=person.pk,
            complainant=Complainant(
                name=SPAM, nik=COMPLAINANT_NIK, email="korban@example.test", phone="0812"
            ),
            description=SPAM,
            ip="10.9.0.1",
        )
        report = report_file(
            agency=agency,
            nik=make_nik(person.birth_date, "M", region="327301", serial=4321),
            name=SPAM,
            complainant=Complainant(
                name="Warga", nik=COMPLAINANT_NIK, email="lain@example.test", phone="0812"
            ),
            description=SPAM,
            ip="10.9.0.2",
        )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert SPAM not in message.body and SPAM not in message.subject
        assert "Budi Santoso" not in message.body and agency.name not in message.body
    # Whoever filed and whatever they typed, the two e-mails differ only by their ticket.
    first, second = _bodies_without_ticket(
        [(mail.outbox[0], complaint.ticket), (mail.outbox[1], report.ticket)]
    )
    assert first == second and complaint.ticket in mail.outbox[0].body


def test_the_answer_email_holds_the_ticket_not_the_agencys_answer(
    agency, period, operator, django_capture_on_commit_callbacks
):
    prefinalise(agency, period)
    person = listed(agency, period)
    complaint = complaint_file(
        agency=agency,
        record_id=person.pk,
        complainant=Complainant(name=SPAM, nik=COMPLAINANT_NIK, email="korban@example.test", phone="0812"),
        description="x",
        ip="10.9.0.3",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_answer(
            complaint_id=complaint.pk, accepted=False, answer="Alamat rumah: Jl. Melati 5", actor=operator
        )
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.REJECTED
    body = mail.outbox[0].body
    assert complaint.ticket in body
    assert "Jl. Melati" not in body and SPAM not in body and agency.name not in body

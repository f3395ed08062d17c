"""The public files a complaint about a listed person during the public test, and follows it by ticket."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from announcements.models import Complaint
from announcements.services.complaints.window import complaint_window
from registry.models import AgencySubmission, AuditEvent, Status
from tests.accounts.support import jpeg_bytes
from tests.announcements.complaints_support import (
    COMPLAINANT_EMAIL,
    COMPLAINANT_NIK,
    captcha_passes,  # noqa: F401 - fixture
    complaint_data,
    file_complaint,
    file_url,
    listed,
    prefinalise,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_passes")]

TICKET = re.compile(r"ADU-[2-9A-Z]{4}-[2-9A-Z]{4}")


def test_citizen_files_a_complaint_and_gets_a_ticket(
    client, agency, period, django_capture_on_commit_callbacks
):
    prefinalise(agency, period)
    person = listed(agency, period, full_name="Budi Tidakbekerja")
    form = client.get(file_url(agency, person))
    assert form.status_code == 200
    body = form.content.decode()
    assert "Budi Tidakbekerja" in body and person.masked_nik in body
    assert person.nik not in body  # the listed person's NIK only masked

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(file_url(agency, person), complaint_data())
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("complaints:ticket", args=[complaint.ticket])
    assert TICKET.fullmatch(complaint.ticket)
    assert complaint.status == Complaint.Status.OPEN and complaint.kind == Complaint.Kind.COMPLAINT
    assert complaint.record == person and complaint.subject_name == "Budi Tidakbekerja"
    assert complaint.subject_nik_masked == person.masked_nik
    # The complainant's NIK is stored only masked and as a keyed hash.
    assert complaint.complainant_nik_masked != COMPLAINANT_NIK and "*" in complaint.complainant_nik_masked
    assert COMPLAINANT_NIK not in str(Complaint.objects.values().get())
    assert AuditEvent.objects.filter(
        action="complaint:filed", object_id=str(complaint.pk), record=person
    ).exists()

    ticket_page = client.get(response.url).content.decode()
    assert complaint.ticket in ticket_page
    assert len(mail.outbox) == 1 and complaint.ticket in mail.outbox[0].body
    assert mail.outbox[0].to == [COMPLAINANT_EMAIL]


def test_the_ticket_page_shows_only_to_the_browser_that_filed(client, agency, period):
    prefinalise(agency, period)
    complaint = file_complaint(agency, listed(agency, period))
    response = client.get(reverse("complaints:ticket", args=[complaint.ticket]))
    assert response.status_code == 302
    assert response.url == reverse("complaints:track") + f"?ticket={complaint.ticket}"


def test_a_complaint_is_followed_by_ticket_and_email_together(client, agency, period):
    prefinalise(agency, period)
    complaint = file_complaint(agency, listed(agency, period, full_name="Siti Dicari"))
    track = reverse("complaints:track")

    found = client.post(
        track, {"ticket": complaint.ticket.lower().replace("-", " "), "email": "WARGA@example.test"}
    )
    body = found.content.decode()
    assert 'id="complaint-result"' in body and "Siti Dicari" in body
    assert "Menunggu jawaban instansi" in body

    wrong_email = client.post(
        track, {"ticket": complaint.ticket, "email": "lain@example.test"}
    ).content.decode()
    wrong_ticket = client.post(
        track, {"ticket": "ADU-2222-2222", "email": COMPLAINANT_EMAIL}
    ).content.decode()
    for body in (wrong_email, wrong_ticket):
        assert 'id="complaint-not-found"' in body and 'id="complaint-result"' not in body
        assert "Siti Dicari" not in body


def test_evidence_is_checked_and_normalised_like_a_workers_document(client, agency, period):
    prefinalise(agency, period)
    person = listed(agency, period)
    program = SimpleUploadedFile("bukti.jpg", b"MZ\x90\x00" + b"\x00" * 2000, content_type="image/jpeg")
    refused = client.post(file_url(agency, person), complaint_data(evidence=program))
    assert refused.status_code == 200
    assert not Complaint.objects.exists()
    assert "program" in refused.context["form"].errors["evidence"][0]

    exif = Image.Exif()
    exif[0x010F] = "TestPhone Maker"
    photo = SimpleUploadedFile("foto.jpg", jpeg_bytes((900, 600), exif=exif), content_type="image/jpeg")
    client.post(file_url(agency, person), complaint_data(evidence=photo))
    complaint = Complaint.objects.get()
    assert complaint.evidence_content_type == "image/jpeg"
    with complaint.evidence.open("rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
    assert not stored.getexif()  # re-encoded: no EXIF
    assert "bukti" not in complaint.evidence.name and person.full_name not in complaint.evidence.name


def test_a_malformed_complainant_nik_is_refused_next_to_the_field(client, agency, period):
    prefinalise(agency, period)
    person = listed(agency, period)
    response = client.post(file_url(agency, person), complaint_data(complainant_nik="3273011234"))
    assert response.status_code == 200
    assert "16 digit" in response.context["form"].errors["complainant_nik"][0]
    assert not Complaint.objects.exists()


def test_a_complaint_needs_a_person_from_the_agencys_list(client, agency, other_agency, period):
    prefinalise(agency, period)
    prefinalise(other_agency, period)
    foreign = listed(other_agency, period)
    released = listed(agency, period, status=Status.RELEASED)
    assert client.get(file_url(agency, foreign)).status_code == 404
    assert client.get(file_url(agency, released)).status_code == 404
    assert client.post(file_url(agency, foreign), complaint_data()).status_code == 404
    choose = client.get(file_url(agency)).content.decode()
    assert 'id="complaint-choose"' in choose
    # The list page may also link by registration number.
    person = listed(agency, period)
    by_number = client.get(
        reverse("complaints:file", args=[agency.code]) + f"?record={person.registration_number}"
    )
    assert person.full_name in by_number.content.decode()
    assert not Complaint.objects.exists()


def test_before_the_public_test_the_form_is_closed(client, agency, period):
    person = listed(agency, period)  # agency still open
    response = client.get(file_url(agency, person))
    body = response.content.decode()
    assert 'id="complaints-closed"' in body and "belum dimulai" in body
    assert client.post(file_url(agency, person), complaint_data()).status_code == 200
    assert not Complaint.objects.exists()


def test_after_the_public_test_the_form_is_closed_and_shows_the_dates(client, agency, period):
    submission = prefinalise(agency, period, days_ago=period.public_test_days)
    person = listed(agency, period)
    opens, closes, is_open, _ended = complaint_window(submission)
    assert not is_open
    body = client.get(file_url(agency, person)).content.decode()
    assert 'id="complaints-closed"' in body
    assert timezone.localtime(opens).strftime("%d-%m-%Y %H:%M") in body
    assert timezone.localtime(closes).strftime("%d-%m-%Y %H:%M") in body
    client.post(file_url(agency, person), complaint_data())
    assert not Complaint.objects.exists()


def test_the_window_is_the_public_test_days_from_prefinalisation_while_prefinalised(agency, period):
    submission = prefinalise(agency, period)
    opens = submission.prefinalised_at
    assert complaint_window(submission, now=opens) == (opens, opens + dt.timedelta(days=5), True, False)
    assert not complaint_window(submission, now=opens + dt.timedelta(days=5)).is_open
    assert complaint_window(submission, now=opens + dt.timedelta(days=5) - dt.timedelta(seconds=1)).is_open
    submission.phase = AgencySubmission.Phase.FINALISED
    assert complaint_window(submission, now=opens).is_open is False
    assert complaint_window(None) == (None, None, False, False)


def test_no_full_complainant_nik_on_any_page(
    client, agency, period, operator, django_capture_on_commit_callbacks
):
    prefinalise(agency, period)
    person = listed(agency, period)
    pages = []
    # A refused form (wrong captcha) shown again does not echo the NIK back.
    pages.append(client.post(file_url(agency, person), complaint_data(captcha_1="WRONG")))
    with django_capture_on_commit_callbacks(execute=True):
        filed = client.post(file_url(agency, person), complaint_data())
    complaint = Complaint.objects.get()
    pages.append(client.get(filed.url))
    pages.append(
        client.post(reverse("complaints:track"), {"ticket": complaint.ticket, "email": COMPLAINANT_EMAIL})
    )
    client.force_login(operator)
    pages.append(client.get(reverse("portal-complaints:list")))
    pages.append(client.get(reverse("portal-complaints:detail", args=[complaint.pk])))
    pages.append(client.get(reverse("registry:worker-detail", args=[person.pk])))
    for response in pages:
        assert response.status_code == 200
        assert COMPLAINANT_NIK not in response.content.decode()
    assert COMPLAINANT_NIK not in mail.outbox[0].body
    assert all(COMPLAINANT_NIK not in f"{e.before} {e.after} {e.reason}" for e in AuditEvent.objects.all())

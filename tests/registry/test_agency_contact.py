"""The agency admin keeps the agency's contact details; workers and the public read them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import AgencyContact, AuditEvent
from registry.services.contacts import contact_save
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db

CONTACT = {
    "unit": "Bidang Pengadaan BKPSDM",
    "phone": "022 4200 123",
    "whatsapp": "0812 3456 7890",
    "email": "kepegawaian@bandung.example.test",
    "address": "Jl. Wastukencana 2, Bandung",
    "service_hours": "Senin–Jumat 08.00–16.00 WIB",
}


def test_agency_admin_saves_the_contact_and_the_change_is_audited(client, agency_admin, agency):
    client.force_login(agency_admin)
    response = client.post(reverse("registry:contact-edit"), CONTACT)
    assert response.status_code == 302
    contact = AgencyContact.objects.get(agency=agency)
    assert contact.phone == "022 4200 123" and contact.updated_by == agency_admin
    event = AuditEvent.objects.get(action="agency:contact")
    assert event.agency == agency and event.after["unit"] == "Bidang Pengadaan BKPSDM"
    assert event.action_label == "Kontak instansi diubah"


def test_operator_cannot_edit_the_contact(client, operator):
    client.force_login(operator)
    assert client.post(reverse("registry:contact-edit"), CONTACT).status_code == 403
    assert not AgencyContact.objects.exists()


def test_admin_edits_only_their_own_agencys_contact(client, agency_admin, other_agency):
    contact_save(agency=other_agency, data={**CONTACT, "phone": "0274 1"}, actor=None)
    client.force_login(agency_admin)
    client.post(reverse("registry:contact-edit"), CONTACT)
    assert AgencyContact.objects.get(agency=other_agency).phone == "0274 1"
    assert AgencyContact.objects.get(agency=agency_admin.agency).phone == "022 4200 123"


def test_a_bad_phone_number_is_refused_next_to_the_field(client, agency_admin):
    client.force_login(agency_admin)
    response = client.post(reverse("registry:contact-edit"), {**CONTACT, "phone": "call me"})
    assert response.status_code == 200
    assert "Gunakan hanya angka" in response.content.decode()
    assert not AgencyContact.objects.exists()


def test_saving_unchanged_details_writes_no_audit_row(agency, agency_admin):
    contact_save(agency=agency, data=CONTACT, actor=agency_admin)
    contact_save(agency=agency, data=CONTACT, actor=agency_admin)
    assert AuditEvent.objects.filter(action="agency:contact").count() == 1


def test_contact_search_finds_the_agency_and_shows_its_contact(client, agency):
    contact_save(agency=agency, data=CONTACT, actor=None)
    page = client.get(reverse("help:contacts"), {"q": agency.name[:6]}).content.decode()
    assert agency.name in page and "022 4200 123" in page and "https://wa.me/6281234567890" in page


def test_contact_search_without_a_match_says_so(client, agency):
    page = client.get(reverse("help:contacts"), {"q": "tidak ada instansi seperti ini"}).content.decode()
    assert 'id="contact-none"' in page


def test_the_agencys_public_page_shows_its_contact(client, agency):
    contact_save(agency=agency, data=CONTACT, actor=None)
    page = client.get(reverse("announcements:agency", args=[agency.code])).content.decode()
    assert "Bidang Pengadaan BKPSDM" in page


def test_the_agencys_public_page_shows_a_changed_contact_at_once(client, agency):
    contact_save(agency=agency, data=CONTACT, actor=None)
    client.get(reverse("announcements:agency", args=[agency.code]))
    contact_save(agency=agency, data={**CONTACT, "unit": "Sekretariat BKPSDM"}, actor=None)
    page = client.get(reverse("announcements:agency", args=[agency.code])).content.decode()
    assert "Sekretariat BKPSDM" in page


def test_status_check_result_shows_the_agencys_contact(client, agency, period, settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    contact_save(agency=agency, data=CONTACT, actor=None)
    record = WorkerRecordFactory(agency=agency, period=period)
    response = client.post(
        reverse("announcements:status-check"),
        {
            "nik": record.nik,
            "kk": record.kk,
            "captcha_0": "x",
            "captcha_1": "passed",
        },
    )
    page = response.content.decode()
    assert 'id="status-found"' in page and "022 4200 123" in page


def test_refused_identity_check_offers_the_agency_contact_search(client, agency, settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    page = client.post(
        reverse("worker:register"),
        {
            "nik": "3201015705910001",
            "kk": "3201010101010001",
            "full_name": "Orang Tidak Terdaftar",
            "birth_place": "Bandung",
            "birth_date": "1991-05-17",
            "phone": "081234567890",
            "email": "orang@example.test",
            "captcha_0": "x",
            "captcha_1": "passed",
        },
    ).content.decode()
    assert 'id="identity-no-match"' in page
    assert f'action="{reverse("help:contacts")}"' in page

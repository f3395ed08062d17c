"""A citizen files a complaint and follows it by ticket; the agency answers it; the citizen reads the answer."""

from __future__ import annotations

import re

import pytest

from announcements.models import Complaint
from registry.models import Status, WorkerRecord
from tests.announcements.complaints_support import COMPLAINANT_NIK, listed, prefinalise
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "warga.peduli@example.test"


@pytest.fixture(autouse=True)
def _captcha_test_mode(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)


def _track(page, ticket: str) -> None:
    page.goto(f"/aduan/lacak/?ticket={ticket}")
    assert page.input_value("#id_ticket") == ticket
    page.fill("#id_email", EMAIL)
    page.click("#track-submit")
    page.wait_for_selector("#complaint-result")


def test_citizen_files_a_complaint_follows_it_and_reads_the_agencys_answer(
    page, phone_page, agency, period, operator
):
    prefinalise(agency, period)
    person = listed(agency, period, full_name="Joko Fiktif")

    # The citizen, on a phone, from the list's link.
    citizen = phone_page
    citizen.goto(f"/aduan/{agency.code}/?record={person.pk}")
    assert "Joko Fiktif" in citizen.inner_text("#complaint-subject")
    assert person.nik not in citizen.content()
    citizen.fill("#id_complainant_name", "Warga Peduli")
    citizen.fill("#id_complainant_nik", COMPLAINANT_NIK)
    citizen.fill("#id_email", EMAIL)
    citizen.fill("#id_phone", "0812 3456 7890")
    citizen.fill("#id_description", "Tidak pernah bekerja di dinas ini.")
    citizen.fill("#id_captcha_1", "PASSED")
    citizen.click("#complaint-submit")
    citizen.wait_for_selector("#complaint-ticket")
    ticket = citizen.inner_text("#complaint-ticket").strip()
    assert re.fullmatch(r"ADU-[2-9A-Z]{4}-[2-9A-Z]{4}", ticket)
    assert COMPLAINANT_NIK not in citizen.content()

    citizen.click("#complaint-follow")
    citizen.fill("#id_email", EMAIL)
    citizen.click("#track-submit")
    citizen.wait_for_selector("#complaint-result")
    assert citizen.inner_text("#complaint-status") == "Menunggu jawaban instansi"

    # The agency's operator answers in the portal: accepted, the decision changed to TMS.
    page.goto("/instansi/akun/masuk/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")
    page.click(".portal-nav >> text=Aduan")
    page.wait_for_url("**/instansi/aduan/")
    page.click(f"text={ticket}")
    assert "Tidak pernah bekerja di dinas ini." in page.inner_text("#complaint-description")
    page.check("input[name=decision][value=accept]")
    page.select_option("#id_change_to", "tms")
    page.select_option("#id_tms_reason", "fake")
    page.fill("#id_answer", "Hasil pemeriksaan: tidak bekerja di dinas ini. Keputusan diubah menjadi TMS.")
    page.click("#answer-submit")
    page.wait_for_selector("#complaint-answer")
    assert page.inner_text("#complaint-status") == "Diterima"
    assert WorkerRecord.objects.get(pk=person.pk).status == Status.INELIGIBLE
    assert Complaint.objects.get(ticket=ticket).status == Complaint.Status.ACCEPTED

    # The citizen follows the ticket again and reads the answer.
    _track(citizen, ticket)
    assert citizen.inner_text("#complaint-status") == "Diterima"
    assert "Keputusan diubah menjadi TMS" in citizen.inner_text("#complaint-answer")

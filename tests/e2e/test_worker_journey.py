"""A worker on a 360-px phone: Buat Akun → step 1 → step 2 → login → a section → a document → resume."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from registry.models import Document, Status, WorkerRecord
from tests.accounts.support import jpeg_bytes, pdf_bytes
from tests.factories import WorkerRecordFactory, make_kk, make_nik

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "SandiKuat-2026"


@pytest.fixture(autouse=True)
def _captcha_test_mode(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.IDENTITY_CHECK_SLOW_STEP_SECONDS = 0


@pytest.fixture
def record(agency, period) -> WorkerRecord:
    birth = dt.date(1992, 6, 9)
    return WorkerRecordFactory(
        agency=agency,
        period=period,
        full_name="Dewi Lestari Ningsih",
        birth_place="Garut",
        birth_date=birth,
        sex="F",
        nik=make_nik(birth, "F", region="320501", serial=5150),
        kk=make_kk(region="320501", serial=5151),
    )


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_worker_journey_on_a_phone(phone_page, record):
    page = phone_page
    page.goto("/")
    page.click("#entry-create-account")
    page.wait_for_url(re.compile(r"/akun/buat/$"))
    assert page.locator("h1").first.inner_text() == "Langkah 1: Pengecekan Identitas"
    assert _no_horizontal_scroll(page)

    # Step 1: a typo in the name first → the single message; then the right data.
    page.fill("#id_nik", record.nik)
    page.fill("#id_kk", record.kk)
    page.fill("#id_full_name", "Dewi Lestari")
    page.fill("#id_birth_place", "Garut")
    page.fill("#id_birth_date", "1992-06-09")
    page.fill("#id_phone", "081311112222")
    page.fill("#id_email", "dewi@example.test")
    page.fill("#id_captcha_1", "PASSED")
    page.click("#identity-submit")
    assert "Anda Belum Didaftarkan oleh Admin Instansi" in page.locator("#identity-no-match").inner_text()
    page.fill("#id_full_name", "dewi  lestari NINGSIH")
    page.fill("#id_captcha_1", "PASSED")
    page.click("#identity-submit")

    # Step 2: password, KTP (PDF) and passport photo.
    page.wait_for_url(re.compile(r"/akun/buat/langkah-2/$"))
    assert "Langkah 2: Lengkapi Data" in page.locator("h1").first.inner_text()
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.set_input_files(
        "#id_ktp", {"name": "ktp.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(1)}
    )
    page.set_input_files(
        "#id_photo", {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((600, 800))}
    )
    page.click("#create-account")
    page.wait_for_url(re.compile(r"/akun/buat/selesai/$"))
    assert record.masked_nik in page.content()
    record.refresh_from_db()
    assert record.status == Status.ACCOUNT_CREATED

    # Log out, then log in with the NIK.
    page.locator("button.navbar-toggler").click()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(re.compile(r"/akun/masuk/$"))
    page.fill("#id_username", record.nik)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/akun/$"))
    assert "Akun Dibuat" in page.locator("#record-status").inner_text()

    # Fill the education section.
    page.goto("/akun/pendidikan/")
    page.select_option("#id_education_level", "D3")
    page.fill("#id_education_institution", "Politeknik Negeri Bandung")
    page.fill("#id_education_major", "Akuntansi")
    page.fill("#id_diploma_number", "POLBAN/2013/77")
    page.fill("#id_graduation_date", "2013-09-01")
    page.click("#save-education")
    page.wait_for_url(re.compile(r"/akun/dokumen/$"))
    assert _no_horizontal_scroll(page)

    # Upload a document.
    page.set_input_files(
        "#file-diploma", {"name": "ijazah.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes((1600, 1200))}
    )
    page.click("#upload-diploma")
    page.wait_for_url(re.compile(r"/akun/dokumen/"))
    assert "Ijazah berhasil diunggah" in page.content()
    assert Document.objects.filter(record=record, kind="diploma").exists()

    # The resume shows what was entered and what is still missing.
    page.goto("/akun/resume/")
    resume = page.content()
    assert "Politeknik Negeri Bandung" in resume
    assert "Lengkapi ini sebelum mengirim" in page.locator("#missing-all").inner_text()
    assert page.locator("#submit-record").is_disabled()
    assert _no_horizontal_scroll(page)

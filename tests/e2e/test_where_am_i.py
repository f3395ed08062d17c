"""Every user knows where they are, what comes next and whom to ask (issue 21), in a real browser."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from announcements.services.publish import snapshot_publish
from registry.models import AgencySubmission, Period, Status, WorkerRecord, WorkUnit
from registry.services.contacts import contact_save
from tests.accounts.support import make_worker
from tests.announcements.support import move_phase
from tests.e2e.quality import assert_accessible
from tests.factories import PASSWORD, WorkerRecordFactory, make_nik

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CONTACT = {
    "unit": "Bidang Pengadaan dan Informasi Kepegawaian, BKPSDM Kota Bandung",
    "phone": "022 4200 123",
    "whatsapp": "0812 3456 7890",
    "email": "kepegawaian@bandung.example.test",
    "address": "Jl. Wastukencana No. 2, Bandung",
    "service_hours": "Senin–Jumat 08.00–16.00 WIB",
}


@pytest.fixture(autouse=True)
def _switches(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.IDENTITY_CHECK_SLOW_STEP_SECONDS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    yield
    cache.clear()


def shot(page, name: str) -> None:
    """With E2E_SCREENSHOTS=1, a screenshot to look at (var/screenshots/, git-ignored); a full-page
    screenshot costs about as much as the check it illustrates, so not by default."""
    if not os.environ.get("E2E_SCREENSHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def shot_both(page, name: str) -> None:
    """The page at the phone's width it was tested at, and on a desktop (1280 px)."""
    if not os.environ.get("E2E_SCREENSHOTS"):
        return
    shot(page, name)
    size = page.viewport_size
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, name)
    page.set_viewport_size(size)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def hidden_cells(page, table: str) -> int:
    """Cells of the table that take no space on the page (a column hidden on this screen)."""
    return page.evaluate(
        f"""[...document.querySelectorAll('{table} td, {table} th')]
            .filter(c => !c.closest('thead') && (c.offsetWidth === 0 || c.offsetHeight === 0)).length"""
    )


def staff_login(page, user) -> None:
    page.goto("/instansi/akun/masuk/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")


def test_a_worker_without_registration_reaches_the_agencys_contact_from_the_refusal(phone_page, agency):
    page = phone_page
    agency.name = "Pemerintah Kota Bandung"
    agency.save()
    contact_save(agency=agency, data=CONTACT, actor=None)
    page.goto("/akun/buat/")
    birth = dt.date(1990, 4, 2)
    page.fill("#id_nik", make_nik(birth, "M", serial=4321))
    page.fill("#id_kk", "3273010101010001")
    page.fill("#id_full_name", "Orang Belum Terdaftar")
    page.fill("#id_birth_place", "Bandung")
    page.fill("#id_birth_date", birth.isoformat())
    page.fill("#id_phone", "081311112222")
    page.fill("#id_email", "belum@example.test")
    page.fill("#id_captcha_1", "PASSED")
    page.click("#identity-submit")
    assert "Anda Belum Didaftarkan" in page.locator("#identity-no-match").inner_text()
    shot_both(page, "refusal")
    page.fill("#refusal-agency", "kota bandung")
    page.click("#refusal-contact-search button")
    page.wait_for_url(re.compile(r"/bantuan/kontak/\?q="))
    card = page.locator(f"#agency-contact-{agency.code}")
    assert "022 4200 123" in card.inner_text()
    assert card.locator("a[href='tel:0224200123']").count() == 1
    assert no_sideways_scroll(page)
    assert_accessible(page)
    shot_both(page, "contacts")


def test_the_worker_home_shows_the_timeline_whats_missing_and_the_contact(page, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period, full_name="Siti Aminah")
    make_worker(record)
    contact_save(agency=agency, data=CONTACT, actor=None)
    page.goto("/akun/masuk/")
    page.fill("#id_username", record.nik)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url(re.compile(r"/akun/$"))
    timeline = page.locator("#period-timeline")
    assert timeline.locator("[data-step=input][data-state=current]").count() == 1
    deadline = timezone.localtime(period.input_deadline).strftime("%d-%m-%Y")
    assert deadline in timeline.inner_text()
    assert "Hari ini" in page.locator("#timeline-today").inner_text()
    assert page.locator("#missing-all").is_visible()
    assert "022 4200 123" in page.locator(f"#agency-contact-{agency.code}").inner_text()
    assert_accessible(page)
    shot(page, "worker-home")
    page.set_viewport_size({"width": 360, "height": 740})
    assert no_sideways_scroll(page)
    shot(page, "worker-home")


def test_a_tms_worker_reads_the_reason_and_the_complaint_link_in_the_public_test(phone_page, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period, full_name="Agus Pratama")
    make_worker(record)
    WorkerRecord.objects.filter(pk=record.pk).update(
        status=Status.INELIGIBLE, decision_reason="Masa kerja kurang dari 1 tahun pada 31-12-2021"
    )
    move_phase(AgencySubmission.objects.get(agency=agency), AgencySubmission.Phase.PREFINALISED)
    page = phone_page
    page.goto("/akun/masuk/")
    page.fill("#id_username", record.nik)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url(re.compile(r"/akun/$"))
    assert "Masa kerja kurang" in page.locator("#tms-reason").inner_text()
    assert page.locator("[data-step=public_test][data-state=current]").count() == 1
    page.click("#tms-complaint")
    page.wait_for_url(re.compile(rf"/aduan/{agency.code}/\?record={record.pk}$"))
    shot(page, "complaint-from-tms")


def test_the_dashboard_shows_the_agencys_timeline_and_next_step(page, agency_admin, period):
    staff_login(page, agency_admin)
    assert page.locator("#period-timeline [data-step=input][data-state=current]").count() == 1
    assert "prafinalisasi" in page.locator("#next-step").inner_text()
    assert_accessible(page)
    shot(page, "dashboard")
    page.click("text=Kontak instansi >> nth=0")
    page.wait_for_url("**/instansi/kontak/")
    for name, value in CONTACT.items():
        page.fill(f"#id_{name}", value)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/kontak/")
    assert "tersimpan" in page.locator(".alert-success").inner_text()
    assert_accessible(page)
    shot(page, "contact-form")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/instansi/")
    assert no_sideways_scroll(page)
    shot(page, "dashboard")


def test_reminders_are_sent_once_when_the_task_runs_twice(agency, period, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Period.objects.filter(pk=period.pk).update(input_deadline=timezone.now() + dt.timedelta(days=6))
    WorkerRecordFactory(agency=agency, period=period, email="satu@example.test")
    WorkerRecordFactory(agency=agency, period=period, status=Status.SUBMITTED, email="sudah@example.test")
    call_command("send_deadline_reminders")
    call_command("task_worker", batch=True)
    call_command("send_deadline_reminders")
    call_command("task_worker", batch=True)
    assert [m.to for m in mail.outbox] == [["satu@example.test"]]


def test_the_national_admin_lands_on_the_national_desk(page, national_admin, period):
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/admin/login/"))
    page.fill("#id_username", national_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/nasional/$"))
    assert page.locator("h1").first.is_visible()
    page.goto("/admin/")
    assert page.locator("#national-desk-link a").get_attribute("href") == "/nasional/"
    shot(page, "admin-index")


FOOTER_PAGES = ["/", "/pengumuman/", "/pengumuman/cek-status/", "/akun/buat/", "/akun/masuk/", "/instansi/akun/masuk/", "/aduan/lacak/", "/tidak-ada/"]  # fmt: skip


def test_every_footer_links_to_help(page, period):
    for path in FOOTER_PAGES:
        page.goto(path)
        page.click("#footer-help")
        page.wait_for_url(re.compile(r"/bantuan/$"))
        assert page.locator("h1").first.inner_text() == "Bantuan", path


def test_the_help_page_reads_well_on_a_phone(phone_page, period):
    phone_page.goto("/bantuan/")
    assert no_sideways_scroll(phone_page)
    assert_accessible(phone_page)
    shot_both(phone_page, "help")


@pytest.fixture
def changed_list(agency, period):
    """An agency with a second public-test version: one added, one status changed."""
    agency.name = "Pemerintah Kota Bandung"
    agency.save()
    unit = WorkUnit.objects.create(agency=agency, name="Dinas Pendidikan dan Kebudayaan")
    records = [
        WorkerRecordFactory(
            agency=agency, period=period, work_unit=unit, status=Status.ELIGIBLE, full_name=f"Pegawai Nomor {n}",
            position="Pengadministrasi Umum Sekolah Dasar",
        )
        for n in range(3)
    ]  # fmt: skip
    submission = AgencySubmission.objects.get(agency=agency)
    move_phase(submission, AgencySubmission.Phase.PREFINALISED)
    WorkerRecord.objects.filter(pk=records[0].pk).update(status=Status.INELIGIBLE)
    WorkerRecordFactory(
        agency=agency,
        period=period,
        work_unit=unit,
        status=Status.ELIGIBLE,
        full_name="Pegawai Tambahan Baru",
    )
    snapshot = snapshot_publish(submission_id=submission.pk, kind="public_test")
    return agency, snapshot


def test_the_version_diff_reads_on_a_360px_phone_without_hidden_columns(phone_page, changed_list):
    agency, snapshot = changed_list
    page = phone_page
    page.goto(f"/pengumuman/{agency.code}/")
    page.click(f"text=Daftar uji publik v{snapshot.version}")
    page.goto(f"/pengumuman/{agency.code}/{snapshot.slug}/v{snapshot.version}/perubahan/")
    assert "Pegawai Tambahan Baru" in page.locator("#changes-added").inner_text()
    assert "Pegawai Nomor 0" in page.locator("#changes-changed").inner_text()
    assert no_sideways_scroll(page)
    assert hidden_cells(page, "#changes-changed") == 0
    assert_accessible(page)
    shot_both(page, "changes")


def test_the_worker_list_reads_on_a_360px_phone_without_hidden_columns(phone_page, operator, agency, period):
    unit = WorkUnit.objects.create(agency=agency, name="Dinas Kesehatan Kota")
    for n in range(4):
        WorkerRecordFactory(agency=agency, period=period, work_unit=unit, full_name=f"Tenaga Kesehatan {n}")
    page = phone_page
    staff_login(page, operator)
    page.goto("/instansi/pegawai/")
    assert page.locator(".worker-table tbody tr").count() == 4
    assert "Dinas Kesehatan Kota" in page.locator(".worker-table tbody tr").first.inner_text()
    assert no_sideways_scroll(page)
    assert hidden_cells(page, ".worker-table") == 0
    assert_accessible(page)
    shot_both(page, "worker-list")

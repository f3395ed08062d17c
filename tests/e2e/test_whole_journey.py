"""The whole journey in a real browser, through the pages only, as its people do it.

The only setup outside the pages: a national admin, an active period, one agency (not yet in the
period) and its agency admin. Every step is a helper below; after each one the page is checked with
axe-core (WCAG 2.1 AA, no serious or critical violation) and its HTML is kept — copied to
test-results/<test>/ with a screenshot of each open page when the test fails. E2E_SCREENSHOTS=1 also
takes a screenshot of every step and keeps them when the test passes (a full-page screenshot costs
about as much as the step itself, so not by default)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image
from pypdf import PdfReader, PdfWriter

from accounts.models import Role
from registry.models import AgencySubmission, Status, WorkerRecord
from tests.e2e.quality import assert_accessible
from tests.factories import PASSWORD, AgencyFactory, UserFactory, WorkerRecordFactory, make_kk, make_nik
from tests.verification.phases_support import end_public_test

pytestmark = pytest.mark.django_db(transaction=True)

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
WORKER_PASSWORD = "SandiKuat-2026"
OPERATOR_PASSWORD = "Operator-Kuat-2026"
COMPLAINANT_NIK = make_nik(dt.date(1985, 2, 3), "F", region="327301", serial=7788)
REVISION_NOTE = "Alamat domisili belum lengkap, perbaiki."
BIRTH = dt.date(1990, 4, 12)
WORKER = {
    "nik": make_nik(BIRTH, "F", region="327301", serial=4101),
    "kk": make_kk(region="327301", serial=4102),
    "full_name": "RATNA KARTIKA SARI",
    "birth_place": "KOTA BANDUNG",
    "birth_date": BIRTH,
}
IMPORTED = [
    ("Agus Pratama", dt.date(1988, 7, 1), "M", 4201),
    ("Sri Wahyuni", dt.date(1993, 1, 20), "F", 4202),
]


# --- setup: the only objects made outside the pages -------------------------------------------


@pytest.fixture(autouse=True)
def _test_switches(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.IDENTITY_CHECK_SLOW_STEP_SECONDS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def new_agency(db, period):
    """An agency the national admin has not yet added to the period."""
    return AgencyFactory(name="Pemerintah Kota Cimahi", code="C3277", kind="city")


@pytest.fixture
def new_agency_admin(new_agency):
    return UserFactory(role=Role.AGENCY_ADMIN, agency=new_agency, username="admin.cimahi")


# --- each step's page, kept on failure ------------------------------------------------------


SCREENSHOTS = bool(os.environ.get("E2E_SCREENSHOTS"))


class Steps:
    """Checks each step's page (axe-core) and keeps its HTML (and its screenshot with E2E_SCREENSHOTS)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pages: list = []
        self.count = 0
        self.phone = False

    def done(self, page, name: str, *, accessible: bool = True) -> None:
        self.count += 1
        if self.phone:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 361, f"{page.url} scrolls sideways on a phone: {width} px"
        if page not in self.pages:
            self.pages.append(page)
        stem = self.folder / f"{self.count:02d}-{name}"
        stem.with_suffix(".html").write_text(page.content(), encoding="utf-8")
        if SCREENSHOTS:
            page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
        if accessible:
            assert_accessible(page)


@pytest.fixture
def steps(request, tmp_path):
    folder = tmp_path / "steps"
    folder.mkdir()
    recorder = Steps(folder)
    yield recorder
    report = getattr(request.node, "report_call", None)
    if (report is not None and report.failed) or SCREENSHOTS:
        target = RESULTS / re.sub(r"[^\w.-]+", "_", request.node.name)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder, target)
        for n, page in enumerate(recorder.pages):
            try:
                page.screenshot(path=str(target / f"failure-{n}.png"), full_page=True)
            except Exception:  # the page may already be closed
                pass


# --- files a person would have on their phone or desk -----------------------------------------


def jpeg_file(folder: Path, name: str, size=(800, 600)) -> Path:
    path = folder / name
    Image.new("RGB", size, (40, 110, 180)).save(path, "JPEG", quality=85)
    return path


def pdf_file(folder: Path, name: str) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = folder / name
    with path.open("wb") as out:
        writer.write(out)
    return path


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def new_page(new_context, **options):
    context = new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


# --- the people's steps -----------------------------------------------------------------------


def national_admin_adds_the_agency_to_the_period(page, steps, national_admin, agency):
    page.goto("/admin/login/?next=/admin/registry/agency/")
    page.fill("#id_username", national_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url("**/admin/registry/agency/")
    page.check(f"input[name=_selected_action][value='{agency.pk}']")
    page.select_option("select[name=action]", "add_to_active_period")
    page.click("button[name=index]")
    page.wait_for_url("**/admin/registry/agency/**")
    assert "1" in page.locator(".messagelist").inner_text()
    assert AgencySubmission.objects.filter(agency=agency, phase=AgencySubmission.Phase.OPEN).exists()
    steps.done(page, "national-admin-adds-agency", accessible=False)  # Django's own admin


def staff_logs_in(page, steps, username: str, password: str, name: str) -> None:
    page.goto("/instansi/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")
    steps.done(page, f"{name}-dashboard")


def agency_admin_adds_an_operator(page, steps) -> None:
    page.goto("/instansi/akun/pengguna/")
    page.click("text=+ Tambah pengguna")
    page.wait_for_url("**/pengguna/tambah/")
    steps.done(page, "user-form")
    page.fill("#id_username", "operator.cimahi")
    page.fill("#id_first_name", "Operator Cimahi")
    page.fill("#id_email", "operator@cimahi.example.test")
    page.select_option("#id_role", "operator")
    page.fill("#id_password1", OPERATOR_PASSWORD)
    page.fill("#id_password2", OPERATOR_PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/akun/pengguna/")
    assert "operator.cimahi" in page.content()
    steps.done(page, "users")


def operator_registers_a_worker_by_the_form(page, steps) -> None:
    page.click(".portal-nav >> text=Daftarkan pegawai")
    page.wait_for_url("**/instansi/pegawai/tambah/")
    steps.done(page, "worker-form")
    page.fill("#id_nik", WORKER["nik"])
    page.fill("#id_kk", WORKER["kk"])
    page.fill("#id_full_name", WORKER["full_name"])
    page.fill("#id_birth_place", WORKER["birth_place"])
    page.fill("#id_birth_date", WORKER["birth_date"].isoformat())
    page.check("input[name=sex][value=F]")
    page.select_option("#id_category", "non_asn")
    page.fill("#id_position", "Tenaga Administrasi")
    page.fill("#id_sk_date", "2016-02-01")
    page.fill("#id_start_date", "2016-02-01")
    page.click("button[type=submit]:has-text('Simpan'):not([name])")
    page.wait_for_url(re.compile(r"/instansi/pegawai/\d+/$"))
    assert page.locator("h1").inner_text() == WORKER["full_name"]
    steps.done(page, "worker-registered")


def operator_imports_workers_from_xlsx(page, steps, folder: Path) -> None:
    page.click(".portal-nav >> text=Impor XLSX")
    steps.done(page, "import")
    with page.expect_download() as download:
        page.click('text="Unduh templat"')
    template = folder / "template.xlsx"
    download.value.save_as(template)

    # The operator fills the Data sheet, one row per worker, copying the example row's style.
    book = load_workbook(template, read_only=True)
    header = [cell.value for cell in next(book["Data"].iter_rows(max_row=1))]
    example_rows = list(book["Contoh"].iter_rows(values_only=True))
    example = dict(zip(example_rows[0], example_rows[1], strict=False))
    filled = Workbook()
    sheet = filled.active
    sheet.title = "Data"
    sheet.append(header)
    for name, birth, sex, serial in IMPORTED:
        row = dict(example)
        for column in header:
            lowered = column.lower()
            if lowered.startswith("nik"):
                row[column] = make_nik(birth, sex, region="327301", serial=serial)
            elif lowered.startswith("nomor kk"):
                row[column] = make_kk(region="327301", serial=serial)
            elif lowered.startswith("nama lengkap"):
                row[column] = name
            elif lowered.startswith("tanggal lahir"):
                row[column] = birth.strftime("%d-%m-%Y")
            elif lowered.startswith("jenis kelamin"):
                row[column] = "L" if sex == "M" else "P"
        sheet.append([row.get(column, "") for column in header])
    upload = folder / "pegawai.xlsx"
    filled.save(upload)

    page.set_input_files("#id_file", str(upload))
    page.click("button:has-text('Unggah dan impor')")
    page.wait_for_url("**/instansi/impor/*/")
    assert page.get_by_test_id("valid-rows").inner_text() == "2", page.inner_text("main")
    assert page.get_by_test_id("refused-rows").inner_text() == "0"
    steps.done(page, "import-result")


def worker_creates_the_account(page, steps, folder: Path) -> None:
    page.goto("/")
    page.click("#entry-create-account")
    page.wait_for_url(re.compile(r"/akun/buat/$"))
    steps.done(page, "langkah-1")
    page.fill("#id_nik", WORKER["nik"])
    page.fill("#id_kk", WORKER["kk"])
    page.fill("#id_full_name", "Ratna Kartika Sari")
    page.fill("#id_birth_place", "Kota Bandung")
    page.fill("#id_birth_date", WORKER["birth_date"].isoformat())
    page.fill("#id_phone", "081311112222")
    page.fill("#id_email", "ratna@example.test")
    page.fill("#id_captcha_1", "PASSED")
    page.click("#identity-submit")
    page.wait_for_url(re.compile(r"/akun/buat/langkah-2/$"))
    steps.done(page, "langkah-2")
    page.fill("#id_password1", WORKER_PASSWORD)
    page.fill("#id_password2", WORKER_PASSWORD)
    page.set_input_files("#id_ktp", str(jpeg_file(folder, "ktp.jpg")))
    page.set_input_files("#id_photo", str(jpeg_file(folder, "foto.jpg", (300, 400))))
    page.click("#create-account")
    page.wait_for_url(re.compile(r"/akun/buat/selesai/$"))
    steps.done(page, "account-created")
    page.click("#start-sections")
    page.wait_for_url(re.compile(r"/akun/biodata/$"))


def worker_completes_every_section(page, steps, folder: Path) -> None:
    page.goto("/akun/biodata/")
    steps.done(page, "biodata")
    page.fill("#id_address", "Jl. Merdeka 1, Cimahi")
    for selector, value in [
        ("#id_sk_number", "800/1/SK/2016"),
        ("#id_sk_signer_position", "Kepala Dinas"),
        ("#id_monthly_pay", "1500000"),
    ]:
        if page.locator(selector).is_editable():
            page.fill(selector, value)
    page.click("#save-biodata")
    page.wait_for_url(re.compile(r"/akun/riwayat-pekerjaan/$"))
    steps.done(page, "history")
    page.fill("#id_history-0-start_date", "2016-02-01")
    page.fill("#id_history-0-sk_number", "800/1/SK/2016")
    page.fill("#id_history-0-position", "Tenaga Administrasi")
    page.fill("#id_history-0-unit", "Sekretariat Daerah")
    page.click("#save-history")
    page.wait_for_url(re.compile(r"/akun/pendidikan/$"))
    steps.done(page, "education")
    page.select_option("#id_education_level", "S1")
    page.fill("#id_education_institution", "Universitas Padjadjaran")
    page.fill("#id_education_major", "Administrasi Publik")
    page.fill("#id_diploma_number", "UNPAD/2013/123")
    page.fill("#id_graduation_date", "2013-08-30")
    page.click("#save-education")
    page.wait_for_url(re.compile(r"/akun/dokumen/$"))
    steps.done(page, "documents")
    for kind in ("kk", "selfie", "diploma", "sk", "pay_proof"):
        upload = (
            pdf_file(folder, f"{kind}.pdf")
            if kind in ("sk", "pay_proof")
            else jpeg_file(folder, f"{kind}.jpg")
        )
        page.set_input_files(f"#file-{kind}", str(upload))
        page.click(f"#upload-{kind}")
        page.wait_for_url(re.compile(r"/akun/dokumen/"))
        assert "berhasil diunggah" in page.content()
    steps.done(page, "documents-uploaded")


def worker_submits(page, steps) -> None:
    page.goto("/akun/resume/")
    steps.done(page, "resume")
    assert page.locator("#missing-all").count() == 0, page.inner_text("main")
    page.click("#submit-record")
    page.wait_for_url(re.compile(r"/akun/resume/$"))
    assert page.locator("#print-data-card").is_visible()
    steps.done(page, "submitted")


def worker_downloads_both_cards(page) -> str:
    """Both cards as the links give them; returns the verification address the data card encodes."""
    page.goto("/akun/")
    links = {
        name: page.locator(f"a:has-text('{text}')").first.get_attribute("href")
        for name, text in [("account", "Kartu Informasi Akun"), ("data", "Kartu/Bukti Pendataan")]
    }
    account = page.request.get(links["account"])
    assert account.headers["content-type"] == "application/pdf"
    account_text = pdf_text(account.body())
    assert "Kartu Informasi Akun" in account_text
    data = page.request.get(links["data"])
    assert data.headers["content-type"] == "application/pdf"
    data_text = pdf_text(data.body())
    assert WORKER["full_name"].lower() in data_text.lower()
    match = re.search(r"https?://\S+/verifikasi/[\w-]+/", data_text.replace("\n", ""))
    assert match, data_text
    return match.group(0)


def worker_logs_in(page, steps) -> None:
    page.goto("/akun/masuk/")
    steps.done(page, "worker-login")
    page.fill("#id_username", WORKER["nik"])
    page.fill("#id_password", WORKER_PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/akun/$"))
    steps.done(page, "worker-home")


def operator_returns_the_record(page, steps, record: WorkerRecord) -> None:
    page.click(".portal-nav >> text=Verifikasi")
    page.wait_for_url("**/instansi/verifikasi/")
    steps.done(page, "queue")
    page.click(f"text={record.full_name}")
    page.wait_for_url(f"**/instansi/verifikasi/{record.pk}/")
    steps.done(page, "verification-record")
    page.check("input[name=outcome][value=return]")
    page.fill("#id_reason", REVISION_NOTE)
    page.click("#decision-save")
    page.wait_for_url(f"**/instansi/verifikasi/{record.pk}/")
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.NEEDS_REVISION


def worker_fixes_and_sends_again(page, steps) -> None:
    page.goto("/akun/")
    assert REVISION_NOTE in page.locator("#revision-note").inner_text()
    steps.done(page, "revision-note")
    page.goto("/akun/biodata/")
    # The SK the worker completed is now read-only (appointment data stays as entered); the contact is theirs.
    page.fill("#id_address", "Jl. Merdeka 2, Cimahi")
    page.click("#save-biodata")
    page.wait_for_url(re.compile(r"/akun/riwayat-pekerjaan/$"))
    page.goto("/akun/resume/")
    page.click("#submit-record")
    page.wait_for_url(re.compile(r"/akun/resume/$"))


def operator_decides_the_rest_ms(page, steps, record: WorkerRecord) -> None:
    page.goto("/instansi/verifikasi/")
    page.click(f"text={record.full_name}")
    page.wait_for_url(f"**/instansi/verifikasi/{record.pk}/")
    page.check("input[name=outcome][value=ms]")
    page.click("#decision-save")
    page.wait_for_url(f"**/instansi/verifikasi/{record.pk}/")
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.ELIGIBLE
    page.goto("/instansi/verifikasi/")
    assert page.locator("#queue-empty").is_visible()
    steps.done(page, "queue-empty")


def agency_admin_prefinalises(page, steps) -> None:
    page.click(".portal-nav >> text=Finalisasi")
    steps.done(page, "phase")
    page.click("text=Periksa dan prafinalisasi")
    steps.done(page, "prefinalise-summary")
    page.get_by_test_id("confirm").click()
    page.wait_for_url("**/instansi/fase/")
    assert page.get_by_test_id("phase").inner_text().startswith("Prafinalisasi")


def agency_admin_cannot_prefinalise_while_a_worker_revises(page, steps) -> None:
    """The two-phase rule: a record back with its worker blocks prefinalisation (listed, with a link)."""
    page.click(".portal-nav >> text=Finalisasi")
    page.click("text=Periksa dan prafinalisasi")
    assert WORKER["full_name"] in page.get_by_test_id("awaiting-revision").inner_text()
    assert page.get_by_test_id("confirm").is_disabled()
    steps.done(page, "prefinalise-waits-for-revision")


def agency_admin_waits_for_the_public_test(page, steps, submission) -> None:
    """Finalisation is refused inside the window, naming its end; the window then ends (its dates are
    moved back in the database, as the demo does: no waiting, no switch)."""
    page.click(".portal-nav >> text=Finalisasi")
    page.click("text=Periksa dan finalisasi")
    assert "Uji publik berlangsung sampai" in page.get_by_test_id("objection").inner_text()
    assert page.get_by_test_id("confirm").is_disabled()
    steps.done(page, "finalise-waits-for-the-public-test")
    end_public_test(submission)
    page.click(".portal-nav >> text=Finalisasi")


def public_files_a_complaint(page, steps, agency) -> str:
    page.goto("/")
    steps.done(page, "public-home")
    page.click("#entry-announcements")
    page.wait_for_url(re.compile(r"/pengumuman/$"))
    steps.done(page, "pengumuman")
    page.click(f"text={agency.name}")
    page.wait_for_url(re.compile(rf"/pengumuman/{agency.code}/$"))
    steps.done(page, "agency-announcements")
    page.click("text=Daftar uji publik v1")
    page.wait_for_url(re.compile(r"/uji-publik/$"))
    steps.done(page, "public-test")
    page.click("#open-list")
    page.wait_for_url(re.compile(r"/uji-publik/v1/daftar/$"))
    table = page.locator("#worker-list")
    assert WORKER["full_name"] in table.inner_text()
    assert WORKER["nik"] not in page.content()
    steps.done(page, "public-list")
    table.locator("tr", has_text=WORKER["full_name"]).locator("a[href*='/aduan/']").first.click()
    page.wait_for_url(re.compile(rf"/aduan/{agency.code}/\?record=\d+"))
    steps.done(page, "complaint-form")
    page.fill("#id_complainant_name", "Warga Peduli")
    page.fill("#id_complainant_nik", COMPLAINANT_NIK)
    page.fill("#id_email", "warga@example.test")
    page.fill("#id_phone", "0812 3456 7890")
    page.fill("#id_description", "Mohon diperiksa: apakah benar bekerja sejak 2016?")
    page.fill("#id_captcha_1", "PASSED")
    page.click("#complaint-submit")
    page.wait_for_selector("#complaint-ticket")
    steps.done(page, "complaint-ticket")
    return page.inner_text("#complaint-ticket").strip()


def agency_answers_the_complaint(page, steps, ticket: str) -> None:
    page.click(".portal-nav >> text=Aduan")
    page.wait_for_url("**/instansi/aduan/")
    steps.done(page, "complaints")
    page.click(f"text={ticket}")
    steps.done(page, "complaint")
    page.check("input[name=decision][value=reject]")
    page.fill("#id_answer", "Sudah diperiksa: SK 2016 ada dan sah, yang bersangkutan bekerja sejak itu.")
    page.click("#answer-submit")
    page.wait_for_selector("#complaint-answer")
    assert page.inner_text("#complaint-status") == "Ditolak"


def agency_admin_finalises_and_sends_the_sptjm(page, steps, folder: Path) -> None:
    page.click(".portal-nav >> text=Finalisasi")
    page.click("text=Periksa dan finalisasi")
    steps.done(page, "finalise-summary")
    page.get_by_test_id("confirm").click()
    page.wait_for_url("**/instansi/fase/")
    steps.done(page, "finalised")
    page.fill("#id_ppk_name", "Dr. Siti Aminah")
    page.fill("#id_ppk_nip", "19700101 200003 1 001")
    page.fill("#id_ppk_position", "Sekretaris Daerah")
    page.click("button:has-text('Buat SPTJM')")
    page.wait_for_url("**/instansi/fase/")
    with page.expect_download() as info:
        page.get_by_test_id("sptjm-download").click()
    sptjm = folder / "sptjm.pdf"
    info.value.save_as(sptjm)
    text = pdf_text(sptjm.read_bytes())
    assert "Dr. Siti Aminah" in text and "SURAT PERNYATAAN" in text.upper()
    signed = folder / "sptjm-ditandatangani.pdf"
    shutil.copy(sptjm, signed)  # printed, signed and scanned
    page.set_input_files("#id_file", str(signed))
    page.click("button:has-text('Unggah dan selesaikan')")
    page.wait_for_url("**/instansi/fase/")
    assert page.get_by_test_id("signed").is_visible()
    steps.done(page, "completed")


def public_sees_the_final_list_and_verifies_the_card(page, steps, agency, card_url: str) -> None:
    page.goto("/pengumuman/")
    page.click(f"text={agency.name}")
    page.wait_for_url(re.compile(rf"/pengumuman/{agency.code}/$"))
    steps.done(page, "agency-announcements-final")
    page.locator("a[href$='/final/']").first.click()
    page.wait_for_url(re.compile(r"/final/$"))
    steps.done(page, "final-announcement")
    page.click("#open-list")
    page.wait_for_url(re.compile(r"/final/v1/daftar/$"))
    text = page.locator("#worker-list").inner_text()
    assert WORKER["full_name"] in text and "Memenuhi Syarat" in text
    steps.done(page, "final-list")

    # The card's QR code holds this address; a phone camera opens it.
    page.goto(urlparse(card_url).path)
    assert "Kartu ini asli" in page.content()
    assert WORKER["full_name"] in page.content() and agency.name in page.content()
    assert "Memenuhi Syarat" in page.content()
    steps.done(page, "card-verified")


# --- the journey ------------------------------------------------------------------------------


def test_the_whole_journey_through_the_pages(
    new_context, steps, tmp_path, period, national_admin, new_agency, new_agency_admin
):
    agency = new_agency
    bkn = new_page(new_context)
    national_admin_adds_the_agency_to_the_period(bkn, steps, national_admin, agency)

    admin = new_page(new_context)
    staff_logs_in(admin, steps, new_agency_admin.username, PASSWORD, "admin")
    agency_admin_adds_an_operator(admin, steps)

    operator = new_page(new_context)
    staff_logs_in(operator, steps, "operator.cimahi", OPERATOR_PASSWORD, "operator")
    operator_registers_a_worker_by_the_form(operator, steps)
    operator_imports_workers_from_xlsx(operator, steps, tmp_path)
    assert WorkerRecord.objects.filter(agency=agency).count() == 3

    worker = new_page(new_context)
    worker_creates_the_account(worker, steps, tmp_path)
    worker_completes_every_section(worker, steps, tmp_path)
    worker_submits(worker, steps)
    card_url = worker_downloads_both_cards(worker)
    record = WorkerRecord.objects.get(agency=agency, nik=WORKER["nik"])
    assert record.status == Status.SUBMITTED

    operator_returns_the_record(operator, steps, record)
    agency_admin_cannot_prefinalise_while_a_worker_revises(admin, steps)
    worker_fixes_and_sends_again(worker, steps)
    operator_decides_the_rest_ms(operator, steps, record)

    agency_admin_prefinalises(admin, steps)

    public = new_page(new_context)
    ticket = public_files_a_complaint(public, steps, agency)
    agency_answers_the_complaint(operator, steps, ticket)

    agency_admin_waits_for_the_public_test(
        admin, steps, AgencySubmission.objects.get(agency=agency, period=period)
    )
    agency_admin_finalises_and_sends_the_sptjm(admin, steps, tmp_path)
    submission = AgencySubmission.objects.get(agency=agency, period=period)
    assert submission.phase == AgencySubmission.Phase.COMPLETED
    # The imported workers never submitted: not in the final list as eligible.
    assert set(WorkerRecord.objects.filter(agency=agency).values_list("status", flat=True)) == {
        Status.ELIGIBLE,
        Status.NOT_COMPLETED,
    }

    public_sees_the_final_list_and_verifies_the_card(public, steps, agency, card_url)


def test_the_workers_part_on_a_360px_phone(new_context, steps, tmp_path, agency, period):
    """Registered by the agency (the setup); the rest on a cheap phone, nothing scrolling sideways."""
    WorkerRecordFactory(
        agency=agency, period=period, sex="F", position="Tenaga Administrasi",
        sk_date=dt.date(2016, 2, 1), start_date=dt.date(2016, 2, 1), **WORKER,
    )  # fmt: skip
    steps.phone = True
    phone = new_page(new_context, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    worker_creates_the_account(phone, steps, tmp_path)
    worker_completes_every_section(phone, steps, tmp_path)
    worker_submits(phone, steps)
    card_url = worker_downloads_both_cards(phone)
    assert WorkerRecord.objects.get(nik=WORKER["nik"]).status == Status.SUBMITTED
    phone.goto(urlparse(card_url).path)
    assert "Kartu ini asli" in phone.content()
    steps.done(phone, "card-verified")

"""Worker-facing pages are light on a first load (under 150 KB) and usable with JavaScript off."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from PIL import Image

from registry.models import AgencySubmission, Document, Status, WorkerRecord
from tests.accounts.support import make_worker
from tests.announcements.support import move_phase
from tests.e2e.quality import WeightMeter
from tests.factories import PASSWORD, WorkerRecordFactory, make_kk, make_nik

pytestmark = pytest.mark.django_db(transaction=True)

BUDGET = 150 * 1024
NEW_PASSWORD = "SandiKuat-2026"
BIRTH = dt.date(1992, 6, 9)


@pytest.fixture(autouse=True)
def _test_switches(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)
    settings.IDENTITY_CHECK_SLOW_STEP_SECONDS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def newcomer(agency, period) -> WorkerRecord:
    """Registered by the agency, no account yet."""
    return WorkerRecordFactory(
        agency=agency, period=period, full_name="Dewi Lestari", birth_place="Garut", birth_date=BIRTH,
        sex="F", nik=make_nik(BIRTH, "F", region="320501", serial=5150), kk=make_kk(region="320501", serial=5151),
    )  # fmt: skip


@pytest.fixture
def with_account(agency, period) -> WorkerRecord:
    record = WorkerRecordFactory(agency=agency, period=period, full_name="Siti Aminah")
    make_worker(record)
    return record


def first_load(new_context, path: str, storage_state=None) -> tuple[int, int]:
    """(raw, gzip) bytes of the page and everything it loads, with an empty cache."""
    context = new_context(storage_state=storage_state)
    meter = WeightMeter(context)
    page = context.new_page()
    page.goto(path, wait_until="load")
    assert page.url.endswith(path), f"{path} went to {page.url}"
    # By the load event the page has fetched everything it shows (these pages fetch nothing later:
    # no lazy images, no script requests until a click); every one of those fetches must be counted.
    # The icon aside: Chromium fetches it itself, and Playwright reports no response for it.
    fetched = page.evaluate(
        """[location.href, ...performance.getEntriesByType('resource').map(e => e.name)
            .filter(url => ![...document.querySelectorAll('link[rel~=icon]')].some(l => l.href === url))]"""
    )
    assert set(fetched) <= set(meter.bodies), f"{path}: not counted {set(fetched) - set(meter.bodies)}"
    sizes = meter.raw, meter.compressed
    context.close()
    return sizes


def log_in(page, username: str, password: str) -> None:
    page.goto("/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"/akun/$"))


def test_worker_facing_pages_are_under_150_kb_on_first_load(
    new_context, agency, period, newcomer, with_account, record_property
):
    weights: dict[str, tuple[int, int]] = {}

    # Langkah 2 needs Langkah 1 passed in the same session.
    context = new_context()
    page = context.new_page()
    page.goto("/akun/buat/")
    for field, value in [("nik", newcomer.nik), ("kk", newcomer.kk), ("full_name", "Dewi Lestari"),
                         ("birth_place", "Garut"), ("birth_date", "1992-06-09"), ("phone", "081311112222"),
                         ("email", "dewi@example.test"), ("captcha_1", "PASSED")]:  # fmt: skip
        page.fill(f"#id_{field}", value)
    page.click("#identity-submit")
    page.wait_for_url(re.compile(r"/akun/buat/langkah-2/$"))  # the answer's page, not the form before it
    weights["/akun/buat/langkah-2/"] = first_load(
        new_context, "/akun/buat/langkah-2/", context.storage_state()
    )
    context.close()

    context = new_context()
    page = context.new_page()
    log_in(page, with_account.nik, PASSWORD)
    state = context.storage_state()
    context.close()
    for path in ["/akun/", "/akun/biodata/", "/akun/riwayat-pekerjaan/", "/akun/pendidikan/", "/akun/dokumen/",
                 "/akun/resume/"]:  # fmt: skip
        weights[path] = first_load(new_context, path, state)

    # Then a published public-test list, for the public pages (workers can no longer edit).
    move_phase(
        AgencySubmission.objects.get(agency=agency, period=period), AgencySubmission.Phase.PREFINALISED
    )
    public = ["/", "/akun/masuk/", "/akun/buat/", "/pengumuman/", f"/pengumuman/{agency.code}/",
              f"/pengumuman/{agency.code}/uji-publik/", f"/pengumuman/{agency.code}/uji-publik/v1/daftar/",
              "/pengumuman/cek-status/", f"/aduan/{agency.code}/?record={with_account.pk}"]  # fmt: skip
    for path in public:
        weights[path] = first_load(new_context, path)

    report = "\n".join(
        f"{raw / 1024:7.1f} KB raw {packed / 1024:6.1f} KB gzip  {path}"
        for path, (raw, packed) in weights.items()
    )
    record_property("page_weights", report)
    print("\nFirst-load weight per page (document + CSS + JS + images):\n" + report)
    heavy = {path: packed for path, (_, packed) in weights.items() if packed >= BUDGET}
    assert not heavy, report


def jpeg(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 110, 180)).save(out, "JPEG", quality=85)
    return out.getvalue()


def test_the_worker_does_everything_with_javascript_off(new_context, newcomer):
    context = new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    assert page.evaluate("1") == 1  # Playwright's own evaluation still works; the page's scripts don't
    page.goto("/")
    page.click("#entry-create-account")
    page.wait_for_url(re.compile(r"/akun/buat/$"))
    for field, value in [("nik", newcomer.nik), ("kk", newcomer.kk), ("full_name", "DEWI LESTARI"),
                         ("birth_place", "garut"), ("birth_date", "1992-06-09"), ("phone", "081311112222"),
                         ("email", "dewi@example.test"), ("captcha_1", "PASSED")]:  # fmt: skip
        page.fill(f"#id_{field}", value)
    page.click("#identity-submit")
    page.wait_for_url(re.compile(r"/akun/buat/langkah-2/$"))
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.set_input_files("#id_ktp", {"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": jpeg()})
    page.set_input_files(
        "#id_photo", {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": jpeg((300, 400))}
    )
    page.click("#create-account")
    page.wait_for_url(re.compile(r"/akun/buat/selesai/$"))

    # Log out (the menu's button is a plain form) and in again.
    page.locator("form[action$='/keluar/'] button").click()
    page.wait_for_url(re.compile(r"/akun/masuk/$"))
    log_in(page, newcomer.nik, NEW_PASSWORD)
    # No axe check here: axe needs the page's timers, which do not run with JavaScript off (it would
    # wait for ever); the same pages are checked with JavaScript on in the journey tests.

    # Every section opens from the step links, and every form submits.
    page.click("text=Lengkapi data saya")
    page.wait_for_url(re.compile(r"/akun/biodata/$"))
    page.fill("#id_address", "Jl. Merdeka 1, Garut")
    page.click("#save-biodata")
    page.wait_for_url(re.compile(r"/akun/riwayat-pekerjaan/$"))
    page.fill("#id_history-0-start_date", "2019-01-02")
    page.fill("#id_history-0-sk_number", "800/1/SK/2019")
    page.fill("#id_history-0-position", "Guru")
    page.fill("#id_history-0-unit", "SDN 1 Garut")
    page.click("#save-add-history")  # "save and add another": a second empty entry appears
    page.wait_for_url(re.compile(r"/akun/riwayat-pekerjaan/$"))
    assert page.locator("#id_history-1-start_date").count() == 1
    page.click("#save-history")
    page.wait_for_url(re.compile(r"/akun/pendidikan/$"))
    page.select_option("#id_education_level", "S1")
    page.fill("#id_education_institution", "Universitas Garut")
    page.fill("#id_education_major", "Pendidikan")
    page.fill("#id_diploma_number", "UNIGA/2014/1")
    page.fill("#id_graduation_date", "2014-08-30")
    page.click("#save-education")
    page.wait_for_url(re.compile(r"/akun/dokumen/$"))
    page.set_input_files("#file-diploma", {"name": "ijazah.jpg", "mimeType": "image/jpeg", "buffer": jpeg()})
    page.click("#upload-diploma")
    page.wait_for_url(re.compile(r"/akun/dokumen/"))
    page.click("text=Lanjut ke resume")
    page.wait_for_url(re.compile(r"/akun/resume/$"))
    assert "Universitas Garut" in page.content()
    for label, path in [("Biodata", "biodata"), ("Riwayat Pekerjaan", "riwayat-pekerjaan"),
                        ("Pendidikan", "pendidikan"), ("Dokumen", "dokumen")]:  # fmt: skip
        page.locator(".stepper-item a", has_text=label).click()
        page.wait_for_url(re.compile(rf"/akun/{path}/$"))  # the link leads there, without JavaScript
        assert page.locator("h1, h2").first.is_visible()
    context.close()

    newcomer.refresh_from_db()
    assert newcomer.status == Status.ACCOUNT_CREATED
    assert newcomer.address == "Jl. Merdeka 1, Garut"
    assert newcomer.education_institution == "Universitas Garut"
    assert newcomer.work_history.count() == 1
    assert Document.objects.filter(record=newcomer, kind="diploma").exists()

"""The agency admin prefinalises, finalises, generates, downloads and uploads the SPTJM; the national
admin sees the agency completed on the national desk and reopens it — in a real browser."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.models import AgencySubmission, Status, WorkerRecord
from tests.factories import PASSWORD, WorkerRecordFactory
from tests.verification.phases_support import end_public_test
from verification.models import PhaseChange, SignedSptjm

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_admin_finishes_the_agency_and_the_national_admin_reopens_it(
    page, new_context, agency_admin, national_admin, agency, period, tmp_path
):
    WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE, full_name="Ayu Lestari")
    never = WorkerRecordFactory(
        agency=agency,
        period=period,
        status=Status.REGISTERED,
        full_name="Budi Belum",
        birth_date=dt.date(1991, 1, 1),
    )
    page.goto("/instansi/akun/masuk/")
    page.fill("#id_username", agency_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")

    page.click(".portal-nav >> text=Finalisasi")
    page.click("text=Periksa dan prafinalisasi")
    assert "Budi Belum" in page.get_by_test_id("not-submitted").inner_text()
    page.get_by_test_id("confirm").click()
    page.wait_for_url("**/instansi/fase/")
    assert page.get_by_test_id("phase").inner_text().startswith("Prafinalisasi")

    # The public test ends (dated back in the database: finalisation waits for its end).
    end_public_test(AgencySubmission.objects.get(agency=agency_admin.agency))
    page.reload()
    page.click("text=Periksa dan finalisasi")
    page.get_by_test_id("confirm").click()
    page.wait_for_url("**/instansi/fase/")
    never.refresh_from_db()
    assert never.status == Status.NOT_COMPLETED

    page.fill("#id_ppk_name", "Dr. Siti Aminah")
    page.fill("#id_ppk_nip", "19700101 200003 1 001")
    page.fill("#id_ppk_position", "Sekretaris Daerah")
    page.click("button:has-text('Buat SPTJM')")
    page.wait_for_url("**/instansi/fase/")
    with page.expect_download() as info:
        page.get_by_test_id("sptjm-download").click()
    pdf = tmp_path / "sptjm.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    page.set_input_files("#id_file", str(pdf))
    page.click("button:has-text('Unggah dan selesaikan')")
    page.wait_for_url("**/instansi/fase/")
    assert page.get_by_test_id("signed").is_visible()
    submission = AgencySubmission.objects.get(agency=agency, period=period)
    assert submission.phase == AgencySubmission.Phase.COMPLETED
    assert SignedSptjm.objects.filter(submission=submission).count() == 1

    bkn = new_context().new_page()
    bkn.set_default_timeout(15000)
    bkn.goto("/nasional/")
    bkn.fill("#id_username", national_admin.username)
    bkn.fill("#id_password", PASSWORD)
    bkn.click("input[type=submit], button[type=submit]")
    bkn.wait_for_url("**/nasional/")
    row = bkn.locator(f"tr[data-agency='{agency.code}']")
    assert "Selesai" in row.get_by_test_id("phase").inner_text()
    row.locator("a").first.click()
    bkn.wait_for_url(f"**/nasional/instansi/{submission.pk}/")
    bkn.fill("#id_reopen_reason", "Ada pegawai fiktif hasil aduan")
    bkn.get_by_test_id("reopen").click()
    bkn.wait_for_url(f"**/nasional/instansi/{submission.pk}/")
    assert bkn.get_by_test_id("phase").inner_text() == "Terbuka"
    submission.refresh_from_db()
    assert submission.phase == AgencySubmission.Phase.OPEN
    assert PhaseChange.objects.filter(submission=submission).count() == 4
    # The reopening returns what finalisation closed to its status before (issue 16, point 3).
    assert WorkerRecord.objects.get(pk=never.pk).status == Status.REGISTERED

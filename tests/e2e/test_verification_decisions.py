"""An operator decides MS, TMS and return in a real browser; the worker fixes and resubmits; the record is back."""

from __future__ import annotations

import re

import pytest

from registry.models import Status, WorkerRecord
from registry.services.worker_data import document_store, worker_submit
from tests.accounts.support import complete, jpeg_bytes, make_worker, pdf_bytes, upload
from tests.factories import PASSWORD, WorkerRecordFactory
from tests.verification.decisions_helpers import make_submitted

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Nomor SK tidak sesuai dokumen, perbaiki."


@pytest.fixture(autouse=True)
def _captcha_test_mode(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)


@pytest.fixture
def queue_records(agency, period, operator):
    first = make_submitted(agency, period, full_name="Ahmad Pertama", minutes_ago=90)
    document_store(
        record=first,
        kind="sk",
        upload=upload(pdf_bytes(1), "sk.pdf", "application/pdf"),
        actor=operator,
        check_editable=False,
    )
    document_store(
        record=first, kind="ktp", upload=upload(jpeg_bytes()), actor=operator, check_editable=False
    )
    second = make_submitted(agency, period, full_name="Bambang Kedua", minutes_ago=60)
    third = WorkerRecordFactory(agency=agency, period=period, full_name="Citra Ketiga")
    worker = make_worker(third, email="citra@example.test")
    complete(third, worker)
    worker_submit(record_id=third.pk, actor=worker)
    return first, second, third


def _status(record) -> str:
    return WorkerRecord.objects.get(pk=record.pk).status


def test_operator_decides_ms_tms_and_return_then_the_worker_resubmits(
    page, new_context, operator, queue_records
):
    first, second, third = queue_records
    page.goto("/instansi/akun/masuk/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")

    page.click(".portal-nav >> text=Verifikasi")
    page.wait_for_url("**/instansi/verifikasi/")
    rows = page.locator("#queue-table tbody tr a.fw-semibold").all_inner_texts()
    assert rows == ["Ahmad Pertama", "Bambang Kedua", "Citra Ketiga"]

    # MS, then "Simpan dan berikutnya" opens the next record of the queue.
    page.click("text=Ahmad Pertama")
    page.wait_for_url(f"**/instansi/verifikasi/{first.pk}/")
    assert page.locator("iframe.doc-frame").count() == 1  # the SK (PDF) in a viewer
    # The browser shows what the frame is given: the SK itself, inline (the headless shell the
    # tests run has no PDF viewer of its own, so the frame's answer is read, not its drawing).
    src = page.locator("iframe.doc-frame").get_attribute("src")
    assert src.endswith(f"/instansi/verifikasi/{first.pk}/dokumen/{first.documents.get(kind='sk').pk}/")
    shown = page.request.get(src)
    assert shown.status == 200 and shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline") and shown.body().startswith(b"%PDF")
    assert page.locator("img.doc-image").evaluate("img => img.naturalWidth") > 0  # the KTP inline
    page.check("input[name=outcome][value=ms]")
    page.click("#decision-save-next")
    page.wait_for_url(f"**/instansi/verifikasi/{second.pk}/")
    assert "Ahmad Pertama: diputuskan MS" in page.content()
    assert _status(first) == Status.ELIGIBLE

    # TMS: the reason is required; choose one from the list.
    page.check("input[name=outcome][value=tms]")
    page.click("#decision-save-next")
    assert "Pilih alasan data Tidak Memenuhi Syarat." in page.locator("#decision-form").inner_text()
    page.check("input[name=outcome][value=tms]")
    page.select_option("#id_tms_reason", "service")
    page.fill("#id_reason", "Masa kerja baru 8 bulan")
    page.click("#decision-save-next")
    page.wait_for_url(f"**/instansi/verifikasi/{third.pk}/")
    second.refresh_from_db()
    assert second.status == Status.INELIGIBLE
    assert second.decision_reason == "Masa kerja kurang dari batas minimal: Masa kerja baru 8 bulan"

    # Return for revision with a note the worker reads.
    page.check("input[name=outcome][value=return]")
    page.fill("#id_reason", NOTE)
    page.click("#decision-save")
    page.wait_for_url(f"**/instansi/verifikasi/{third.pk}/")
    assert NOTE in page.locator("#revision-note").inner_text()
    assert _status(third) == Status.NEEDS_REVISION
    page.goto("/instansi/verifikasi/")
    assert page.locator("#queue-empty").is_visible()

    # The worker logs in, sees the note, fixes the address and sends the data again (the SK the
    # agency entered is shown read-only to the worker).
    context = new_context()
    worker_page = context.new_page()
    worker_page.set_default_timeout(15000)
    worker_page.goto("/akun/masuk/")
    worker_page.fill("#id_username", third.nik)
    worker_page.fill("#id_password", PASSWORD)
    worker_page.click("#login-submit")
    worker_page.wait_for_url(re.compile(r"/akun/$"))
    assert NOTE in worker_page.locator("#revision-note").inner_text()
    worker_page.goto("/akun/biodata/")
    assert not worker_page.locator("#id_sk_number").is_editable()
    worker_page.fill("#id_address", "Jl. Diperbaiki 99")
    worker_page.click("#save-biodata")
    worker_page.wait_for_url(re.compile(r"/akun/riwayat-pekerjaan/$"))
    worker_page.goto("/akun/resume/")
    worker_page.click("#submit-record")
    worker_page.wait_for_url(re.compile(r"/akun/resume/$"))
    context.close()
    third.refresh_from_db()
    assert (third.status, third.address) == (Status.SUBMITTED, "Jl. Diperbaiki 99")

    # Back in the operator's queue.
    page.reload()
    assert page.locator("#queue-table tbody tr a.fw-semibold").all_inner_texts() == ["Citra Ketiga"]

"""The operator downloads the template, uploads it unchanged, then uploads one row twice."""

from __future__ import annotations

import pytest

from registry.models import WorkerRecord
from tests.factories import PASSWORD
from tests.registry.support import import_row, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def upload(page, path) -> None:
    page.click(".portal-nav >> text=Impor XLSX")
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('Unggah dan impor')")
    page.wait_for_url("**/instansi/impor/*/")


def test_the_unchanged_template_creates_no_worker_and_a_second_upload_skips_what_is_there(
    page, operator, period, tmp_path
):
    page.goto("/instansi/akun/masuk/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")

    page.click(".portal-nav >> text=Impor XLSX")
    with page.expect_download() as download:
        page.click('text="Unduh templat"')
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    upload(page, template)
    message = page.get_by_test_id("import-failed").inner_text()
    assert "tidak berisi baris data" in message and "lembar Data" in message
    assert not WorkerRecord.objects.exists()

    one_row = tmp_path / "satu.xlsx"
    one_row.write_bytes(xlsx_bytes([import_row(serial=7, full_name="Citra Lestari")]))
    upload(page, one_row)
    assert page.get_by_test_id("valid-rows").inner_text() == "1"

    upload(page, one_row)
    assert page.get_by_test_id("valid-rows").inner_text() == "0"
    assert page.get_by_test_id("skipped-rows").inner_text() == "1"
    assert page.get_by_test_id("refused-rows").inner_text() == "0"
    skipped = page.get_by_test_id("skipped-list").inner_text()
    assert "Sudah ada, dilewati" in skipped and "Citra Lestari" in skipped
    assert list(WorkerRecord.objects.values_list("full_name", flat=True)) == ["Citra Lestari"]

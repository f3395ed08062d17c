"""The operator's journey in a real browser: log in, register a worker, find it, import a file."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from registry.models import WorkerRecord
from tests.factories import PASSWORD, make_kk, make_nik
from tests.registry.support import import_row, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_logs_in_registers_a_worker_finds_it_and_imports_a_file(page, operator, period, tmp_path):
    page.goto("/instansi/akun/masuk/")
    assert page.locator("h1").inner_text() == "Masuk Portal Instansi"
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")

    page.click("text=Daftarkan pegawai")
    birth = dt.date(1988, 3, 9)
    page.fill("#id_nik", make_nik(birth, "F", serial=12))
    page.fill("#id_kk", make_kk(serial=12))
    page.fill("#id_full_name", "Sri Wahyuni")
    page.fill("#id_birth_place", "Garut")
    page.fill("#id_birth_date", birth.isoformat())
    page.check("input[name=sex][value=F]")
    page.select_option("#id_category", "non_asn")
    page.fill("#id_position", "Pengemudi")
    page.fill("#id_work_unit_name", "Dinas Perhubungan")
    page.fill("#id_sk_date", "2015-02-01")
    page.fill("#id_start_date", "2015-02-01")
    page.click("button[type=submit]:has-text('Simpan'):not([name])")
    page.wait_for_url("**/instansi/pegawai/*/")
    assert page.locator("h1").inner_text() == "Sri Wahyuni"
    assert "Jabatan di luar cakupan pendataan" in page.locator(".flag-alert").inner_text()

    page.click(".portal-nav >> text=Tenaga Non-ASN")
    page.fill("#id_q", "wahyu")
    page.click("button:has-text('Cari')")
    page.wait_for_url(re.compile(r"q=wahyu"))  # and its load: the results, not the page before them
    assert page.locator("table.worker-table tbody tr").count() == 1
    assert "Sri Wahyuni" in page.locator("table.worker-table").inner_text()

    file = tmp_path / "impor.xlsx"
    file.write_bytes(
        xlsx_bytes([import_row(serial=1, full_name="Andi Impor"), import_row(serial=2, nik="12345")])
    )
    page.click(".portal-nav >> text=Impor XLSX")
    page.set_input_files("#id_file", str(file))
    page.click("button:has-text('Unggah dan impor')")
    page.wait_for_url("**/instansi/impor/*/")
    assert page.get_by_test_id("valid-rows").inner_text() == "1"
    assert page.get_by_test_id("refused-rows").inner_text() == "1"
    assert "NIK" in page.locator("table").last.inner_text()
    assert set(WorkerRecord.objects.values_list("full_name", flat=True)) == {"Sri Wahyuni", "Andi Impor"}

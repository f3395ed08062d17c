"""The agency form as an operator meets it: a NIK typed with spaces, names in capitals, Kategori
left unchosen (and the message), then the identity of a worker who has an account edited
(warning shown, reason required)."""

from __future__ import annotations

import datetime as dt

import pytest

from registry.models import AuditEvent, WorkerRecord
from tests.accounts.support import make_worker
from tests.factories import PASSWORD, WorkerRecordFactory, make_kk, make_nik

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, operator) -> None:
    page.goto("/instansi/akun/masuk/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")


def test_operator_registers_with_a_spaced_nik_and_must_choose_the_category(page, operator, period):
    log_in(page, operator)
    page.goto("/instansi/pegawai/tambah/")
    assert page.locator("#id_category").input_value() == ""  # nothing chosen for the operator
    birth = dt.date(1987, 11, 23)
    nik = make_nik(birth, "F", serial=51)
    page.fill("#id_nik", f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}")
    page.fill("#id_kk", make_kk(serial=51))
    page.fill("#id_full_name", "RATNA KARTIKA SARI")
    page.fill("#id_birth_place", "KAB. BANDUNG")
    page.fill("#id_birth_date", birth.isoformat())
    page.check("input[name=sex][value=F]")
    page.fill("#id_position", "Tenaga Administrasi")
    page.fill("#id_sk_date", "2016-02-01")
    page.fill("#id_start_date", "2016-02-01")
    page.click("button[type=submit]:has-text('Simpan'):not([name])")

    # Refused, with the message next to Kategori, and nothing typed is lost.
    assert (
        "Pilih kategori: THK-II atau Non-ASN."
        in page.locator("#id_category ~ .invalid-feedback, #error_1_id_category").first.inner_text()
    )
    assert page.locator("#id_full_name").input_value() == "RATNA KARTIKA SARI"
    assert not WorkerRecord.objects.exists()

    page.select_option("#id_category", "non_asn")
    page.click("button[type=submit]:has-text('Simpan'):not([name])")
    page.wait_for_url("**/instansi/pegawai/*/")
    record = WorkerRecord.objects.get()
    assert record.nik == nik
    assert record.full_name == "RATNA KARTIKA SARI"
    assert page.locator("h1").inner_text() == "RATNA KARTIKA SARI"


def test_operator_edits_the_identity_of_a_worker_with_an_account(page, operator, agency, period):
    birth = dt.date(1991, 3, 14)
    record = WorkerRecordFactory(
        agency=agency, period=period, full_name="Siti Nurhaliza", birth_date=birth, sex="F",
        nik=make_nik(birth, "F", serial=4321), kk=make_kk(serial=1234),
    )  # fmt: skip
    make_worker(record, email="siti@example.test")
    log_in(page, operator)
    page.goto(f"/instansi/pegawai/{record.pk}/ubah/")
    warning = page.locator(".identity-warning")
    assert warning.is_visible()
    assert "Pegawai ini sudah memiliki akun." in warning.inner_text()

    page.fill("#id_full_name", "Siti Nurhaliza Putri")
    page.click("button[type=submit]:has-text('Simpan perubahan')")
    assert (
        "tuliskan alasan"
        in page.locator("#id_reason ~ .invalid-feedback, #error_1_id_reason").first.inner_text()
    )
    record.refresh_from_db()
    assert record.full_name == "Siti Nurhaliza"

    page.fill("#id_reason", "Nama sesuai KTP terbaru")
    page.click("button[type=submit]:has-text('Simpan perubahan')")
    page.wait_for_url(f"**/instansi/pegawai/{record.pk}/")
    record.refresh_from_db()
    assert record.full_name == "Siti Nurhaliza Putri"
    assert AuditEvent.objects.get(record=record, action="record:update").reason == "Nama sesuai KTP terbaru"
    assert "Nama sesuai KTP terbaru" in page.locator(".timeline").inner_text()

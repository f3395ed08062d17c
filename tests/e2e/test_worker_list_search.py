"""An operator finds a worker by the digits of a NIK they remember, and a broken filter address
shows what is wrong instead of the whole agency (a real browser)."""

from __future__ import annotations

import re

import pytest

from registry.validators import mask_number
from tests.factories import PASSWORD, WorkerRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, user):
    page.goto("/instansi/akun/masuk/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].btn-brand")
    page.wait_for_url("**/instansi/")


def test_operator_finds_a_worker_by_part_of_the_nik_and_sees_an_invalid_filter(
    page, operator, agency, period
):
    WorkerRecordFactory(agency=agency, period=period, full_name="Rina Lestari", nik="3273016412830432")
    WorkerRecordFactory(agency=agency, period=period, full_name="Joko Susanto", nik="3201015705900001")
    _log_in(page, operator)
    page.click(".portal-nav >> text=Tenaga Non-ASN")
    page.fill("#id_q", "6412 8304")
    page.click("button:has-text('Cari')")
    page.wait_for_url(re.compile(r"q=6412"))  # and its load: the results, not the page before them
    rows = page.locator("table.worker-table tbody tr")
    assert rows.count() == 1
    assert "Rina Lestari" in rows.first.inner_text()
    assert mask_number("3273016412830432") in rows.first.inner_text()

    page.goto("/instansi/pegawai/?q=Joko&status=bogus")
    assert page.get_by_test_id("filter-invalid").is_visible()
    assert "bogus" in page.get_by_test_id("filter-error-status").inner_text()
    assert "Joko Susanto" not in page.locator("table.worker-table").inner_text()
    page.click("text=Ekspor CSV")
    page.wait_for_url("**/instansi/pegawai/?q=Joko&status=bogus")
    assert "Tidak ada yang diekspor" in page.locator("main").inner_text()

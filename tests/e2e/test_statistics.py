"""The open statistics in a browser: home → Statistik, charts and tables present, the agency table
searched and sorted by links and a GET form, every download parses, axe clean, and on a 360-px phone."""

from __future__ import annotations

import csv
import json
import re

import pytest
from django.core.cache import cache

from registry.models import AgencySubmission, Flag, Status
from tests.announcements.support import move_phase
from tests.e2e.quality import assert_accessible
from tests.factories import AgencyFactory, PeriodFactory, SubmissionFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def statistics_data(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    period = PeriodFactory()
    listed = AgencyFactory(name="Pemerintah Kota Bandung", code="C3273", kind="city")
    open_agency = AgencyFactory(name="Pemerintah Provinsi Bali", code="P51", kind="province")
    central = AgencyFactory(name="Kementerian Contoh", code="K001", kind="central")
    for agency in (listed, open_agency, central):
        SubmissionFactory(agency=agency, period=period)
    for status, n in ((Status.ELIGIBLE, 12), (Status.INELIGIBLE, 7), (Status.SUBMITTED, 6)):
        WorkerRecordFactory.create_batch(n, agency=listed, period=period, status=status, flags=[Flag.AGE])
    WorkerRecordFactory.create_batch(9, agency=open_agency, period=period, status=Status.REGISTERED)
    move_phase(
        AgencySubmission.objects.get(agency=listed, period=period), AgencySubmission.Phase.PREFINALISED
    )
    yield
    cache.clear()


def _open_statistics_from_home(page) -> None:
    page.goto("/")
    page.click("#entry-statistics")
    page.wait_for_url(re.compile(r"/statistik/$"))
    assert page.locator("h1").inner_text() == "Statistik terbuka"


def _charts_and_tables(page) -> None:
    for name in ("phases", "progress", "statuses", "categories", "flags", "kinds", "provinces"):
        chart = page.locator(f"[data-testid=chart-{name}]")
        assert chart.locator("svg.bar").count() >= 2, name
    statuses = page.locator("[data-testid=chart-statuses]")
    assert statuses.locator("tr[data-key=eligible] .value").inner_text() == "12"
    assert statuses.locator("tr[data-key=submitted] .value").inner_text() == "6"
    provinces = page.locator("[data-testid=chart-provinces]").inner_text()
    assert "Jawa Barat" in provinces and "Bali" in provinces
    table = page.locator("[data-testid=agency-table]")
    assert table.locator("tbody tr").count() == 3
    assert "Daftar belum diumumkan" in table.inner_text()  # Bali: progress only


def test_statistics_from_the_home_page_with_charts_tables_and_downloads(page, statistics_data):
    _open_statistics_from_home(page)
    _charts_and_tables(page)
    assert_accessible(page)
    # Search (a GET form) and sort (links), no JavaScript needed.
    page.fill("#stat-q", "bali")
    page.click("[data-testid=agencies] form button")
    page.wait_for_url(re.compile(r"q=bali"))
    rows = page.locator("[data-testid=agency-table] tbody tr")
    assert rows.count() == 1 and "Bali" in rows.inner_text()
    page.goto("/statistik/")
    page.click("[data-testid=agency-table] thead >> text=Data >> nth=0")
    page.wait_for_url(re.compile(r"sort=-records"))
    assert "Bandung" in page.locator("[data-testid=agency-table] tbody tr").first.inner_text()
    page.select_option("#stat-view", "flags")
    page.click("[data-testid=agencies] form button")
    page.wait_for_url(re.compile(r"view=flags"))
    assert "100,0" in page.locator("[data-testid=agency-table]").inner_text()  # every Bandung record: age
    assert_accessible(page)
    # Every download link parses: CSV after its "#" notes, JSON with its rows and columns.
    links = page.locator("[data-testid=downloads] a")
    assert links.count() == 16
    for i in range(links.count()):
        href = links.nth(i).get_attribute("href")
        response = page.request.get(href)
        assert response.ok, href
        body = response.body().decode("utf-8-sig")
        if href.endswith(".json"):
            data = json.loads(body)
            assert data["licence"]["name"] == "CC BY 4.0" and data["columns"] and data["rows"], href
            assert set(data["rows"][0]) == {c["name"] for c in data["columns"]}, href
        else:
            notes = [line for line in body.splitlines() if line.startswith("#")]
            rows = list(csv.DictReader(line for line in body.splitlines() if not line.startswith("#")))
            assert any("CC BY 4.0" in n for n in notes) and rows, href


def test_statistics_on_a_360px_phone(phone_page, statistics_data):
    _open_statistics_from_home(phone_page)
    _charts_and_tables(phone_page)
    assert_accessible(phone_page)
    # The page itself does not scroll sideways; only the agency table does, inside its container.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width

"""/statistik/ and its downloads: no personal data and no small cell in any response, statuses only
for listed agencies, read from the tally (never the records), cached with ETag, and the daily
snapshot the changes compare with."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from announcements.models import StatisticsDay
from announcements.services.statistics import (
    FLAGS,
    REFRESH_SECONDS,
    STATUSES,
    SUPPRESSED,
    TABLES,
    build_statistics,
    statistics_snapshot,
)
from registry.models import Agency, Status, WorkerRecord
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def worker_builds_at_once(settings):
    """The task worker's part (tests/announcements/test_statistics_refresh.py): here the page's
    request for a build runs as it is queued, so every test reads tables built from its data."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _json(client, table: str) -> dict:
    response = client.get(reverse("statistics:json", args=[table]))
    assert response.status_code == 200
    return json.loads(response.content)


def _csv(client, table: str) -> list[dict]:
    response = client.get(reverse("statistics:csv", args=[table]))
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    return list(csv.DictReader([line for line in lines if not line.startswith("#")]))


@pytest.fixture
def unlisted(other_agency, period):
    """Another agency, still open (no public list): seven records, two of them decided."""
    Agency.objects.filter(pk=other_agency.pk).update(code="C3273", kind=Agency.Kind.CITY, name="Kota Uji")
    other_agency.refresh_from_db()
    statuses = [Status.ELIGIBLE, Status.INELIGIBLE] + [Status.REGISTERED] * 5
    return [
        WorkerRecordFactory(agency=other_agency, period=period, status=s, full_name=f"Pekerja Rahasia {i}")
        for i, s in enumerate(statuses)
    ]


def _responses(client) -> dict[str, str]:
    pages = {
        "page": reverse("statistics:page"),
        "page sorted": reverse("statistics:page") + "?sort=-records",
        "page flags": reverse("statistics:page") + "?view=flags&q=kota",
    }
    out = {name: client.get(url).content.decode() for name, url in pages.items()}
    for table in TABLES:
        for fmt in ("csv", "json"):
            response = client.get(reverse(f"statistics:{fmt}", args=[table]))
            assert response.status_code == 200
            out[f"{table}.{fmt}"] = response.content.decode("utf-8-sig")
    return out


def test_no_statistics_response_holds_a_name_a_nik_a_kk_or_a_small_cell(client, published, listed, unlisted):
    people = [*listed, *unlisted, *WorkerRecord.objects.filter(status=Status.RELEASED)]
    for name, body in _responses(client).items():
        for person in people:
            assert person.full_name not in body, name
            assert person.nik not in body and person.kk not in body, name
        assert not re.search(r"\d{16}", body), name
        if name.startswith("page"):
            for cell in re.findall(r'class="[^"]*\bcount\b[^"]*">([^<]*)<', body):
                assert cell.strip() not in {"1", "2", "3", "4"}, (name, cell)
    for table, (_title, columns) in TABLES.items():
        counts = [
            c for c, kind, _doc in columns if kind == "count" and c not in ("agencies", "listed_agencies")
        ]
        for row in _json(client, table)["rows"]:
            for column in counts:
                assert row[column] in (None, 0, SUPPRESSED) or row[column] >= 5, (table, column, row)
        for row in _csv(client, table):
            for column in counts:
                assert row[column] in ("", "0", SUPPRESSED) or int(row[column]) >= 5, (table, column, row)


def test_a_listed_agencys_statuses_of_one_record_each_show_as_less_than_five(client, published, agency):
    row = next(r for r in _json(client, "agencies")["rows"] if r["code"] == agency.code)
    assert row["list_public"] is True and row["records"] == 5
    assert all(row[f"status_{s}"] in (0, SUPPRESSED) for s in Status.values if s != Status.RELEASED)
    assert row["status_eligible"] == SUPPRESSED


def test_an_unlisted_agency_publishes_its_progress_and_no_status(client, unlisted, other_agency):
    row = next(r for r in _json(client, "agencies")["rows"] if r["code"] == "C3273")
    assert row["list_public"] is False
    assert (
        row["records"] == 7 and row["stage_in_progress"] == SUPPRESSED and row["stage_decided"] == SUPPRESSED
    )
    assert row["status_eligible"] is None and row["flag_age"] is None and row["category_non_asn"] is None
    assert row["province"] == "Jawa Barat" and row["province_code"] == "32"
    page = client.get(reverse("statistics:page")).content.decode()
    assert "Kota Uji" in page and "Daftar belum diumumkan" in page


def test_every_download_carries_the_time_the_period_the_licence_and_the_columns(client, unlisted, period):
    for table, (_title, columns) in TABLES.items():
        data = _json(client, table)
        assert data["period"] == period.name and data["licence"]["name"] == "CC BY 4.0"
        assert dt.datetime.fromisoformat(data["taken_at"])
        assert [c["name"] for c in data["columns"]] == [c for c, _kind, _doc in columns]
        assert all(set(row) == {c for c, _k, _d in columns} for row in data["rows"])
        text = client.get(reverse("statistics:csv", args=[table])).content.decode("utf-8-sig")
        notes = [line for line in text.splitlines() if line.startswith("#")]
        assert any("CC BY 4.0" in n for n in notes) and any(period.name in n for n in notes)
        assert sum(1 for n in notes if n.startswith("# " + columns[0][0] + " (")) == 1


def test_the_page_reads_the_tally_never_the_records(
    client, published, unlisted, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("statistics:page")).status_code == 200
    assert queries.captured_queries
    assert not [q["sql"] for q in queries if "registry_workerrecord" in q["sql"]]


def test_the_page_answers_a_known_etag_with_304_and_caches_for_the_refresh_window(client, unlisted):
    response = client.get(reverse("statistics:page"))
    assert response["ETag"]
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert response["Cache-Control"].startswith("public") and 0 < max_age <= REFRESH_SECONDS
    again = client.get(reverse("statistics:page"), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    csv_response = client.get(reverse("statistics:csv", args=["agencies"]))
    assert csv_response["ETag"] != response["ETag"] and csv_response["Content-Type"].startswith("text/csv")


def test_new_figures_appear_once_the_built_tables_are_renewed(client, unlisted, other_agency, period):
    from announcements.models import StatisticsBuild

    before = _json(client, "progress")["rows"][-1]["records"]
    WorkerRecordFactory.create_batch(5, agency=other_agency, period=period, status=Status.REGISTERED)
    assert _json(client, "progress")["rows"][-1]["records"] == before  # within the refresh window
    StatisticsBuild.objects.all().delete()  # renewed (the worker's part: test_statistics_refresh.py)
    cache.clear()
    assert _json(client, "progress")["rows"][-1]["records"] == before + 5


def test_the_home_page_and_the_announcements_link_to_the_statistics(client):
    url = reverse("statistics:page")
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    assert f'href="{url}"' in client.get(reverse("announcements:index")).content.decode()


def test_the_agency_table_is_searched_and_sorted_without_javascript(client, unlisted, agency, published):
    page = client.get(reverse("statistics:page"), {"q": "kota uji"}).content.decode()
    assert "Kota Uji" in page and agency.name not in page
    page = client.get(reverse("statistics:page"), {"sort": "-records"}).content.decode()
    assert page.index("Kota Uji") < page.index(agency.name)  # 7 records before 5


def test_each_agency_row_shows_its_cells_escaped_and_an_unlisted_one_says_so_across_its_columns(
    client, unlisted, agency, published
):
    Agency.objects.filter(pk=agency.pk).update(name='Dinas <b>Uji</b> & "Kita"')
    rows = {}
    for view in ("statuses", "flags"):
        page = client.get(reverse("statistics:page"), {"view": view}).content.decode()
        table = page[page.index('data-testid="agency-table"') :]
        table = table[: table.index("</table>")]
        rows[view] = {
            name: row for row in re.findall(r"<tr>(.*?)</tr>", table, re.S) if (name := _row_name(row))
        }
    listed = rows["statuses"]["Dinas &lt;b&gt;Uji&lt;/b&gt; &amp; &quot;Kita&quot;"]
    assert "<b>" not in listed and '<td class="text-end fw-semibold count">5</td>' in listed
    assert "Daftar belum diumumkan" not in listed
    for view, columns in (("statuses", len(STATUSES)), ("flags", len(FLAGS))):
        unlisted_row = rows[view]["Kota Uji"]
        assert f'<td colspan="{columns}" class="text-muted">Daftar belum diumumkan' in unlisted_row
        assert '<td class="text-end fw-semibold count">7</td>' in unlisted_row
    shares = re.findall(r'<td class="text-end">([^<]*%)</td>', rows["flags"][next(iter(rows["flags"]))])
    assert shares and all(s.endswith("\u00a0%") for s in shares)


def _row_name(row: str) -> str | None:
    found = re.search(r'<th scope="row" class="fw-normal">(.*?)</th>', row)
    return found.group(1) if found else None


# --- The daily snapshot ---------------------------------------------------------------------------------

JAKARTA = dt.timezone(dt.timedelta(hours=7))


def test_change_since_the_previous_day_over_two_simulated_days(unlisted, other_agency, period):
    day1 = dt.datetime(2026, 3, 1, 23, 50, tzinfo=JAKARTA)
    day2 = day1 + dt.timedelta(days=1)
    statistics_snapshot(period=period, now=day1)
    WorkerRecordFactory.create_batch(6, agency=other_agency, period=period, status=Status.REGISTERED)
    stats = build_statistics(period=period, now=day2 - dt.timedelta(hours=3))
    assert stats.baseline_day == dt.date(2026, 3, 1)
    row = next(r for r in stats.tables["agencies"] if r["code"] == "C3273")
    assert row["records"] == 13 and row["change"] == 6
    statistics_snapshot(period=period, now=day2)
    # The day after, the change is counted from day 2's snapshot.
    stats = build_statistics(period=period, now=day2 + dt.timedelta(hours=10))
    assert stats.baseline_day == dt.date(2026, 3, 2)
    assert next(r for r in stats.tables["agencies"] if r["code"] == "C3273")["change"] == 0


def test_the_snapshot_twice_the_same_day_keeps_one_per_agency_with_the_later_figures(
    unlisted, other_agency, period
):
    morning = dt.datetime(2026, 3, 1, 8, 0, tzinfo=JAKARTA)
    statistics_snapshot(period=period, now=morning)
    WorkerRecordFactory(agency=other_agency, period=period, status=Status.REGISTERED)
    statistics_snapshot(period=period, now=morning + dt.timedelta(hours=12))
    rows = StatisticsDay.objects.filter(period=period, agency=other_agency)
    assert rows.count() == 1
    assert rows.get().counts["status"][Status.REGISTERED] == 6


def test_the_daily_command_records_today(unlisted, period):
    call_command("statistics_snapshot", stdout=io.StringIO())
    call_command("statistics_snapshot", stdout=io.StringIO())
    assert set(StatisticsDay.objects.values_list("day", flat=True)) == {timezone.localdate()}
    assert StatisticsDay.objects.count() == period.submissions.count()

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry.listing import keyset_page
from registry.models import AuditEvent, Flag, WorkerRecord, WorkUnit
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db
LIST = reverse("registry:worker-list")


def names(response) -> list[str]:
    return [r.full_name for r in response.context["page"].rows]


@pytest.fixture
def records(agency, period):
    unit = WorkUnit.objects.create(agency=agency, name="Dinas Kesehatan")
    return [
        WorkerRecordFactory(period=period, agency=agency, full_name="Andi Wijaya", work_unit=unit),
        WorkerRecordFactory(period=period, agency=agency, full_name="Budi Santoso", flags=[Flag.AGE]),
        WorkerRecordFactory(period=period, agency=agency, full_name="Citra Lestari", category="thk2"),
        WorkerRecordFactory(period=period, agency=agency, full_name="Dedi Kurniawan", status="submitted"),
    ]


def test_list_shows_own_records_sorted_by_name_with_masked_nik(
    login, operator, records, other_agency, period
):
    WorkerRecordFactory(period=period, agency=other_agency, full_name="Orang Lain")
    response = login(operator).get(LIST)
    assert names(response) == ["Andi Wijaya", "Budi Santoso", "Citra Lestari", "Dedi Kurniawan"]
    page = response.content.decode()
    assert records[0].nik not in page
    assert records[0].masked_nik in page


def test_search_by_part_of_a_name(login, operator, records):
    assert names(login(operator).get(LIST, {"q": "santo"})) == ["Budi Santoso"]


def test_search_by_full_nik(login, operator, records):
    assert names(login(operator).get(LIST, {"q": records[2].nik})) == ["Citra Lestari"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "submitted"}, ["Dedi Kurniawan"]),
        ({"category": "thk2"}, ["Citra Lestari"]),
        ({"flag": "age"}, ["Budi Santoso"]),
        ({"flag": "any"}, ["Budi Santoso"]),
        ({"sort": "-name"}, ["Dedi Kurniawan", "Citra Lestari", "Budi Santoso", "Andi Wijaya"]),
    ],
)
def test_filters_and_sorting(login, operator, records, params, expected):
    assert names(login(operator).get(LIST, params)) == expected


def test_filter_by_work_unit(login, operator, records):
    response = login(operator).get(LIST, {"unit": records[0].work_unit_id})
    assert names(response) == ["Andi Wijaya"]


def test_keyset_pages_walk_forward_and_back_without_gaps(agency, period):
    for i in range(12):
        WorkerRecordFactory(period=period, agency=agency, full_name=f"Sama {i % 3}")  # ties on the name
    qs = WorkerRecord.objects.filter(agency=agency)
    expected = list(qs.order_by("full_name", "id").values_list("id", flat=True))
    seen, page = [], keyset_page(qs, size=5)
    pages = [page]
    while True:
        seen += [r.pk for r in page.rows]
        if not page.next_cursor:
            break
        page = keyset_page(qs, size=5, after=page.next_cursor)
        pages.append(page)
    assert seen == expected
    back = keyset_page(qs, size=5, before=pages[2].prev_cursor)
    assert [r.pk for r in back.rows] == [r.pk for r in pages[1].rows]
    assert page.count == 12


def test_keyset_pages_by_newest_first(agency, period):
    for i in range(7):
        WorkerRecordFactory(
            period=period, agency=agency, created_at=dt.datetime(2022, 1, 1 + i, tzinfo=dt.UTC)
        )
    qs = WorkerRecord.objects.filter(agency=agency)
    first = keyset_page(qs, sort="newest", size=4)
    second = keyset_page(qs, sort="newest", size=4, after=first.next_cursor)
    days = [r.created_at.day for r in first.rows + second.rows]
    assert days == [7, 6, 5, 4, 3, 2, 1]


def test_list_next_link_leads_to_the_next_page(login, operator, agency, period, monkeypatch):
    from registry import listing

    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    for name in ("A", "B", "C"):
        WorkerRecordFactory(period=period, agency=agency, full_name=name)
    client = login(operator)
    first = client.get(LIST)
    assert names(first) == ["A", "B"]
    second = client.get(LIST, {"after": first.context["page"].next_cursor})
    assert names(second) == ["C"]


def test_export_csv_holds_the_current_filter_with_full_nik_and_is_audited(login, operator, records):
    response = login(operator).get(reverse("registry:worker-export", args=["csv"]), {"flag": "age"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert len(rows) == 2
    assert rows[1][1] == records[1].nik
    assert rows[1][3] == "Budi Santoso"
    assert AuditEvent.objects.filter(action="records:export:csv", actor=operator).exists()


def test_export_xlsx_holds_every_record_of_the_filter(login, operator, records):
    response = login(operator).get(reverse("registry:worker-export", args=["xlsx"]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == ["Andi Wijaya", "Budi Santoso", "Citra Lestari", "Dedi Kurniawan"]


def test_detail_shows_the_audit_timeline(login, operator, records):
    record = records[0]
    AuditEvent.log(actor=operator, action="status:released", obj=record, reason="Pindah ke Kota Lain")
    page = login(operator).get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    assert "Pindah ke Kota Lain" in page
    assert record.nik in page


def test_a_slow_count_gives_way_to_many_instead_of_a_number(login, operator, records, monkeypatch):
    from django.db import connection

    from registry import listing

    monkeypatch.setattr(listing, "COUNT_TIMEOUT_MS", 1)
    monkeypatch.setattr(listing, "PAGE_SIZE", 3)  # a first page holding every record is its own count
    with connection.cursor() as cursor:
        # pg_sleep stands in for a count over a very broad filter.
        monkeypatch.setattr(
            listing.QuerySet, "count", lambda self: cursor.execute("SELECT pg_sleep(0.05)") or 0
        )
        response = login(operator).get(LIST)
    assert response.context["page"].count is None
    assert "persempit pencarian" in response.content.decode()
    assert len(response.context["page"].rows) == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"  # the limit did not outlive the count


def test_exports_never_hand_a_spreadsheet_a_formula(login, operator, agency, period):
    WorkerRecordFactory(
        period=period, agency=agency, full_name="Andi", position='=HYPERLINK("http://x","klik")'
    )
    client = login(operator)
    content = b"".join(client.get(reverse("registry:worker-export", args=["csv"])).streaming_content)
    row = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))[1]
    assert row[9] == '\'=HYPERLINK("http://x","klik")'
    response = client.get(reverse("registry:worker-export", args=["xlsx"]))
    cell = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active["J2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")

"""What an operator types into the worker list (search, filters, page links) never widens the
result, never reaches the database as garbage and never answers 500."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from registry import forms, listing
from registry.models import AuditEvent, WorkUnit
from tests.factories import AgencyFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db
LIST = reverse("registry:worker-list")


def names(response) -> list[str]:
    return [r.full_name for r in response.context["page"].rows]


def token(payload) -> str:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
def three(agency, period):
    return [
        WorkerRecordFactory(period=period, agency=agency, full_name="Andi Wijaya", nik="3273016412830432"),
        WorkerRecordFactory(period=period, agency=agency, full_name="Budi Santoso", nik="3273015705900001"),
        WorkerRecordFactory(period=period, agency=agency, full_name="Citra Lestari", nik="3201015705900002"),
    ]


# --- Search by part of a NIK -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("641283", ["Andi Wijaya"]),  # six digits from the middle
        ("12830432", ["Andi Wijaya"]),  # the end
        ("327301", ["Andi Wijaya", "Budi Santoso"]),  # the region code, shared
        ("5705 9000", ["Budi Santoso", "Citra Lestari"]),  # spaces as on a printed card
        ("32.73.01.57", ["Budi Santoso"]),  # dots too
    ],
)
def test_six_or_more_digits_find_records_by_part_of_the_nik(login, operator, three, q, expected):
    assert names(login(operator).get(LIST, {"q": q})) == expected


def test_partial_nik_search_stays_in_the_agency(login, operator, three, other_agency, period):
    WorkerRecordFactory(period=period, agency=other_agency, full_name="Orang Lain", nik="3273016412830433")
    assert names(login(operator).get(LIST, {"q": "64128304"})) == ["Andi Wijaya"]


def test_five_digits_are_not_a_nik_search(login, operator, three):
    assert names(login(operator).get(LIST, {"q": "64128"})) == []


# The partial-NIK search's index: tests/registry/test_search_agency_first.py (on generated data).


# --- Forged paging cursors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "param", "cursor"),
    [
        ("newest", "after", token(["notadate", 1])),
        ("newest", "before", token(["2022-13-45T99:00:00+07:00", 1])),
        ("newest", "after", token(["2022-01-01T00:00:00", 1])),  # no time zone
        ("name", "after", token(["Budi", True])),  # true as the id
        ("name", "before", token(["Budi", 2**70])),  # beyond bigint
        ("name", "after", token(["Bu\u0000di", 1])),  # NUL
        ("name", "after", token(["x" * 5000, 1])),
        ("name", "after", token({"a": 1, "b": 2})),
        ("name", "after", token(["Budi", 1, 2])),
        ("name", "after", token(b"\xff\xfe\x00garbage")),
        ("name", "after", "%%%not-base64%%%"),
        ("oldest", "after", token([12345, 1])),
    ],
)
def test_a_forged_cursor_answers_the_first_page(login, operator, three, sort, param, cursor):
    response = login(operator).get(LIST, {"sort": sort, param: cursor})
    assert response.status_code == 200
    first = login(operator).get(LIST, {"sort": sort})
    assert names(response) == names(first)
    assert len(names(response)) == 3


def test_a_nul_in_the_cursor_is_refused_before_the_list(login, operator, three):
    # A raw NUL anywhere in the address is refused by the site as a whole (nonasn.middleware).
    response = login(operator).get(LIST, {"sort": "name", "before": "\u0000"})
    assert response.status_code == 400


def test_a_genuine_newest_first_cursor_still_pages(agency, period):
    for day in range(1, 6):
        WorkerRecordFactory(period=period, agency=agency, created_at=dt.datetime(2022, 1, day, tzinfo=dt.UTC))
    qs = WorkerRecordFactory._meta.model.objects.filter(agency=agency)
    first = listing.keyset_page(qs, sort="newest", size=2)
    second = listing.keyset_page(qs, sort="newest", size=2, after=first.next_cursor)
    back = listing.keyset_page(qs, sort="newest", size=2, before=second.prev_cursor)
    assert [r.created_at.day for r in second.rows] == [3, 2]
    assert [r.pk for r in back.rows] == [r.pk for r in first.rows]


# --- Invalid filters ---------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{"q": "Joko", "status": "bogus"}, {"flag": "nope"}, {"sort": "x"}])
def test_an_invalid_filter_is_shown_as_an_error_and_lists_nothing(login, operator, three, params):
    response = login(operator).get(LIST, params)
    page = response.content.decode()
    assert response.status_code == 200
    assert names(response) == []
    assert 'data-testid="filter-invalid"' in page
    field = next(iter(k for k in params if k != "q"))
    assert f'data-testid="filter-error-{field}"' in page
    assert "Masukkan pilihan yang valid" in page  # Django's Indonesian "Select a valid choice"


def test_another_agencys_unit_is_an_invalid_filter_not_the_whole_agency(login, operator, three):
    foreign = WorkUnit.objects.create(agency=AgencyFactory(), name="Dinas Lain")
    response = login(operator).get(LIST, {"unit": foreign.pk})
    assert names(response) == []
    assert 'data-testid="filter-error-unit"' in response.content.decode()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("params", [{"q": "Joko", "status": "bogus"}, {"unit": "999999"}])
def test_the_export_refuses_an_invalid_filter(login, operator, three, file_format, params):
    client = login(operator)
    response = client.get(reverse("registry:worker-export", args=[file_format]), params)
    assert response.status_code == 302
    assert response["Location"].startswith(LIST + "?")
    assert not AuditEvent.objects.filter(action__startswith="records:export").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Tidak ada yang diekspor" in page
    assert three[0].nik not in page


def test_a_valid_filter_still_exports_only_its_rows(login, operator, three):
    response = login(operator).get(reverse("registry:worker-export", args=["csv"]), {"q": "Budi"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[3] for r in rows[1:]] == ["Budi Santoso"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="tenaga-non-asn-')


def test_the_xlsx_export_is_a_named_workbook(login, operator, three):
    response = login(operator).get(reverse("registry:worker-export", args=["xlsx"]), {"q": "Budi"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith('attachment; filename="tenaga-non-asn-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert [row[3] for row in ws.iter_rows(min_row=2, values_only=True)] == ["Budi Santoso"]


# --- One sort map ------------------------------------------------------------------------------


def test_listing_sorts_is_the_one_sort_map():
    assert not hasattr(forms, "SORTS")
    assert [key for key, _label in forms.WorkerFilterForm().fields["sort"].choices] == list(
        listing.LIST_SORTS
    )
    assert set(listing.LIST_SORTS) <= set(listing.SORTS)


@pytest.mark.parametrize("sort", listing.LIST_SORTS)
def test_the_export_orders_rows_as_the_list_does(login, operator, agency, period, sort):
    for i, name in enumerate(["Budi", "Andi", "Citra"]):
        WorkerRecordFactory(
            period=period,
            agency=agency,
            full_name=name,
            created_at=dt.datetime(2022, 1, 1 + i, tzinfo=dt.UTC),
        )
    client = login(operator)
    listed = names(client.get(LIST, {"sort": sort}))
    response = client.get(reverse("registry:worker-export", args=["xlsx"]), {"sort": sort})
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert [r[3] for r in rows[1:]] == listed

"""The record names (registry.models.RecordName) are the database's copy of each record's name,
agency and period, kept by the triggers of registry migration 0017: after any mix of writes, the
names are exactly the records' own. A name search read from them gives the page, the order and the
count the records give."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry import listing
from registry.listing import filter_records, keyset_page, names_alone
from registry.models import RecordName, Status, WorkerRecord
from registry.services.pgcopy import copy_into
from tests.factories import AgencyFactory, PeriodFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("registry.migrations.0017_record_names")


def _records() -> set[tuple]:
    return set(WorkerRecord.objects.values_list("pk", "agency_id", "period_id", "full_name", "search_name"))


def _names() -> set[tuple]:
    return set(RecordName.objects.values_list("pk", "agency_id", "period_id", "full_name", "search_name"))


words = st.sampled_from(["Budi", "SANTOSO", "yusuf", "Élodie", "Çağlar", "Dewi", "a_b", "10%"])
full_names = st.lists(words, min_size=1, max_size=3).map(" ".join)
new_records = st.lists(st.tuples(st.integers(0, 2), full_names), max_size=6)
changes = st.lists(
    st.one_of(
        st.tuples(st.just("full_name"), st.integers(0, 50), full_names),
        st.tuples(st.just("agency"), st.integers(0, 50), st.integers(0, 2)),
        st.tuples(st.just("period"), st.integers(0, 50), st.integers(0, 1)),
        st.tuples(st.just("status"), st.integers(0, 50), st.sampled_from(Status.values)),
        st.tuples(st.just("save"), st.integers(0, 50), full_names),
        st.tuples(st.just("delete"), st.integers(0, 50), st.none()),
    ),
    max_size=6,
)


@pytest.fixture
def agencies(period):
    return [AgencyFactory() for _ in range(3)]


@pytest.fixture
def periods(period):
    return [period, PeriodFactory(is_active=False)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(new=new_records, steps=changes)
def test_after_any_writes_the_names_are_the_records_own(agencies, periods, new, steps):
    WorkerRecord.objects.bulk_create(
        [WorkerRecordFactory.build(period=periods[0], agency=agencies[a], full_name=n) for a, n in new]
    )  # one INSERT of several rows: the statement-level trigger sees them together
    for what, at, value in steps:
        ids = list(WorkerRecord.objects.order_by("pk").values_list("pk", flat=True))
        if not ids:
            break
        chosen = WorkerRecord.objects.filter(pk__in=ids[at % len(ids) :: 2])  # several rows at once
        if what == "delete":
            chosen.delete()
        elif what == "save":  # the ORM's save writes every column, the name among them
            record = WorkerRecord.objects.get(pk=ids[at % len(ids)])
            record.full_name = value
            record.save()
        elif what in ("agency", "period"):
            chosen.update(**{what: (agencies if what == "agency" else periods)[value]})
        else:
            chosen.update(**{what: value})
    assert _names() == _records()


def test_a_copy_of_many_records_writes_their_names(period, agency):
    template = WorkerRecordFactory.build(period=period, agency=agency)
    given = {
        f.attname: getattr(template, f.attname)
        for f in WorkerRecord._meta.concrete_fields
        if not f.generated and not f.primary_key and getattr(template, f.attname) is not None
    }
    rows = [
        {
            **given,
            "nik": f"32010112039000{n:02d}",
            "registration_number": f"COPY-{n}",
            "card_token": f"copy-{n}",
            "full_name": f"PEGAWAI SALINAN {n}",
        }
        for n in range(3)
    ]
    copy_into(WorkerRecord, rows, now=timezone.now(), with_pk=False)
    assert {n for (_pk, _a, _p, n, _s) in _names()} == {f"PEGAWAI SALINAN {n}" for n in range(3)}
    assert _names() == _records()


def test_a_truncate_of_the_records_empties_the_names(period, agency):
    WorkerRecordFactory.create_batch(2, period=period, agency=agency)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the inserts' deferred key checks, done now
        cursor.execute(f"TRUNCATE {WorkerRecord._meta.db_table} CASCADE")
    assert not RecordName.objects.exists()


def test_the_migrations_copy_gives_the_names_the_triggers_keep(period, agency, other_agency):
    WorkerRecordFactory.create_batch(3, period=period, agency=agency)
    WorkerRecordFactory.create_batch(2, period=period, agency=other_agency)
    kept = _names()
    RecordName.objects.all().delete()
    with connection.cursor() as cursor:
        for statement in migration.COPY:
            cursor.execute(statement)
    assert _names() == kept == _records()


@pytest.mark.parametrize(
    ("chosen", "alone"),
    [
        ({"q": "yusuf"}, True),
        ({"q": "  yu "}, True),
        ({"q": "yusuf", "status": "submitted"}, False),
        ({"q": "yusuf", "flag": "any"}, False),
        ({"q": "yusuf", "category": "thk2"}, False),
        ({"q": "yusuf", "unit": 7}, False),
        ({"q": "3201011203900001"}, False),  # a NIK
        ({"q": "320101"}, False),  # part of one
        ({"q": "NA-1-2"}, False),  # a registration number
        ({"q": ""}, False),
    ],
)
def test_the_names_answer_a_search_by_name_alone(chosen, alone):
    assert (names_alone(RecordName.objects.all(), **listing.filter_args(chosen)) is not None) is alone


def _walk_cancelled(milliseconds, read, *, using="default"):
    raise listing.TimedOut


@pytest.mark.parametrize("q", ["yusuf", "santoso", "sa", "élodie", "10%", "zz"])
@pytest.mark.parametrize("sort", ["name", "-name", "newest"])
def test_a_search_read_from_the_names_gives_the_pages_and_count_the_records_give(
    agency, other_agency, period, monkeypatch, q, sort
):
    # Names that sort together and apart, in two agencies and two periods: only the agency's
    # records of the period, in the list's order, page after page and back.
    first = ["Yusuf", "Budi", "Élodie", "Sari", "Dewi"]
    last = ["Santoso", "Lestari", "10% Naik", "Wijaya"]
    for n in range(60):
        name = f"{first[n % 5]} {last[n % 4]} {n:02d}"
        WorkerRecordFactory(period=period, agency=agency, full_name=name)
        WorkerRecordFactory(period=period, agency=other_agency, full_name=name)
    WorkerRecordFactory(period=PeriodFactory(is_active=False), agency=agency, full_name="Yusuf Santoso Lama")
    chosen = listing.filter_args({"q": q})
    records = filter_records(WorkerRecord.objects.for_agency(agency).filter(period=period), **chosen)
    names = names_alone(RecordName.objects.for_agency(agency).filter(period=period), **chosen)
    expected = list(records.order_by(*listing.ordering(sort)).values_list("pk", flat=True))
    monkeypatch.setattr(listing, "within_time", _walk_cancelled)  # every page read by its matches
    seen, after, page = [], None, None
    while True:
        page = keyset_page(records, sort=sort, search=q, after=after, size=10, names=names)
        if after is None:
            assert (page.count, page.count_capped) == (len(expected), False)
        seen += [r.pk for r in page.rows]
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert seen == expected
    if len(expected) > 10:
        back = keyset_page(records, sort=sort, search=q, before=page.prev_cursor, size=10, names=names)
        last = len(page.rows)
        assert [r.pk for r in back.rows] == seen[-last - 10 : -last]


def test_the_worker_list_reads_a_name_searchs_matches_from_the_names(
    login, operator, agency, period, monkeypatch
):
    for n in range(3):
        WorkerRecordFactory(agency=agency, period=period, full_name=f"Yusuf Santoso {n}")
    client = login(operator)
    monkeypatch.setattr(listing, "within_time", _walk_cancelled)
    url = reverse("registry:worker-list")
    for params, from_names in (({"q": "yusuf"}, True), ({"q": "yusuf", "status": "registered"}, False)):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, params).context["page"]
        assert [r.full_name for r in page.rows] == [f"Yusuf Santoso {n}" for n in range(3)]
        read = [q["sql"] for q in queries.captured_queries if RecordName._meta.db_table in q["sql"]]
        assert bool(read) is from_names, read


def test_a_name_searchs_count_after_its_walk_is_read_from_the_names(agency, other_agency, period):
    # The walk found the page; the count that follows reads the same matches from the names.
    for n in range(40):
        WorkerRecordFactory(period=period, agency=agency, full_name=f"Budi Santoso {n:02d}")
        WorkerRecordFactory(period=period, agency=other_agency, full_name=f"Budi Santoso {n:02d}")
    chosen = listing.filter_args({"q": "santoso"})
    records = filter_records(WorkerRecord.objects.for_agency(agency).filter(period=period), **chosen)
    names = names_alone(RecordName.objects.for_agency(agency).filter(period=period), **chosen)
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(records, search="santoso", names=names)
    assert (len(page.rows), page.count, page.count_capped) == (listing.PAGE_SIZE, 40, False)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all(RecordName._meta.db_table in sql for sql in counts), counts

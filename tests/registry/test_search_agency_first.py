"""The portal's and the public list's name searches read indexes that start with the agency / list.

On generated data (thousands of rows over two agencies) the plans are read with EXPLAIN: the
trigram index must be entered with the agency (or the published list) as well as the words, so a
search costs what the agency costs, not the country. The planner is kept off sequential scans and
plain index scans (it prefers them on tables this small); what is asserted is how the trigram index
is used when it is. Short words are matched at the start of a name's words (an index can answer
that; a two-letter "contains" it cannot).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from announcements import public_list
from announcements.models import ListSnapshot
from announcements.public_list import ListParams, page_queryset
from registry import listing
from registry.listing import filter_records, names_alone
from registry.models import AgencySubmission, RecordName, WorkerRecord
from tests.announcements.support import move_phase
from tests.factories import AgencyFactory, PeriodFactory, SubmissionFactory, WorkerRecordFactory

# The generated rows are committed, once per module (VACUUM, which gives the planner a GIN index's
# statistics, cannot run in a transaction); each test runs in a transaction that is rolled back, so
# the rows are the same for every test, and the module empties the tables when it is done.
pytestmark = pytest.mark.django_db
ROWS = 3000


def _copies(template: WorkerRecord, count: int) -> None:
    """`count` records like `template` in one INSERT, each with its own NIK, number and name."""
    table = WorkerRecord._meta.db_table
    own = {"id", "nik", "registration_number", "card_token", "full_name"}
    columns = [
        f.column for f in WorkerRecord._meta.concrete_fields if f.column not in own and not f.generated
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} ({names}, nik, registration_number, card_token, full_name)
                SELECT {names}, lpad((9100000000000000 + %s * 100000 + g)::text, 16, '0'),
                       'GEN-' || %s || '-' || g, md5(%s || '-' || g),
                       (ARRAY['Budi','Siti','Agus','Yusuf'])[1 + g %% 4] || ' '
                       || (ARRAY['Santoso','Lestari','Wijaya'])[1 + g %% 3] || ' ' || substr(md5(g::text), 1, 6)
                FROM {table}, generate_series(1, %s) AS g WHERE id = %s""",  # noqa: S608
            [template.agency_id, template.agency_id, template.agency_id, count, template.pk],
        )


class Generated:
    """The module's committed rows: `agency` with ROWS generated records, `other` with a tenth of
    that, both in `period`, and a third agency's ROWS records in its first public-test list
    (`snapshot`)."""

    def __init__(self):
        self.period = PeriodFactory()
        self.agency, self.other, listed = AgencyFactory(), AgencyFactory(), AgencyFactory()
        for owner, count in ((self.agency, ROWS), (self.other, ROWS // 10), (listed, ROWS)):
            SubmissionFactory(agency=owner, period=self.period)
            template = WorkerRecordFactory(agency=owner, period=self.period, full_name="Contoh Templat")
            _copies(template, count)
        submission = AgencySubmission.objects.get(agency=listed, period=self.period)
        move_phase(submission, AgencySubmission.Phase.PREFINALISED)
        self.snapshot = ListSnapshot.objects.get(submission=submission, kind="public_test", version=1)
        _vacuum(WorkerRecord._meta.db_table)
        _vacuum(RecordName._meta.db_table)
        _vacuum("announcements_snapshotrow")


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    try:
        with django_db_blocker.unblock():
            rows = Generated()
        yield rows
    finally:  # emptied as a test in a transaction=True leaves it, even after a failed set-up
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def period(generated, db):
    return generated.period


@pytest.fixture
def many(generated, db):
    return generated.agency


@pytest.fixture
def other_agency(generated, db):
    return generated.other


def _vacuum(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")


def _plan(sql: str, params, *, table: str, key: str, keep: str = "", off: tuple[str, ...] = ()) -> str:
    """EXPLAIN with the table's btree indexes that start with `key` out of the way (dropped inside
    a rolled-back savepoint): on a few thousand rows the planner would rather filter the agency's
    rows than enter the trigram index, and what is pinned here is how it enters that index.
    `keep`: an index left in place; `off`: more plan kinds switched off (enable_<kind>)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, c.conname FROM pg_index i
               JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_am am ON am.oid = x.relam
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
               LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
               WHERE i.indrelid = %s::regclass AND am.amname = 'btree' AND a.attname = %s""",
            [table, key],
        )
        btrees = [row for row in cursor.fetchall() if row[0] != keep]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for index, constraint in btrees:
                if constraint:
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
                else:
                    cursor.execute(f"DROP INDEX {index}")
            for kind in ("seqscan", *off):
                cursor.execute(f"SET LOCAL enable_{kind} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            raise _RolledBack(plan)
    except _RolledBack as done:
        return done.plan


class _RolledBack(Exception):
    def __init__(self, plan: str):
        self.plan = plan


def _index_conditions(plan: str, index: str) -> list[str]:
    lines = plan.splitlines()
    return [
        lines[i + 1].strip()
        for i, line in enumerate(lines)
        if f"on {index}" in line and i + 1 < len(lines) and "Index Cond" in lines[i + 1]
    ]


def _portal_plan(agency, q: str) -> str:
    qs = filter_records(WorkerRecord.objects.for_agency(agency), q=q).values("pk")
    sql, params = qs.query.sql_with_params()
    return _plan(sql, params, table=WorkerRecord._meta.db_table, key="agency_id")


@pytest.mark.parametrize("q", ["qxzj", "santoso qxzj", "zz"])  # no match, common + rare, two letters
def test_portal_name_search_enters_the_trigram_index_with_the_agency(many, q):
    conditions = _index_conditions(_portal_plan(many, q), "record_agency_search_trgm")
    assert conditions, _portal_plan(many, q)
    assert all("agency_id = " in c and "search_name" in c for c in conditions), conditions


def test_portal_partial_nik_search_enters_the_trigram_index_with_the_agency(many):
    nik = WorkerRecord.objects.filter(agency=many, registration_number__endswith="-1234").get().nik
    conditions = _index_conditions(_portal_plan(many, nik[-8:]), "record_agency_nik_trgm")
    assert conditions and all("agency_id = " in c and "nik" in c for c in conditions), conditions


def test_a_two_letter_portal_search_finds_names_with_a_word_starting_with_it(login, operator, agency, period):
    for name in ("Budi Santoso", "Sari Dewi", "Agus Pratama"):
        WorkerRecordFactory(agency=agency, period=period, full_name=name)
    found = login(operator).get(reverse("registry:worker-list"), {"q": "sa"}).context["page"].rows
    assert sorted(r.full_name for r in found) == ["Budi Santoso", "Sari Dewi"]  # not "PrAtama"


@pytest.fixture
def big_list(generated, db):
    return generated.snapshot


@pytest.mark.parametrize("query", ["qxzj", "santoso qxzj", "zz", "santoso zz"])
def test_public_list_search_enters_the_trigram_index_with_the_list(big_list, query):
    params_of_page = ListParams.from_query(QueryDict(urlencode({"q": query})))
    sql, params = page_queryset(big_list.pk, params_of_page).query.sql_with_params()
    plan = _plan(sql, params, table="announcements_snapshotrow", key="snapshot_id")
    conditions = _index_conditions(plan, "snapshotrow_name_trgm")
    assert conditions, plan
    assert all("snapshot_id = " in c and "search_name" in c for c in conditions), conditions


def test_a_two_letter_public_search_finds_names_with_a_word_starting_with_it(client, big_list):
    url = f"/pengumuman/{big_list.submission.agency.code}/uji-publik/v1/daftar/"
    page = client.get(url, {"q": "yu"}).content.decode()  # Yusuf: yes; BUdi, AgUS: no
    assert "Yusuf" in page and "Budi" not in page and "Contoh Templat" not in page


def _page_plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_name_search_read_by_its_matches_gives_the_page_the_walk_gives(many):
    # A walk of the agency's list in name order cancelled by its time limit is replaced by the same
    # order through COALESCE (registry.listing.search_page): same rows, same order.
    qs = filter_records(WorkerRecord.objects.for_agency(many), q="yusuf")
    order = listing.ordering("name")
    walked = list(qs.order_by(*order).values_list("pk", flat=True)[:26])
    fenced = list(qs.order_by(*listing.fenced(order)).values_list("pk", flat=True)[:26])
    assert len(walked) == 26
    assert fenced == walked
    reverse = listing._reversed("name")
    assert list(qs.order_by(*listing.fenced(reverse)).values_list("pk", flat=True)[:26]) == list(
        qs.order_by(*reverse).values_list("pk", flat=True)[:26]
    )


def test_a_name_search_read_by_its_matches_sorts_what_the_agency_first_index_found(many):
    qs = filter_records(WorkerRecord.objects.for_agency(many), q="yusuf")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = _page_plan(qs.order_by(*listing.fenced(listing.ordering("name")))[:26])
    assert "Sort Key: (COALESCE(" in plan, plan
    assert "Index Scan using record_agency_name " not in plan, plan  # never the walk in name order


def test_a_name_search_page_is_the_same_whichever_way_it_is_read(many, monkeypatch):
    qs = filter_records(WorkerRecord.objects.for_agency(many), q="yusuf").order_by()
    walked = listing.keyset_page(qs, search="yusuf")
    monkeypatch.setattr(
        listing,
        "search_page",
        lambda q, order, limit, **_: listing.SearchRead(
            list(q.order_by(*listing.fenced(order))[:limit]), None
        ),
    )
    fenced = listing.keyset_page(qs, search="yusuf")
    assert [r.pk for r in fenced.rows] == [r.pk for r in walked.rows]
    assert fenced.next_cursor == walked.next_cursor
    following = listing.keyset_page(qs, search="yusuf", after=fenced.next_cursor)
    assert following.rows and following.rows[0].full_name >= fenced.rows[-1].full_name


@pytest.mark.parametrize("q", ["yusuf", "santoso", "santoso qxzj", "zz", "sa"])
def test_a_walk_that_reads_the_ids_first_gives_the_page_the_plain_walk_gives(many, other_agency, q):
    for owner in (many, other_agency):
        qs = filter_records(WorkerRecord.objects.for_agency(owner), q=q)
        for order in (listing.ordering("name"), listing._reversed("name"), listing.ordering("newest")):
            plain = listing.search_page(qs, order, 26).rows
            by_ids = listing.search_page(qs, order, 26, ids_first=True).rows
            assert [r.pk for r in by_ids] == [r.pk for r in plain]


@pytest.mark.parametrize("sort", ["name", "-name", "newest"])
def test_a_name_searchs_pages_follow_one_another(many, sort):
    # Each page after the first is read with its link's place as a row comparison inside the
    # walk's ids subquery: three pages are the first 75 matches in the list's order, forwards and
    # back again.
    qs = filter_records(WorkerRecord.objects.for_agency(many), q="yusuf").order_by()
    expected = list(qs.order_by(*listing.ordering(sort)).values_list("pk", flat=True)[:75])
    pages, after = [], None
    for _ in range(3):
        page = listing.keyset_page(qs, sort=sort, search="yusuf", after=after)
        pages.append([r.pk for r in page.rows])
        after = page.next_cursor
    assert sum(pages, []) == expected
    back = listing.keyset_page(qs, sort=sort, search="yusuf", before=page.prev_cursor)
    assert [r.pk for r in back.rows] == pages[1]


def _walk_cancelled(milliseconds, read, *, using="default"):
    raise listing.TimedOut


def test_a_name_search_read_by_its_matches_counts_them_in_the_same_read(many, monkeypatch):
    # Every read under a time limit cancelled: the walk, and the count that would follow it.
    qs = filter_records(WorkerRecord.objects.for_agency(many), q="yusuf").order_by()
    monkeypatch.setattr(listing, "within_time", _walk_cancelled)
    page = listing.keyset_page(qs, search="yusuf")
    assert (page.count, page.count_capped) == (qs.count(), False)
    assert page.count > listing.PAGE_SIZE
    walked = list(qs.order_by(*listing.ordering("name"))[: listing.PAGE_SIZE])
    assert [r.pk for r in page.rows] == [r.pk for r in walked]


def test_a_first_page_with_every_match_is_its_own_count(many):
    santosos = WorkerRecord.objects.filter(agency=many, full_name__contains=" Santoso ").order_by("pk")
    rare = santosos[100].full_name.split()[-1]
    qs = filter_records(WorkerRecord.objects.for_agency(many), q=f"santoso {rare}").order_by()
    # Whether the walk found the page within its limit or gave up on a busy machine (then the read
    # by matches counts them in the same read): no count of its own after it.
    with CaptureQueriesContext(connection) as queries:
        page = listing.keyset_page(qs, search=f"santoso {rare}")
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*) FROM" in q["sql"].upper()]
    assert not counts, counts
    assert page.count == qs.count() == len(page.rows) >= 1
    nothing = filter_records(WorkerRecord.objects.for_agency(many), q="zz").order_by()
    assert listing.keyset_page(nothing, search="zz").count == 0


@pytest.mark.parametrize(
    ("q", "by_name"), [("yusuf", True), ("zz", True), ("320101", False), ("NA-1-2", False)]
)
def test_only_words_of_a_name_are_read_as_a_name_search(q, by_name):
    assert listing.name_searched(q) is by_name


def test_a_public_list_search_read_by_its_matches_gives_the_page_the_walk_gives(big_list):
    # The list's numbers follow the names, so a first name's matches are bunched at its end; the
    # walk in number order and the matches sorted (announcements.public_list.page_rows) agree.
    for query in ("yusuf", "santoso", "yu"):
        params = ListParams.from_query(QueryDict(urlencode({"q": query})))
        rows, order = public_list._page_filter(big_list.pk, params)
        walked = list(rows.order_by(*order)[:51])
        fenced = list(rows.order_by(*listing.fenced(order))[:51])
        assert walked and fenced == walked
        shown = public_list.page_rows(big_list, params)[0]
        assert [r.number for r in shown] == [row[0] for row in walked[:50]]


@pytest.mark.parametrize("q", ["santoso", "ÉLODIE", "dewi", "10%", "a_b", "sa", "ÇA"])
def test_a_name_search_finds_what_ilike_on_the_name_finds(agency, period, q):
    # The search compares the lower-cased stored name (search_name, generated by PostgreSQL's
    # lower()) with the pattern lower-cased the same way: the rows `full_name ILIKE` gives.
    names = ["Budi SANTOSO", "santoso Wati", "Élodie Dewi", "DEWI élodie", "Nilai 10% Naik", "A_B Putra",
             "Ab Cd", "Sari Çağlar", "çAkir Ayu", "Pratama"]  # fmt: skip
    for name in names:
        WorkerRecordFactory(agency=agency, period=period, full_name=name)
    found = filter_records(WorkerRecord.objects.for_agency(agency), q=q).order_by("full_name", "id")
    word = listing.escape_like(q)
    ilike = [f"% {word}%", f"{word}%"] if len(q) < listing.SHORT_SEARCH else [f"%{word}%"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT full_name FROM {WorkerRecord._meta.db_table} WHERE agency_id = %s"  # noqa: S608
            " AND full_name ILIKE ANY(%s) ORDER BY full_name, id",
            [agency.pk, ilike],
        )
        expected = [row[0] for row in cursor.fetchall()]
    assert expected and [r.full_name for r in found] == expected


@pytest.mark.parametrize("sort", ["name", "-name", "newest"])
@pytest.mark.parametrize("forwards", [True, False])
def test_a_read_by_matches_of_ids_gives_the_page_the_walk_gives(many, monkeypatch, sort, forwards):
    # The portal's read by matches (the walk cancelled) sorts and counts the matches' ids, then
    # reads the page's rows by id: the same rows in the same order, and every match counted.
    qs = filter_records(WorkerRecord.objects.for_agency(many), q="yusuf").order_by()
    order = listing.ordering(sort) if forwards else listing._reversed(sort)
    walked = [r.pk for r in qs.order_by(*order)[:26]]
    monkeypatch.setattr(listing, "within_time", _walk_cancelled)
    counted = listing.search_page(qs, order, 26, count=True, ids_first=True)
    assert [r.pk for r in counted.rows] == walked and len(walked) == 26
    assert counted.matches == qs.count()
    assert [r.pk for r in listing.search_page(qs, order, 26, ids_first=True).rows] == walked


def test_a_read_by_matches_of_ids_cannot_be_answered_from_the_name_index_alone(many):
    # Asked for ids and names only, the planner could read every name of the agency from the name
    # walk's covering index alone (140,000 names on the benchmark's big agency, 12-16 ms) rather
    # than the trigram index's matches; the order's second column, outside that index, rules that
    # out. Here every other way in is closed, so that only that read would remain.
    qs = filter_records(WorkerRecord.objects.for_agency(many), q="yusuf")
    read = qs.order_by(*listing.fenced(listing.ordering("name"), beside=listing.OUTSIDE_NAME_INDEX))
    sql, params = read.values("pk")[:26].query.sql_with_params()
    plan = _plan(
        sql, params, table=WorkerRecord._meta.db_table, key="agency_id",
        keep="record_agency_period_search", off=("bitmapscan",),
    )  # fmt: skip
    assert "Index Only Scan" not in plan, plan


@pytest.mark.parametrize("q", ["yusuf", "qxzj", "zz"])
def test_a_read_by_matches_from_the_names_enters_their_trigram_index_with_the_agency(many, q):
    # The read by matches of a search by name alone takes the ids from the record names
    # (registry.listing.search_page): their own trigram index, entered with the agency.
    names = names_alone(RecordName.objects.for_agency(many), q=q)
    read = names.order_by(*listing.fenced(listing.ordering("name"))).values("pk")[:26]
    sql, params = read.query.sql_with_params()
    plan = _plan(sql, params, table=RecordName._meta.db_table, key="agency_id")
    conditions = _index_conditions(plan, "recordname_agency_trgm")
    assert conditions, plan
    assert all("agency_id = " in c and "search_name" in c for c in conditions), conditions

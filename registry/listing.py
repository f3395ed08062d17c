"""Reading worker lists at scale: filters, keyset pagination and a bounded count.

An agency may hold 140,000 records among millions; OFFSET pagination and COUNT(*) on every page
would grow with the list. Pages are fetched by keyset on (sort column, id), which the indexes
(agency, full_name, id) and (agency, created_at, id) answer directly, and counts stop at a cap.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.models import CharField, Count, F, Lookup, Q, QuerySet, Window
from django.db.models.expressions import Func, OrderBy, Value
from django.db.models.functions import Coalesce, Lower
from django.db.models.lookups import GreaterThan, LessThan
from django.utils import timezone
from django.utils.translation import get_language, override
from psycopg2.errors import QueryCanceled
from psycopg2.extensions import TRANSACTION_STATUS_INERROR

from registry.labels import FLAG_SHORT
from registry.models import Category, Flag, RecordName, Status, WorkerRecord
from registry.validators import mask_number


@CharField.register_lookup
class Like(Lookup):
    """`field LIKE pattern` on the bare column (the caller writes the % wildcards)."""

    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_like(pattern: str) -> Like:
    """`search_name LIKE lower(pattern)`: the name and the pattern lower-cased by the one rule,
    PostgreSQL's lower() (the generated column's), which is what `full_name ILIKE pattern` does
    with every name it reads. Django's icontains compares UPPER(full_name), which no index holds;
    this is answered by the agency-first trigram index and the name walk's covering index
    (record_agency_search_trgm, record_agency_period_search). lower() of a constant is folded into
    the pattern when the query is planned, so the trigram index sees the words."""
    return Like(F("search_name"), Lower(Value(pattern)))


PAGE_SIZE = 25
COUNT_CAP = 10_000
COUNT_TIMEOUT_MS = 15
# How long a name search may walk the agency's list in order before reading its matches instead
# (search_page). A walk that finds its page does so within ~2 ms (it reads ~0.1 µs a name: a word
# spread through the list, or bunched near its start, e.g. "budi": 23,000 names); one that has
# not by then is a word bunched further on ("yusuf", "putri": 87,000-134,000 names, 8-12 ms), whose
# time is better spent reading its matches. Measured on the benchmark data (docs/performance.md).
WALK_TIMEOUT_MS = 3
# The limit of a name search's count when the page did not find it: that is a word spread through
# a list longer than a page, and on a big agency such a count reads every name of it (100 ms for
# 140,000) or thousands of matches, and gives up at any limit a page can afford; a small agency's
# takes 2-3 ms.
SEARCH_COUNT_TIMEOUT_MS = 5
# A column the name walk's index (record_agency_period_search) does not hold, beside the name in
# the order of the read by matches (search_page): see `fenced`.
OUTSIDE_NAME_INDEX = {"full_name": "nik"}
COUNT_CACHE_SECONDS = 10
COUNT_CACHE_FROM = 1_000
# The one sort map (list, export, filter form): sort name -> (column, descending).
SORTS: dict[str, tuple[str, bool]] = {
    "name": ("full_name", False),
    "-name": ("full_name", True),
    "newest": ("created_at", True),
    "oldest": ("created_at", False),
    "submitted": ("submitted_at", False),  # the verification queue
}
DEFAULT_SORT = "name"
# The sorts a person chooses on the worker list (and its export); "submitted" is the queue's own.
LIST_SORTS: tuple[str, ...] = ("name", "-name", "newest", "oldest")
# A search of only digits this long or longer looks inside NIKs (trigram index on nik).
PARTIAL_NIK_MIN = 6
# A name search shorter than this matches the start of a name's words, not any part of it.
SHORT_SEARCH = 3
NIK_LENGTH = 16
MAX_ID = 2**63 - 1

T = TypeVar("T")


class TimedOut(Exception):
    """PostgreSQL cancelled a read that `within_time` gave a time limit."""


def within_time(milliseconds: int, read: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """`read()` under PostgreSQL's `statement_timeout` (the one place the list's bounded reads —
    the match count, a name search's walk — get their limit). Raises TimedOut when the server
    cancelled it; any other database error is raised as it is."""
    try:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(milliseconds)}")
            value = read()
            # Inside an outer transaction (tests, ATOMIC_REQUESTS) the limit would outlive this block.
            cursor.execute("SET LOCAL statement_timeout = DEFAULT")
        return value
    except OperationalError as exc:
        if isinstance(exc.__cause__, QueryCanceled):
            _end_aborted_transaction(using)
            raise TimedOut from exc
        raise


def _end_aborted_transaction(using: str) -> None:
    """After a read cancelled by its limit, the server's transaction must not be left open and
    aborted while Django counts the connection in autocommit: its next statement would fail
    ("current transaction is aborted") and the page answer 500. `bench public_list` caught that
    once in ~50,000 searches, right after a cancelled walk. How the transaction was left open is
    not pinned down: 60,000 reads at the limit with three busy-looping processes beside them never
    left it (cancels of the read and of the reset were all rolled back by the atomic block). So
    whatever leaves it, it is ended here, from libpq's own transaction status (no round trip)."""
    connection = connections[using]
    raw = connection.connection
    if (
        raw is not None
        and connection.get_autocommit()
        and raw.get_transaction_status() == TRANSACTION_STATUS_INERROR
    ):
        with raw.cursor() as cursor:
            cursor.execute("ROLLBACK")


def ordering(sort: str) -> list[str]:
    """order_by() arguments for a sort name, the id last so that ties keep one order."""
    column, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return [f"-{column}", "-id"] if descending else [column, "id"]


def filter_records(
    qs: QuerySet[WorkerRecord],
    *,
    q: str = "",
    status: str = "",
    category: str = "",
    flag: str = "",
    unit: int | None = None,
) -> QuerySet[WorkerRecord]:
    q = " ".join((q or "").split())
    if q:
        digits = q.replace(" ", "").replace(".", "")
        if digits.isascii() and digits.isdigit() and len(digits) == NIK_LENGTH:
            qs = qs.filter(nik=digits)
        elif digits.isascii() and digits.isdigit() and PARTIAL_NIK_MIN <= len(digits) < NIK_LENGTH:
            # LIKE on the bare column is answered by the agency-first trigram index (record_agency_nik_trgm).
            qs = qs.filter(nik__like=f"%{digits}%")
        elif q.upper().startswith("NA") and "-" in q:
            qs = qs.filter(registration_number=q.upper())
        else:
            qs = qs.filter(name_filter(q))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if flag == "any":
        qs = qs.flagged()
    elif flag == "none":
        qs = qs.filter(flags=[])
    elif flag:
        qs = qs.flagged(flag)
    if unit:
        qs = qs.filter(work_unit_id=unit)
    return qs


def filter_args(chosen: dict) -> dict[str, Any]:
    """The arguments of filter_records() and names_alone() from a filter form's cleaned data."""
    return {
        "q": chosen.get("q", ""),
        "status": chosen.get("status", ""),
        "category": chosen.get("category", ""),
        "flag": chosen.get("flag", ""),
        "unit": chosen.get("unit"),
    }


def name_filter(q: str) -> Q:
    """The rows whose name holds `q` (spaces already collapsed), on the records or on their names
    (registry.models.RecordName): both have `search_name`."""
    word = escape_like(q)
    if len(q) < SHORT_SEARCH:
        # One or two letters hold no trigram inside a "contains" pattern: no index could answer
        # it, and every name of the agency would be read. As the start of a word they do
        # ("  z", " zz"): such a search finds the names with a word that starts with it.
        return Q(name_like(f"{word}%")) | Q(name_like(f"% {word}%"))
    return Q(name_like(f"%{word}%"))


def names_alone(
    names: QuerySet[RecordName],
    *,
    q: str = "",
    status: str = "",
    category: str = "",
    flag: str = "",
    unit: int | None = None,
) -> QuerySet[RecordName] | None:
    """The record names (already scoped to the agency and period the records are) of the records
    filter_records() selects with the same arguments, when `q` is a search by name and nothing
    else is chosen; None otherwise (the other filters' columns are the records' alone).

    A name search that reads or counts its matches (search_page, keyset_page) does it here instead
    of on the records: the same matches, on about a quarter as many table pages
    (registry/models/names.py)."""
    if not name_searched(q) or status or category or flag or unit:
        return None
    return names.filter(name_filter(" ".join(q.split())))


def encode_cursor(value: Any, pk: int) -> str:
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str, *, sort: str = DEFAULT_SORT) -> tuple[Any, int] | None:
    """The (value, id) a page link carries, or None for anything this list did not hand out.

    The token comes from the address bar: a forged one (not base64 or JSON, `true` as the id, a
    date that is no date, a NUL) must lead to the first page, never to a database error.
    """
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, pk = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if type(pk) is not int or not 0 < pk <= MAX_ID or not isinstance(value, str) or "\x00" in value:
        return None
    column, _descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    if column in ("created_at", "submitted_at"):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.tzinfo is None:
            return None
        return moment, pk
    if len(value) > WorkerRecord._meta.get_field(column).max_length:
        return None
    return value, pk


@dataclass
class Page:
    rows: list[WorkerRecord]
    next_cursor: str | None
    prev_cursor: str | None
    count: int | None
    count_capped: bool

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def bounded_count(
    qs: QuerySet,
    cap: int = COUNT_CAP,
    *,
    key: str | None = None,
    known: int | None = None,
    timeout_ms: int | None = None,
) -> tuple[int | None, bool]:
    """How many rows match, up to `cap`; None when counting would take longer than the page itself
    (a broad name search over a big agency): the page then says "many" instead of a number.

    A large answer (or a count given up) is kept in Django's cache for a few seconds per filter:
    the next page and the next operator of the agency do not count the same 10,000 rows again.
    Small counts are cheap and stay exact. `key` names the filter (the query's SQL otherwise).
    `known`: the number of matches the page's own read already found (keyset_page), kept the same
    way instead of counted again. `timeout_ms`: the count's time limit (COUNT_TIMEOUT_MS).
    """
    limited = qs.order_by()[: cap + 1]
    if key is None:
        key = repr(limited.query.sql_with_params())
    key = "listing:count:" + hashlib.sha256(key.encode()).hexdigest()
    if known is not None:
        result: tuple[int | None, bool] = (min(known, cap), known > cap)
    elif (cached := cache.get(key)) is not None:
        return cached
    else:
        try:
            n = within_time(timeout_ms or COUNT_TIMEOUT_MS, limited.count, using=limited.db)
        except TimedOut:
            result = (None, True)
        else:
            result = (min(n, cap), n > cap)
    if result[0] is None or result[0] >= COUNT_CACHE_FROM:
        cache.set(key, result, COUNT_CACHE_SECONDS)
    return result


def name_searched(q: str) -> bool:
    """Does filter_records() read `q` as words of a name (not a NIK, a part of one or a number)?"""
    q = " ".join((q or "").split())
    digits = q.replace(" ", "").replace(".", "")
    if not q or (digits.isascii() and digits.isdigit() and len(digits) >= PARTIAL_NIK_MIN):
        return False
    return not (q.upper().startswith("NA") and "-" in q)


def fenced(order: list[str], *, beside: dict[str, str] | None = None) -> list[OrderBy]:
    """The same order through `COALESCE(column, column)`: the same values, which no btree index
    holds, so the planner collects the matches from the trigram index and sorts them.

    `beside` (column -> another column): `COALESCE(column, other)` instead, for a read of ids only.
    Still the column's own values (it is NOT NULL), but the other column is not in the index that
    holds the names: asked for ids and names only, the planner would read every name of the
    agency from that index alone (140,000 names, 12-16 ms) rather than the trigram index's matches
    and their table rows (5,833 for "yusuf", 6-8 ms)."""
    fenced = []
    for name in order:
        column = name.lstrip("-")
        other = (beside or {}).get(column, column)
        fenced.append(OrderBy(Coalesce(F(column), F(other)), descending=name.startswith("-")))
    return fenced


class SearchRead(NamedTuple):
    rows: list
    matches: int | None  # how many rows match in all, when the read found out (search_page's `count`)


def search_page(
    qs: QuerySet,
    order: list[str],
    limit: int,
    *,
    count: bool = False,
    ids_first: bool = False,
    names: QuerySet[RecordName] | None = None,
) -> SearchRead:
    """One page of a name search, whatever the word's matches are spread like (the portal's list
    and the public one: `qs` filtered, not yet ordered or sliced).

    Walking the agency's list in its order and stopping at the page size is the cheapest plan when
    the matches are spread through it ("santoso", a family name, is on every page) and the planner
    takes it whenever matches are common; but it reads the whole agency when they are bunched at
    the end of the order ("yusuf", a first name: every "Yusuf …" sorts under Y), 24x the first
    page on 140,000 records. So the walk gets the time of a page (WALK_TIMEOUT_MS); past that the
    page is read the other way, the trigram index's matches collected and sorted, which costs what
    the agency's matches cost. Both give the same rows.

    `count`: that second read has every match in hand before it sorts them, so it also counts them
    (`COUNT(*) OVER ()`, in `matches`): the page then needs no count of its own, which for such a
    word would read the same matches again (or give up at its time limit). Only for a read from
    the start of the list: after a page link it would count the rows after the link's place.

    `ids_first` (the portal's list, whose names an index holds with the agency, period and id):
    the walk reads the page's ids, then their rows. Asked for the columns of the whole row, the
    planner enters the trigram index even for a small agency, and a common word's trigrams are
    listed there for the whole country: "santoso" and a rare word read 455 index pages (15 ms) for
    an agency of 3,105 records, 153 for one of 140,000 whose rows lie together. Asked for ids, it
    can read the small agency's 3,105 names from a btree that starts with the agency and period
    instead, which costs what the agency costs (2.6 ms), and walks a big agency's names in order
    from (agency, period, name, id) alone, without a table page for every name it passes.
    With `ids_first` the read by matches, too, sorts and counts the matches' ids only, then reads
    the page's rows by id: the whole rows of every match (5,833 for "yusuf") joined to their units
    and held for the count were a quarter of that read.

    `names` (with `ids_first`, an order by name): the record names of the same matches
    (names_alone), from which the read by matches takes the ids instead: the same rows on a
    quarter of the table pages.
    """
    if ids_first:
        ids = qs.order_by(*order).values("pk")[:limit]
        walk = qs.filter(pk__in=ids).order_by(*order)
    else:
        walk = qs.order_by(*order)[:limit]
    try:
        rows = within_time(WALK_TIMEOUT_MS, lambda: list(walk), using=qs.db)
        return SearchRead(rows, None)
    except TimedOut:
        pass
    if ids_first:
        if names is not None:
            matches = names.order_by(*fenced(order))
        else:
            matches = qs.order_by(*fenced(order, beside=OUTSIDE_NAME_INDEX))
        if count:
            counted = matches.annotate(search_matches=Window(Count("*")))
            found = list(counted.values_list("pk", "search_matches")[:limit])
        else:
            found = [(pk, None) for pk in matches.values_list("pk", flat=True)[:limit]]
        rows = list(qs.filter(pk__in=[pk for pk, _n in found]).order_by(*order)) if found else []
        return SearchRead(rows, (found[0][1] if found else 0) if count else None)
    if not count:
        return SearchRead(list(qs.order_by(*fenced(order))[:limit]), None)
    rows = list(qs.annotate(search_matches=Window(Count("*"))).order_by(*fenced(order))[:limit])
    return SearchRead(rows, rows[0].search_matches if rows else 0)


def _reversed(sort: str) -> list[str]:
    return [name[1:] if name.startswith("-") else f"-{name}" for name in ordering(sort)]


def keyset_page(
    qs: QuerySet[WorkerRecord],
    *,
    sort: str = DEFAULT_SORT,
    after: str | None = None,
    before: str | None = None,
    size: int | None = None,
    with_count: bool = True,
    count_key: str | None = None,
    search: str = "",
    names: QuerySet[RecordName] | None = None,
) -> Page:
    """`search`: the words filter_records() was given (a name search reads its page by search_page).
    `names`: names_alone() of the same arguments, used when the list is in name order: a read by
    matches (search_page) and the count after a walk read the same matches there, on fewer table
    pages (a common word such as "santoso", 8,759 of 140,000, is then counted within the count's
    time limit instead of shown as "many")."""
    size = size or PAGE_SIZE
    sort = sort if sort in SORTS else DEFAULT_SORT
    column, descending = SORTS[sort]
    cursor = decode_cursor(after, sort=sort) if after else None
    if cursor is None and before and not after:
        cursor = decode_cursor(before, sort=sort)
    forward = not (before and not after and cursor)
    page_qs = qs
    if column != "full_name":
        names = None
    counted = qs if names is None else names  # the same matches, on fewer table pages
    if cursor:
        value, pk = cursor
        greater = forward != descending
        # (column, id) > (value, pk) as one row comparison, which the (…, column, id) indexes
        # answer as a range; written with column references (not raw SQL naming the table), so
        # it stays right inside a subquery (search_page's ids_first), where the table has an alias.
        compare = GreaterThan if greater else LessThan
        row = Func(F(column), F("id"), function="ROW", output_field=CharField())
        place = compare(row, Func(Value(value), Value(pk), function="ROW", output_field=CharField()))
        page_qs = page_qs.filter(place)
        if names is not None:
            names = names.filter(place)
    order = ordering(sort) if forward else _reversed(sort)
    searched = name_searched(search)
    if searched:
        rows, matches = search_page(
            page_qs, order, size + 1, count=with_count and cursor is None, ids_first=True, names=names
        )
    else:
        rows, matches = list(page_qs.order_by(*order)[: size + 1]), None
    more = len(rows) > size
    if matches is None and cursor is None and not more:
        # The first page holds every match: that is the count (a no-match or rare-word search
        # needs no second read; on a small agency the planner would count by reading every name).
        matches = len(rows)
    rows = rows[:size]
    if not forward:
        rows.reverse()
    has_next = more if forward else True
    has_prev = bool(cursor) if forward else more
    next_cursor = encode_cursor(getattr(rows[-1], column), rows[-1].pk) if rows and has_next else None
    prev_cursor = encode_cursor(getattr(rows[0], column), rows[0].pk) if rows and has_prev else None
    count, capped = (
        bounded_count(
            counted, key=count_key, known=matches, timeout_ms=SEARCH_COUNT_TIMEOUT_MS if searched else None
        )
        if with_count
        else (0, False)
    )
    return Page(rows, next_cursor, prev_cursor, count, capped)


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of the worker list or the verification queue, with every text already looked up.

    These are the portal's busiest pages: per-row template includes, `{% url %}` and
    `get_FOO_display()` (which translates every choice on each call) were most of their time.
    """

    pk: int
    url: str
    name: str
    category: str
    birth_date: str
    masked_nik: str
    position: str
    unit: str
    status: str
    status_label: str
    flags: tuple[tuple[str, str], ...]  # (short label, full label)
    submitted: str = ""  # "31-12-2022 14:05" in the site's time zone (the queue's column)


# The columns list_rows() shows, and created_at for the page links of the newest/oldest sorts.
LIST_COLUMNS = (
    "id", "full_name", "category", "birth_date", "nik", "position", "status", "flags", "created_at",
    "work_unit__name",
)  # fmt: skip


@functools.lru_cache(maxsize=4)
def _row_labels(language: str) -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, str]]]:
    """Status, category and flag labels in one language, translated once per process."""
    with override(language):
        statuses = {value: str(label) for value, label in Status.choices}
        categories = {value: str(label) for value, label in Category.choices}
        flags = {value: (str(FLAG_SHORT.get(value, value)), str(label)) for value, label in Flag.choices}
    return statuses, categories, flags


def list_rows(records: list[WorkerRecord], *, detail_url: str, submitted: bool = False) -> list[ListRow]:
    """Rows for the list pages; `detail_url` has `{}` where the record's id goes. `submitted`: with
    the submission time (the records must have submitted_at loaded)."""
    statuses, categories, flags = _row_labels(get_language())
    return [
        ListRow(
            pk=r.pk,
            url=detail_url.format(r.pk),
            name=r.full_name,
            category=categories.get(r.category, r.category),
            birth_date=r.birth_date.strftime("%d-%m-%Y") if r.birth_date else "",
            masked_nik=mask_number(r.nik),
            position=r.position,
            unit=r.work_unit.name if r.work_unit_id else "",
            status=r.status,
            status_label=statuses.get(r.status, r.status),
            flags=tuple(flags.get(f, (f, f)) for f in r.flags),
            submitted=timezone.localtime(r.submitted_at).strftime("%d-%m-%Y %H:%M")
            if submitted and r.submitted_at
            else "",
        )
        for r in records
    ]

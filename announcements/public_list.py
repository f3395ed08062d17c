"""What a page of a published list holds: the version by its address, a page of its rows by number,
the page links and the page's own address.

The views (announcements/views/lists.py) render these through templates/announcements/list.html;
announcements/caching.py says who may keep the page. Everything a page shows comes from the parts
of its address read here (`ListParams`), so a shared cache keyed by the address never mixes pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import BigIntegerField, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from announcements.models import SLUG_KINDS, ListSnapshot, SnapshotRow
from registry.listing import search_page
from registry.models import EducationLevel, Status

PAGE_SIZE = 50
SNAPSHOT_TIMEOUT = 24 * 3600
SEARCH_MAX = 100
# A search word shorter than this matches the start of a name's words, not any part of it.
SHORT_WORD = 3
LIST_PARAMS = frozenset({"q", "after", "before", "halaman"})


def published_snapshot(code: str, slug: str, version: int | None) -> ListSnapshot:
    """A published version (the newest of its kind when `version` is None), or 404.

    A numbered version never changes once published, so it is kept in the cache (Django's cache
    API: Redis in production) under its address for a day: a page that nginx has not stored yet,
    or revalidates by its ETag, then needs no query for it (measured: 1.6 ms of app CPU and the
    database's planning of a four-table join, half of such a page's cost). The newest version is
    always looked up, so a new publication shows at once.
    """
    kind = SLUG_KINDS.get(slug)
    if kind is None:
        raise Http404
    key = _snapshot_key(code, kind, version)
    if version is not None and (snapshot := cache.get(key)) is not None:
        return snapshot
    snapshots = (
        ListSnapshot.objects.published()
        .for_agency_code(code)
        .filter(kind=kind)
        .select_related("submission__agency", "submission__period")
        .defer("error", "pdf")
    )
    snapshot = (snapshots.filter(version=version) if version else snapshots.order_by("-version")).first()
    if snapshot is None:
        raise Http404
    if version is not None:
        cache.set(key, snapshot, SNAPSHOT_TIMEOUT)
    return snapshot


def _snapshot_key(code: str, kind: str, version: int | None) -> str:
    return f"announcements:snapshot:{code}:{kind}:{version}"


def forget_published_versions(code: str) -> None:
    """Drop the agency's versions kept by `published_snapshot`: what a page says around the rows
    (the phase, whether the window is open, whether the list was withdrawn) changed with its phase."""
    versions = ListSnapshot.objects.filter(submission__agency__code=code).values_list("kind", "version")
    cache.delete_many([_snapshot_key(code, kind, version) for kind, version in versions])


def snapshot_urls(snapshot: ListSnapshot) -> dict[str, str]:
    args = [snapshot.submission.agency.code, snapshot.slug, snapshot.version]
    return {
        "announcement": reverse("announcements:version", args=args),
        "list": reverse("announcements:version-list", args=args),
        "changes": reverse("announcements:changes", args=args),
        "csv": reverse("announcements:csv", args=args),
        "pdf": reverse("announcements:pdf", args=args),
    }


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number >= 0 else None


@dataclass(frozen=True)
class ListParams:
    """A list address's parameters, normalised: the search words and the page by number."""

    query: str
    after: int
    before: int | None
    usual: bool  # only the list's own parameters: the page may be shared

    @classmethod
    def from_query(cls, params: QueryDict) -> ListParams:
        query = " ".join(params.get("q", "").split()).lower()[:SEARCH_MAX]
        after, before = _int(params.get("after")), _int(params.get("before"))
        page_number = _int(params.get("halaman"))
        if page_number and not query and after is None and before is None:
            after = (page_number - 1) * PAGE_SIZE
        return cls(query, after or 0, before, set(params) <= LIST_PARAMS)

    def key(self) -> tuple:
        return (self.query, self.after, self.before)

    def address(self, path: str) -> str:
        """This page's own address, from the normalised parts (never the visitor's raw query string)."""
        return path + _query(q=self.query, before=self.before, after=None if self.before else self.after)


def _query(**params: object) -> str:
    present = {k: v for k, v in params.items() if v}
    return "?" + urlencode(present) if present else ""


class ListedRow(NamedTuple):
    number: int
    full_name: str
    masked_nik: str
    position: str
    unit: str
    education: str
    status: str
    record_id: int | None


ROW_FIELDS = (
    "number",
    "full_name",
    "masked_nik",
    "position",
    "unit",
    "education_level",
    "status",
    "record_id",
)


def page_queryset(snapshot_id: int, params: ListParams) -> QuerySet:
    """The query of one page (PAGE_SIZE + 1 rows, to know whether there is a next one)."""
    rows, order = _page_filter(snapshot_id, params)
    return rows.order_by(*order)[: PAGE_SIZE + 1]


def _page_filter(snapshot_id: int, params: ListParams) -> tuple[QuerySet, list[str]]:
    """The page's rows (filtered, not ordered) and their order."""
    # The snapshot typed bigint, as its column: a plain integer parameter makes the comparison
    # `bigint = integer`, which the btree_gin part of snapshotrow_name_trgm cannot answer, and the
    # index would read the search words' trigrams across every published list.
    rows = SnapshotRow.objects.filter(snapshot_id=Cast(Value(snapshot_id), BigIntegerField()))
    for word in params.query.split():
        if len(word) < SHORT_WORD:
            # One or two letters hold no trigram inside "%zz%": no index could answer it. As the
            # start of a name's word they do.
            rows = rows.filter(Q(search_name__startswith=word) | Q(search_name__contains=f" {word}"))
        else:
            rows = rows.filter(search_name__contains=word)
    if params.before:
        return rows.filter(number__lt=params.before).values_list(*ROW_FIELDS), ["-number"]
    return rows.filter(number__gt=params.after).values_list(*ROW_FIELDS), ["number"]


def page_rows(snapshot: ListSnapshot, params: ListParams) -> tuple[list[ListedRow], bool, bool]:
    """(rows, has_previous, has_next): one page by number (keyset on the (snapshot, number) index,
    so the deepest page costs what the first does), every word of the search in the name."""
    if params.query:
        # Numbers follow the names: the matches of a first name are bunched at the end of the list.
        rows, order = _page_filter(snapshot.pk, params)
        page = search_page(rows, order, PAGE_SIZE + 1).rows
    else:
        page = list(page_queryset(snapshot.pk, params))
    statuses, education = dict(Status.choices), dict(EducationLevel.choices)
    listed = [
        ListedRow(
            n, name, nik, position, unit, education.get(level, level), statuses.get(status, status), rid
        )
        for n, name, nik, position, unit, level, status, rid in page[:PAGE_SIZE]
    ]
    if params.before:
        return listed[::-1], len(page) > PAGE_SIZE, True
    return listed, params.after > 0, len(page) > PAGE_SIZE


ROW = '<tr><td>{}</td><td>{}</td><td class="text-nowrap">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>'
COMPLAINT_CELL = '<td><a class="complaint-link" href="{}?record={}">{}</a></td>'


def rows_html(rows: list[ListedRow], *, row_link: str | None) -> SafeString:
    """The table's rows (every value escaped by format_html): the one place of a row's markup.

    Not a template loop: on the busiest page of the site that loop over 50 rows cost 2.3 ms of CPU
    more per page than this (measured: 9.7 against 7.4 ms a page not in nginx's cache).
    """
    label = gettext("File a complaint")

    def last_cell(record_id: int | None) -> SafeString:
        if not row_link:
            return mark_safe("")  # noqa: S308 - a constant
        if not record_id:
            return mark_safe("<td></td>")  # noqa: S308 - a constant
        return format_html(COMPLAINT_CELL, row_link, record_id, label)

    return format_html_join("\n", ROW, (row[:7] + (last_cell(row.record_id),) for row in rows))


def page_count(snapshot: ListSnapshot) -> int:
    return (snapshot.row_count + PAGE_SIZE - 1) // PAGE_SIZE


def page_links(
    params: ListParams, rows: list[ListedRow], *, has_previous: bool, has_next: bool, pages: int
) -> dict[str, object]:
    """First / previous / "page x of y" / next / last, as query strings by number (a search pages
    by previous and next only)."""
    if not rows:
        return {}
    q = params.query
    links: dict[str, object] = {}
    if has_previous:
        links["first"] = None if q else "?after=0"
        links["previous"] = _query(q=q, before=rows[0].number)
    if has_next:
        links["next"] = _query(q=q, after=rows[-1].number)
        links["last"] = None if q else f"?after={(pages - 1) * PAGE_SIZE}"
    if not q:
        links["page"] = (rows[0].number - 1) // PAGE_SIZE + 1
        links["pages"] = pages
    return links

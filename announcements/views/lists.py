"""The public path: Pengumuman → Instansi → the agency's Pengumuman → Daftar Pegawai Honorer.

Every list page reads one published version (its own rows, never the live records), a page at a
time by number (keyset: the deepest page costs what the first does), and is cached per version
(announcements.caching).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from html import escape as _escape
from urllib.parse import quote

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from announcements.caching import (
    PAGE_TIMEOUT,
    address_key,
    agency_generation,
    cached_page,
    immutable,
    page_by_address,
    page_cache_enabled,
    page_tag,
)
from announcements.models import SLUG_KINDS, ListSnapshot, SnapshotKind, SnapshotRow
from announcements.services.downloads import snapshot_csv_lines, snapshot_pdf_ensure
from announcements.services.publish import inline_max_rows, snapshot_changes
from registry.models import Agency, AgencySubmission, EducationLevel, Period, Status

PAGE_SIZE = 50
SEARCH_MAX = 100
LIST_PARAMS = frozenset({"q", "after", "before", "halaman"})


def index(request: HttpRequest) -> HttpResponse:
    """Choose the agency ("Instansi"): all of them, grouped by kind, narrowed by a search (no JavaScript)."""
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX]
    published = ListSnapshot.objects.published().filter(submission__agency=OuterRef("pk"))
    agencies = Agency.objects.filter(is_active=True).annotate(
        has_list=Exists(published.filter(kind=SnapshotKind.PUBLIC_TEST)),
        has_final=Exists(published.filter(kind=SnapshotKind.FINAL)),
    )
    for word in query.split():
        agencies = agencies.filter(Q(name__icontains=word) | Q(code__iexact=word))
    groups = []
    rows = list(agencies.order_by("name").only("code", "name", "kind"))
    for kind, label in Agency.Kind.choices:
        members = [agency for agency in rows if agency.kind == kind]
        if members:
            groups.append({"kind": kind, "label": label, "agencies": members})
    context = {"groups": groups, "query": query, "total": len(rows)}
    return render(request, "announcements/index.html", context)


def _current_snapshots(submission: AgencySubmission | None) -> dict[str, ListSnapshot]:
    if submission is None:
        return {}
    current: dict[str, ListSnapshot] = {}
    for snapshot in ListSnapshot.objects.published().filter(submission=submission).order_by("version"):
        current[snapshot.kind] = snapshot  # the highest version of each kind wins
    return current


def agency(request: HttpRequest, code: str) -> HttpResponse:
    """One agency's announcements: the public-test list while prefinalised, the final list once completed."""
    agency = get_object_or_404(Agency, code=code, is_active=True)
    period = Period.objects.active()
    submission = (
        AgencySubmission.objects.select_related("period").filter(agency=agency, period=period).first()
        if period
        else None
    )
    current = _current_snapshots(submission)
    announcements = [current[k] for k in (SnapshotKind.FINAL, SnapshotKind.PUBLIC_TEST) if k in current]
    fingerprint = [
        submission.phase if submission else "-",
        *(f"{s.sha256}{s.withdrawn_at}" for s in announcements),
    ]

    def render_page() -> HttpResponse:
        context = {
            "agency": agency,
            "period": period,
            "submission": submission,
            "announcements": announcements,
        }
        return render(request, "announcements/agency.html", context)

    return cached_page(request, page_tag(request, "agency", agency.pk, *fingerprint), render_page)


def _snapshot(code: str, slug: str, version: int | None) -> ListSnapshot:
    """A published version (the newest of its kind when `version` is None), or 404.

    A numbered version never changes once published, so it is kept in the cache; the newest is
    always looked up, so a new publication shows at once.
    """
    kind = SLUG_KINDS.get(slug)
    if kind is None:
        raise Http404
    # Keyed by the agency's generation too: the agency's phase (window open, list withdrawn) comes with it.
    key = f"announcements:snapshot:{code}:{kind}:{version}:{agency_generation(code)}" if version else ""
    if version is not None and (snapshot := immutable.get(key)) is not None:
        return snapshot
    snapshots = (
        ListSnapshot.objects.published()
        .for_agency_code(code)
        .filter(kind=kind)
        .select_related("submission__agency", "submission__period")
        .defer("error")
    )
    snapshot = (snapshots.filter(version=version) if version else snapshots.order_by("-version")).first()
    if snapshot is None:
        raise Http404
    if version is not None:
        immutable.set(key, snapshot, None)
    return snapshot


def _urls(snapshot: ListSnapshot) -> dict[str, str]:
    args = [snapshot.submission.agency.code, snapshot.slug, snapshot.version]
    return {
        "announcement": reverse("announcements:version", args=args),
        "list": reverse("announcements:version-list", args=args),
        "changes": reverse("announcements:changes", args=args),
        "csv": reverse("announcements:csv", args=args),
        "pdf": reverse("announcements:pdf", args=args),
    }


def announcement(request: HttpRequest, code: str, slug: str, version: int | None = None) -> HttpResponse:
    """One announcement: its dates, the window for objections, the hash, what changed, the downloads."""
    snapshot = _snapshot(code, slug, version)
    latest = version is None

    def render_page() -> HttpResponse:
        versions = list(
            ListSnapshot.objects.published()
            .filter(submission_id=snapshot.submission_id, kind=snapshot.kind)
            .order_by("-version")
            .only("version", "published_at", "row_count", "sha256", "kind")
        )
        newest = versions[0] if versions else snapshot
        context = {
            "snapshot": snapshot,
            "agency": snapshot.submission.agency,
            "urls": _urls(snapshot),
            "versions": versions,
            "newest": newest,
            "is_newest": newest.version == snapshot.version,
            "complaints_open": snapshot.objections_open(),
        }
        return render(request, "announcements/announcement.html", context)

    # The numbered page also says whether a newer version exists: it is keyed by the newest one too.
    newest_sha = snapshot.sha256 if latest else _snapshot(code, slug, None).sha256
    tag = page_tag(
        request, "announcement", snapshot.pk, snapshot.sha256, newest_sha, snapshot.objections_open(),
        snapshot.withdrawn_at,
    )  # fmt: skip
    return cached_page(request, tag, render_page)


def _int(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if number >= 0 else None


def _valid_until(snapshot: ListSnapshot) -> dt.datetime | None:
    """When a page of this version next changes by itself: the objection window opening or closing."""
    now = timezone.now()
    for moment in (snapshot.objections_open_at, snapshot.objections_close_at):
        if moment is not None and now < moment:
            return moment
    return None


def complaint_row_link(snapshot: ListSnapshot) -> str | None:
    """The address of the per-row "Ajukan aduan" link while the public test is open: the complaint
    form of the agency, to which each row adds its record (`?record=<id>`)."""
    return _complaint_form_url(snapshot.submission.agency.code)


@functools.lru_cache(maxsize=1024)
def _complaint_form_url(code: str) -> str:
    return reverse("complaints:file", args=[code])


# The listed record's id comes last: only the complaint link uses it.
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


@functools.lru_cache(maxsize=4)
def _row_labels(language: str) -> tuple[dict[str, str], dict[str, str], str]:
    """The status and education labels and the complaint link's text (not escaped), once per language."""
    with override(language):
        return (
            {code: str(label) for code, label in Status.choices},
            {code: str(label) for code, label in EducationLevel.choices},
            _("File a complaint"),
        )


# rows_html writes a page's cells as plain text between these control characters, escapes the whole
# text once, then turns each control character into its markup. A page is escaped in one pass (five
# str.replace over a few kilobytes) instead of 200 html.escape calls, the largest cost of the page.
_CELL, _ROW_START, _ROW_END, _NOWRAP, _LINK_START, _LINK_END = "\x01\x02\x03\x04\x05\x06"
_CONTROL = re.compile("[\x00-\x08]")
_DROP_CONTROL = str.maketrans("", "", "".join(map(chr, range(9))))


def rows_html(rows: list[tuple], *, row_link: str | None) -> str:
    """The table rows, written directly: on the busiest page of the site a template loop over 50 rows
    costs more than everything else together. Every value is escaped."""
    statuses, education, link_label = _row_labels(get_language())
    parts = []
    marks = 0  # how many control characters this function wrote
    for number, name, nik, position, unit, level, status, record_id in rows:
        if not row_link:
            link, marks = "", marks + 8
        elif record_id:
            link, marks = f"{_CELL}{_LINK_START}{int(record_id)}{_LINK_END}", marks + 11
        else:
            link, marks = _CELL, marks + 9
        parts.append(
            f"{_ROW_START}{int(number)}{_CELL}{name}{_NOWRAP}{nik}{_CELL}{position}{_CELL}{unit}{_CELL}"
            f"{education.get(level) or level}{_CELL}{statuses.get(status) or status}{link}{_ROW_END}"
        )
    text = "\n".join(parts)
    if len(text) - len(text.translate(_DROP_CONTROL)) != marks:
        # A value holds a control character: never in a published row (the forms and the import
        # refuse them), shown as the replacement character should one slip in.
        clean = [(row[0], *(_CONTROL.sub("\ufffd", str(v)) for v in row[1:7]), row[7]) for row in rows]
        return rows_html(clean, row_link=row_link)
    text = _escape(text)
    link = f'<a class="complaint-link" href="{_escape(row_link)}?record=' if row_link else ""
    text = (
        text.replace(_ROW_START, "<tr><td>")
        .replace(_NOWRAP, '</td><td class="text-nowrap">')
        .replace(_CELL, "</td><td>")
        .replace(_LINK_START, link)
        .replace(_LINK_END, '">' + _escape(link_label) + "</a>")
        .replace(_ROW_END, "</td></tr>")
    )
    return mark_safe(text)  # noqa: S308 - the whole text was escaped before the markup went in


ROW_TABLE = SnapshotRow._meta.db_table
ROW_COLUMNS = ", ".join(ROW_FIELDS)


def _page_rows(
    snapshot_id: int, query: str, after: int, before: int | None
) -> tuple[list[tuple], bool, bool]:
    """One page by number (keyset on the (snapshot, number) index), the words of `query` all in the name.

    Plain SQL: this runs for every list page that is not cached, and building it through the ORM
    cost more than running it.
    """
    words = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in query.split()]
    search = "".join(" AND search_name LIKE %s" for _ in words)
    params: list = [snapshot_id, before or after, *(f"%{w}%" for w in words), PAGE_SIZE + 1]
    if before:
        sql = f"SELECT {ROW_COLUMNS} FROM {ROW_TABLE} WHERE snapshot_id = %s AND number < %s{search} ORDER BY number DESC LIMIT %s"
    else:
        sql = f"SELECT {ROW_COLUMNS} FROM {ROW_TABLE} WHERE snapshot_id = %s AND number > %s{search} ORDER BY number LIMIT %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        page = cursor.fetchall()
    if before:
        return page[:PAGE_SIZE][::-1], len(page) > PAGE_SIZE, True
    return page[:PAGE_SIZE], after > 0, len(page) > PAGE_SIZE


ROWS_MARK = "<!--rows-7f1c0e-->"
NAV_MARK = "<!--nav-7f1c0e-->"


@functools.lru_cache(maxsize=4)
def _nav_labels(language: str) -> dict[str, str]:
    """The page links' words, escaped, once per language."""
    with override(language):
        return {
            "first": _escape(_("First")),
            "previous": _escape(_("Previous")),
            "next": _escape(_("Next")),
            "last": _escape(_("Last")),
            "page": _("Page %(page)s of %(pages)s"),
        }


def _nav_html(*, query: str, page: list[tuple], has_previous: bool, has_next: bool, pages: int) -> str:
    """First / previous / "page x of y" / next / last, as links by number."""
    if not page:
        return ""
    labels = _nav_labels(get_language())
    q = f"q={_escape(quote(query))}&amp;" if query else ""
    button = '<a class="btn btn-outline-secondary btn-sm"{rel} href="?{href}">{label}</a>'
    out = []
    if has_previous:
        if not query:
            out.append(button.format(rel="", href="after=0", label=labels["first"]))
        out.append(button.format(rel=' rel="prev"', href=f"{q}before={page[0][0]}", label=labels["previous"]))
    if not query:
        label = labels["page"] % {"page": (page[0][0] - 1) // PAGE_SIZE + 1, "pages": pages}
        out.append(f'<span class="small">{_escape(label)}</span>')
    if has_next:
        out.append(button.format(rel=' rel="next"', href=f"{q}after={page[-1][0]}", label=labels["next"]))
        if not query:
            last = (pages - 1) * PAGE_SIZE
            out.append(button.format(rel="", href=f"after={last}", label=labels["last"]))
    return "\n".join(out)


def _empty_rows_html(query: str) -> str:
    message = _("No listed worker matches this name.") if query else _("The list is empty.")
    return f'<tr><td colspan="7" class="text-muted">{escape(message)}</td></tr>'


def _list_params(request: HttpRequest) -> tuple[str, int, int | None, bool]:
    """(search words, after, before, cacheable) of a list address's query string (read once a request)."""
    params = getattr(request, "_list_params", None)
    if params is None:
        query = " ".join(request.GET.get("q", "").split()).lower()[:SEARCH_MAX]
        after, before = _int(request.GET.get("after")), _int(request.GET.get("before"))
        page_number = _int(request.GET.get("halaman"))
        if page_number and not query and after is None and before is None:
            after = (page_number - 1) * PAGE_SIZE
        params = request._list_params = (query, after or 0, before, set(request.GET) <= LIST_PARAMS)
    return params


def by_address(request: HttpRequest, version: int | None) -> bool:
    """Whether this list page is answered by its address: a numbered version (it never changes)
    and only the list's own parameters."""
    return version is not None and _list_params(request)[3]


def list_address(request: HttpRequest, code: str, slug: str, version: int | None) -> str | None:
    """The cache key of a numbered version's list page by its address (None: not answered by address,
    or the page cache is off).

    A numbered version never changes: its pages are answered by address, without the database —
    here and, before sessions and CSRF, in announcements.middleware.PublicListMiddleware.
    """
    if not by_address(request, version) or not page_cache_enabled():
        return None
    query, after, before, _cacheable = _list_params(request)
    return address_key(request, "list-address", code, slug, version, query, after, before)


def snapshot_list(request: HttpRequest, code: str, slug: str, version: int | None = None) -> HttpResponse:
    """ "Daftar Pegawai Honorer": a page of one version's rows, by number, optionally searched by name.

    The page is the version's frame (rendered once per version, language and search, and kept in the
    cache) with this page's rows and links written into it: a page not in the page cache costs one
    indexed query and the writing of its rows.
    """
    query, after, before, cacheable = _list_params(request)
    address = list_address(request, code, slug, version)
    if address is not None and (response := page_by_address(request, address, code)) is not None:
        return response
    generation = agency_generation(code) if address else "0"  # read before the page is made
    snapshot = _snapshot(code, slug, version)
    complaints_open = snapshot.objections_open()
    pages = (snapshot.row_count + PAGE_SIZE - 1) // PAGE_SIZE
    row_link = complaint_row_link(snapshot) if complaints_open else None

    def render_frame() -> str:
        context = {
            "snapshot": snapshot,
            "agency": snapshot.submission.agency,
            "urls": _urls(snapshot),
            "rows_html": mark_safe(ROWS_MARK),  # noqa: S308 - a constant
            "nav_html": mark_safe(NAV_MARK),  # noqa: S308 - a constant
            "row_link": row_link,
            "query": query,
            "pages": pages,
            "complaints_open": complaints_open,
        }
        return render(request, "announcements/list.html", context).content.decode()

    def render_page() -> HttpResponse:
        anonymous = not request.user.is_authenticated
        frame_key = "announcements:frame:" + page_tag(
            request, "frame", snapshot.pk, snapshot.sha256, query, complaints_open, snapshot.withdrawn_at
        )
        frame = immutable.get(frame_key) if anonymous else None
        if frame is None:
            frame = render_frame()
            if anonymous:
                immutable.set(frame_key, frame, PAGE_TIMEOUT)
        page, has_previous, has_next = _page_rows(snapshot.pk, query, after, before)
        rows = rows_html(page, row_link=row_link) if page else _empty_rows_html(query)
        nav = _nav_html(query=query, page=page, has_previous=has_previous, has_next=has_next, pages=pages)
        body = frame.replace(ROWS_MARK, rows, 1).replace(NAV_MARK, nav, 1)
        return HttpResponse(body)

    tag = page_tag(
        request,
        "list",
        snapshot.pk,
        snapshot.sha256,
        query,
        after,
        before,
        complaints_open,
        snapshot.withdrawn_at,
    )
    return cached_page(
        request, tag, render_page, cacheable=cacheable, address=address, valid_until=_valid_until(snapshot),
        generation=generation,
    )  # fmt: skip


def changes(request: HttpRequest, code: str, slug: str, version: int) -> HttpResponse:
    """What changed since the previous version: added, removed, status changed."""
    snapshot = _snapshot(code, slug, version)

    def render_page() -> HttpResponse:
        context = {
            "snapshot": snapshot,
            "agency": snapshot.submission.agency,
            "urls": _urls(snapshot),
            "changes": snapshot_changes(snapshot),
            "limit": 200,
        }
        return render(request, "announcements/changes.html", context)

    return cached_page(request, page_tag(request, "changes", snapshot.pk, snapshot.sha256), render_page)


def _download_name(snapshot: ListSnapshot, extension: str) -> str:
    return f"daftar-{snapshot.submission.agency.code}-{snapshot.slug}-v{snapshot.version}.{extension}"


def download_csv(request: HttpRequest, code: str, slug: str, version: int) -> HttpResponse:
    snapshot = _snapshot(code, slug, version)
    response = StreamingHttpResponse(snapshot_csv_lines(snapshot), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(snapshot, "csv")}"'
    response["ETag"] = f'"{snapshot.sha256[:40]}-csv"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


def download_pdf(request: HttpRequest, code: str, slug: str, version: int) -> HttpResponse:
    """The PDF, laid out once per version: at once for a small list, by the task worker for a large one."""
    snapshot = _snapshot(code, slug, version)
    stored = ListSnapshot.objects.filter(pk=snapshot.pk).values_list("pdf", flat=True).first()
    if not stored and snapshot.row_count <= inline_max_rows():
        stored = snapshot_pdf_ensure(snapshot_id=snapshot.pk).pdf.name
    if not stored:
        response = render(
            request,
            "announcements/pdf_pending.html",
            {"snapshot": snapshot, "agency": snapshot.submission.agency, "urls": _urls(snapshot)},
            status=503,
        )
        response["Retry-After"] = "120"
        return response
    from django.http import FileResponse

    handle = ListSnapshot._meta.get_field("pdf").storage.open(stored, "rb")
    response = FileResponse(handle, as_attachment=True, filename=_download_name(snapshot, "pdf"))
    response["Cache-Control"] = "public, max-age=3600"
    return response


def current_list(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """The newest version's list (the address to share: it always shows the newest)."""
    return snapshot_list(request, code, slug, None)

"""The public path: Pengumuman → Instansi → the agency's Pengumuman → Daftar Pegawai Honorer.

Every list page reads one published version (its own rows, never the live records), a page at a
time by number (announcements.public_list builds it), and says in its headers who may keep it and
for how long (announcements.caching: a numbered version's pages never change).
"""

from __future__ import annotations

import hashlib
import html
from urllib.parse import quote, urlencode

from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from announcements.caching import CURRENT_MAX_AGE, LONG_MAX_AGE, SHORT_MAX_AGE, max_age_until, public_page
from announcements.models import ListSnapshot, SnapshotKind
from announcements.public_list import (
    SEARCH_MAX,
    ListParams,
    page_count,
    page_links,
    page_rows,
    published_snapshot,
    rows_html,
    snapshot_urls,
)
from announcements.services.downloads import snapshot_csv_lines, snapshot_pdf_ensure
from announcements.services.publish import inline_max_rows, snapshot_changes
from registry.models import Agency, AgencyContact, AgencySubmission, Period


def index(request: HttpRequest) -> HttpResponse:
    """Choose the agency ("Instansi"): all of them, grouped by kind, narrowed by a search (no JavaScript).

    Everyone's first page on announcement day, the same for every visitor: shared a short time
    (nginx keeps it), with an ETag of the agencies and their lists' badges it shows."""
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX]
    published = ListSnapshot.objects.published().filter(submission__agency=OuterRef("pk"))
    agencies = Agency.objects.filter(is_active=True).annotate(
        has_list=Exists(published.filter(kind=SnapshotKind.PUBLIC_TEST)),
        has_final=Exists(published.filter(kind=SnapshotKind.FINAL)),
    )
    for word in query.split():
        agencies = agencies.filter(Q(name__icontains=word) | Q(code__iexact=word))
    rows = list(agencies.order_by("name").values_list("code", "name", "kind", "has_list", "has_final"))

    def render_page() -> HttpResponse:
        groups = []
        for kind, label in Agency.Kind.choices:
            members = [row for row in rows if row[2] == kind]
            if members:
                groups.append(
                    {"kind": kind, "label": label, "count": len(members), "items": _agency_items(members)}
                )
        context = {
            "groups": groups,
            "query": query,
            "total": len(rows),
            # The language switch returns here, built from the page's own parameter only.
            "page_address": request.path + (f"?{urlencode({'q': query})}" if query else ""),
        }
        return render(request, "announcements/index.html", context)

    shown = hashlib.sha256(repr(rows).encode()).hexdigest()
    return public_page(
        request,
        render_page,
        etag_parts=("agencies", query, shown),
        max_age=SHORT_MAX_AGE,
        shareable=set(request.GET) <= {"q"},
    )


AGENCY_ITEM = (
    '<li class="list-group-item d-flex justify-content-between align-items-center gap-2">'
    '<a href="{}" class="agency-link">{}</a>{}</li>'
)


def _agency_items(agencies: list[tuple[str, str, str, bool, bool]]) -> SafeString:
    """The lines of the agency chooser ((code, name, kind, has_list, has_final) each).

    Every agency of the country is on this page, so a line's cost is paid ~600 times a request:
    through per-line `{% url %}` and `{% translate %}` tags the lines cost ~40 ms a page, through
    `format_html` (keep_lazy wrappers, conditional_escape of each part) ~11 ms for 1,200. So the
    address is built once, the labels translated once, and each line's two values escaped by
    `html.escape` itself (the function Django's `escape` calls) into the one markup of a line."""
    url = reverse("announcements:agency", args=["CODE"])
    final = format_html('<span class="badge text-bg-success">{}</span>', _("Final list"))
    public_test = format_html('<span class="badge text-bg-warning">{}</span>', _("Public test"))
    return mark_safe(  # noqa: S308 - every value escaped above
        "".join(
            AGENCY_ITEM.format(
                html.escape(url.replace("CODE", quote(code, safe=""))),
                html.escape(name),
                final if has_final else public_test if has_list else "",
            )
            for code, name, _kind, has_list, has_final in agencies
        )
    )


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
    contact = AgencyContact.objects.filter(agency=agency).first()
    # The cached page changes with the phase, the lists and the agency's contact details.
    fingerprint = [
        submission.phase if submission else "-",
        *(f"{s.sha256}{s.withdrawn_at}" for s in announcements),
        f"{contact.updated_at:%s%f}" if contact else "-",
    ]

    def render_page() -> HttpResponse:
        context = {
            "agency": agency,
            "period": period,
            "submission": submission,
            "announcements": announcements,
            "page_address": request.path,
            "contact": contact,
        }
        return render(request, "announcements/agency.html", context)

    return public_page(
        request,
        render_page,
        etag_parts=("agency", agency.pk, *fingerprint),
        max_age=SHORT_MAX_AGE,
        shareable=not request.GET,
    )


def announcement(request: HttpRequest, code: str, slug: str, version: int | None = None) -> HttpResponse:
    """One announcement: its dates, the window for objections, the hash, what changed, the downloads.

    Kept a short time even for a numbered version: it says when a newer version has been published.
    """
    snapshot = published_snapshot(code, slug, version)

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
            "urls": snapshot_urls(snapshot),
            "versions": versions,
            "newest": newest,
            "is_newest": newest.version == snapshot.version,
            "complaints_open": snapshot.objections_open(),
            "page_address": request.path,
        }
        return render(request, "announcements/announcement.html", context)

    newest_sha = snapshot.sha256 if version is None else published_snapshot(code, slug, None).sha256
    return public_page(
        request,
        render_page,
        etag_parts=(
            "announcement",
            snapshot.pk,
            snapshot.sha256,
            newest_sha,
            snapshot.objections_open(),
            snapshot.withdrawn_at,
        ),
        max_age=SHORT_MAX_AGE,
        shareable=not request.GET,
    )


def _next_change(snapshot: ListSnapshot):
    """When a page of this version next changes by itself: the objection window opening or closing."""
    now = timezone.now()
    for moment in (snapshot.objections_open_at, snapshot.objections_close_at):
        if moment is not None and now < moment:
            return moment
    return None


def snapshot_list(request: HttpRequest, code: str, slug: str, version: int | None = None) -> HttpResponse:
    """ "Daftar Pegawai Honorer": a page of one version's rows, by number, optionally searched by name.

    A numbered version's page is kept by browsers and shared caches until it can change (a year, or
    until the objection window opens or closes); the newest-version address a short time.
    """
    params = ListParams.from_query(request.GET)
    snapshot = published_snapshot(code, slug, version)
    complaints_open = snapshot.objections_open()

    def render_page() -> HttpResponse:
        pages = page_count(snapshot)
        rows, has_previous, has_next = page_rows(snapshot, params)
        row_link = complaint_row_link(snapshot) if complaints_open else None
        context = {
            "snapshot": snapshot,
            "agency": snapshot.submission.agency,
            "urls": snapshot_urls(snapshot),
            "rows": rows,
            "rows_html": rows_html(rows, row_link=row_link),
            "links": page_links(params, rows, has_previous=has_previous, has_next=has_next, pages=pages),
            "row_link": row_link,
            "query": params.query,
            "pages": pages,
            "complaints_open": complaints_open,
            "page_address": params.address(request.path),
        }
        return render(request, "announcements/list.html", context)

    # A version that is withdrawn or superseded never changes again: kept for a year. The newest
    # version's page still can (its agency reopened and the list withdrawn, the window opening or
    # closing): kept CURRENT_MAX_AGE at most, so a withdrawal shows within minutes.
    settled = version is not None and (
        snapshot.withdrawn_at is not None or published_snapshot(code, slug, None).pk != snapshot.pk
    )
    if settled:
        max_age = LONG_MAX_AGE
    elif version is not None:
        max_age = min(CURRENT_MAX_AGE, max_age_until(_next_change(snapshot)))
    else:
        max_age = SHORT_MAX_AGE
    return public_page(
        request,
        render_page,
        etag_parts=(
            "list",
            snapshot.pk,
            snapshot.sha256,
            *params.key(),
            complaints_open,
            snapshot.withdrawn_at,
        ),
        max_age=max_age,
        immutable=settled,
        shareable=params.usual,
    )


def complaint_row_link(snapshot: ListSnapshot) -> str:
    """The address of the per-row "Ajukan aduan" link while the public test is open: the complaint
    form of the agency, to which each row adds its record (`?record=<id>`)."""
    return reverse("complaints:file", args=[snapshot.submission.agency.code])


def changes(request: HttpRequest, code: str, slug: str, version: int) -> HttpResponse:
    """What changed since the previous version: added, removed, status changed (never changes)."""
    snapshot = published_snapshot(code, slug, version)

    def render_page() -> HttpResponse:
        context = {
            "snapshot": snapshot,
            "agency": snapshot.submission.agency,
            "urls": snapshot_urls(snapshot),
            "changes": snapshot_changes(snapshot),
            "limit": 200,
            "page_address": request.path,
        }
        return render(request, "announcements/changes.html", context)

    return public_page(
        request,
        render_page,
        etag_parts=("changes", snapshot.pk, snapshot.sha256),
        max_age=LONG_MAX_AGE,
        immutable=True,
        shareable=not request.GET,
    )


IMMUTABLE = f"public, max-age={LONG_MAX_AGE}, immutable"


def _download_name(snapshot: ListSnapshot, extension: str) -> str:
    return f"daftar-{snapshot.submission.agency.code}-{snapshot.slug}-v{snapshot.version}.{extension}"


def download_csv(request: HttpRequest, code: str, slug: str, version: int) -> HttpResponse:
    snapshot = published_snapshot(code, slug, version)
    response = StreamingHttpResponse(snapshot_csv_lines(snapshot), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(snapshot, "csv")}"'
    response["ETag"] = f'"{snapshot.sha256[:40]}-csv"'
    response["Cache-Control"] = IMMUTABLE  # a numbered version's file never changes
    return response


def download_pdf(request: HttpRequest, code: str, slug: str, version: int) -> HttpResponse:
    """The PDF, laid out once per version: at once for a small list, by the task worker for a large one."""
    snapshot = published_snapshot(code, slug, version)
    stored = ListSnapshot.objects.filter(pk=snapshot.pk).values_list("pdf", flat=True).first()
    if not stored and snapshot.row_count <= inline_max_rows():
        stored = snapshot_pdf_ensure(snapshot_id=snapshot.pk).pdf.name
    if not stored:
        response = render(
            request,
            "announcements/pdf_pending.html",
            {"snapshot": snapshot, "agency": snapshot.submission.agency, "urls": snapshot_urls(snapshot)},
            status=503,
        )
        response["Retry-After"] = "120"
        return response
    handle = ListSnapshot._meta.get_field("pdf").storage.open(stored, "rb")
    response = FileResponse(handle, as_attachment=True, filename=_download_name(snapshot, "pdf"))
    response["Cache-Control"] = IMMUTABLE  # a numbered version's file never changes
    return response


def current_list(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    """The newest version's list (the address to share: it always shows the newest)."""
    return snapshot_list(request, code, slug, None)

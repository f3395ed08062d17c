"""The open statistics (/statistik/): the page with its charts and tables, and every table as CSV
and JSON. The figures are built by announcements.services.statistics in the task worker (at most
every few minutes, from registry's tally); these views only read the last build, choose, label,
format and cache them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from announcements.caching import public_page
from announcements.services.statistics import (
    FLAGS,
    LICENCE_NAME,
    LICENCE_URL,
    REFRESH_SECONDS,
    STAGES,
    STATUSES,
    SUPPRESSED,
    TABLES,
    Statistics,
    current_statistics,
    row_label,
)
from registry.models import Agency, AgencySubmission, Flag, Period, Status
from registry.services.exports import spreadsheet_safe

AGENCIES_PER_PAGE = 50
# The page's parts that are the same for every visitor of a build (charts, province shares, column
# dictionary) are drawn once per build and language (two thirds of the page's cost) and kept this
# long; a new build has a new digest, so its fragments are new keys.
FRAGMENT_SECONDS = 2 * REFRESH_SECONDS
PAGE_PARAMS = frozenset({"q", "sort", "view", "page"})
SEARCH_MAX = 100
COLOURS = ["#1f5fa8", "#2e9e5b", "#c77800", "#b03a2e", "#6c4fa3", "#00838f", "#5d6d7e", "#8e6c00"]
AGENCY_SORTS = ["agency", "kind", "province", "phase", "records", "change", *(f"status_{s}" for s in STATUSES),
                *(f"stage_{s}" for s in STAGES), *(f"share_{f}" for f in FLAGS)]  # fmt: skip


def _period() -> Period:
    period = Period.objects.active()
    if period is None:
        raise Http404
    return period


def _answer(
    request: HttpRequest,
    stats: Statistics,
    parts: tuple,
    build: Callable[[], HttpResponse],
    *,
    shareable: bool = True,
) -> HttpResponse:
    """A 304 or the answer, with an ETag and kept (by browsers and proxies) until the figures are due
    to be built again, so nothing anyone sees is older than twice REFRESH_SECONDS. The figures
    themselves are built once per REFRESH_SECONDS by the task worker (`current_statistics`); the page is rendered from
    them on each request, so nothing of one visitor is ever stored for another."""
    age = (timezone.now() - stats.taken_at).total_seconds()
    max_age = max(1, int(REFRESH_SECONDS - age))
    return public_page(
        request, build, etag_parts=("statistik", stats.digest, *parts), max_age=max_age, shareable=shareable
    )


# --- Formatting ---------------------------------------------------------------------------------------


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return SUPPRESSED
    return number_format(value, force_grouping=True)


def _change(value: int | None) -> str:
    if value is None:
        return ""
    return ("+" if value > 0 else "") + number_format(value, force_grouping=True)


def _share(value: float | None) -> str:
    return "" if value is None else number_format(value, decimal_pos=1) + "\u00a0%"


def _bars(table: str, rows: list[dict], key: str, column: str = "records") -> list[dict]:
    """A chart's bars: the numbers as text, the bar as a width in percent of the largest."""
    top = max((r[column] for r in rows if isinstance(r[column], int)), default=0) or 1
    bars = []
    for i, row in enumerate(rows):
        value = row[column]
        width = value * 100 / top if isinstance(value, int) else 0
        bars.append(
            {
                "key": row[key],
                "label": row.get("province") or row_label(table, row[key]),
                "text": _number(value),
                "width": f"{width:.1f}",
                "colour": COLOURS[i % len(COLOURS)],
                "change": _change(row.get("change")),
                "share": _share(row.get("share")) if "share" in row else None,
            }
        )
    return bars


def _sort_key(column: str):
    def key(row: dict):
        value = row.get(column)
        if isinstance(value, str) and value != SUPPRESSED:
            return (1, value.lower(), 0)
        if value == SUPPRESSED:
            return (0, "", 2.5)  # somewhere between 0 and 5
        return (0, "", -1 if value is None else value)

    return key


def _agency_rows(rows: list[dict], *, query: str, sort: str) -> list[dict]:
    for word in query.lower().split():
        rows = [r for r in rows if word in r["agency"].lower() or word == r["code"].lower()
                or word in r["province"].lower()]  # fmt: skip
    column = sort.removeprefix("-")
    if column == "phase":
        order = {p: i for i, p in enumerate(AgencySubmission.Phase.values)}
        return sorted(
            rows, key=lambda r: (order[r["phase"]], r["agency"].lower()), reverse=sort.startswith("-")
        )
    return sorted(rows, key=_sort_key(column), reverse=sort.startswith("-"))


# --- The page -----------------------------------------------------------------------------------------


def _pending(request: HttpRequest) -> HttpResponse:
    """Before the task worker's first build of the period: say so, and come back shortly."""
    response = render(request, "announcements/statistics_pending.html", status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


def statistics_page(request: HttpRequest) -> HttpResponse:
    period = _period()
    stats = current_statistics(period=period)
    if stats is None:
        return _pending(request)
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX]
    sort = request.GET.get("sort", "agency")
    if sort.removeprefix("-") not in AGENCY_SORTS:
        sort = "agency"
    view = "flags" if request.GET.get("view") == "flags" else "statuses"
    page_number = request.GET.get("page", "1")
    page_number = int(page_number) if page_number.isdigit() else 1

    def build() -> HttpResponse:
        tables = stats.tables
        kinds = {k: str(v) for k, v in Agency.Kind.choices}
        phases = {k: str(v) for k, v in AgencySubmission.Phase.choices}
        paginator = Paginator(_agency_rows(tables["agencies"], query=query, sort=sort), AGENCIES_PER_PAGE)
        page = paginator.get_page(page_number)
        agencies = []
        for r in page.object_list:
            agencies.append(
                {
                    "name": r["agency"],
                    "kind": kinds[r["kind"]],
                    "province": r["province"] or _("Central"),
                    "phase": phases[r["phase"]],
                    "public": r["list_public"],
                    "records": _number(r["records"]),
                    "change": _change(r["change"]),
                    "stages": [_number(r[f"stage_{s}"]) for s in STAGES],
                    "statuses": [_number(r[f"status_{s}"]) for s in STATUSES] if r["list_public"] else None,
                    "shares": [_share(r[f"share_{f}"]) for f in FLAGS] if r["list_public"] else None,
                }
            )

        def provinces() -> list[dict]:
            return [
                {
                    "name": r["province"] or _("Central agencies (no province)"),
                    "listed": _number(r["listed_records"]),
                    "shares": [_share(r[f"share_{f}"]) for f in FLAGS],
                }
                for r in tables["provinces"]
            ]

        def charts() -> list[dict]:
            bars = [
                ("phases", _bars("phases", tables["phases"], "phase", "agencies")),
                ("progress", _bars("progress", tables["progress"][:-1], "stage")),
                ("statuses", _bars("statuses", tables["statuses"][:-1], "status")),
                ("categories", _bars("categories", tables["categories"][:-1], "category")),
                ("flags", _bars("flags", tables["flags"], "flag")),
                ("kinds", _bars("kinds", tables["kinds"], "kind")),
                ("provinces", _bars("provinces", tables["provinces"], "province_code")),
            ]
            return [
                {"name": name, "title": TABLES[name][0], "bars": b, "total": _total(stats, name)}
                for name, b in bars
            ]

        def dictionary() -> list[tuple]:
            return [(name, TABLES[name][0], TABLES[name][1]) for name in TABLES]

        listed = sum(1 for r in tables["agencies"] if r["list_public"])
        own = {"q": query, "sort": sort, "view": view, "page": page_number}
        address = urlencode({k: v for k, v in own.items() if k in request.GET})
        context = {
            # The language switch returns here, built from the page's own parameters only.
            "page_address": request.path + (f"?{address}" if address else ""),
            "stats": stats,
            "taken_at": timezone.localtime(stats.taken_at),
            # The parts kept as template fragments ({% cache %}, keyed by the build's digest): drawn
            # (called by the template) only when the fragment is not in the cache.
            "charts": charts,
            "provinces": provinces,
            "dictionary": dictionary,
            "fragment_seconds": FRAGMENT_SECONDS,
            "agencies": agencies,
            "page": page,
            "query": query,
            "base": urlencode({"q": query, "view": view}),
            "sort": sort,
            "view": view,
            "status_labels": [Status(s).label for s in STATUSES],
            "stage_labels": [_stage_short(s) for s in STAGES],
            "flag_labels": [Flag(f).label for f in FLAGS],
            "listed_agencies": listed,
            "all_agencies": len(tables["agencies"]),
            "tables": [(name, TABLES[name][0]) for name in TABLES],
            "licence_name": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "suppressed": SUPPRESSED,
        }
        return render(request, "announcements/statistics.html", context)

    # An address with parameters of its own is answered, but never kept for others.
    shareable = set(request.GET) <= PAGE_PARAMS
    return _answer(request, stats, ("page", query, sort, view, page_number), build, shareable=shareable)


def _total(stats: Statistics, name: str) -> str | None:
    rows = stats.tables[name]
    if rows and rows[-1].get(next(iter(rows[-1]))) == "total":
        return _number(rows[-1]["records"])
    return None


def _stage_short(stage: str) -> str:
    return {
        "in_progress": _("Being completed"),
        "submitted": _("Awaiting decision"),
        "decided": _("Decided"),
        "not_completed": _("Not completed"),
    }[stage]


# --- Downloads ----------------------------------------------------------------------------------------


def _download_rows(stats: Statistics, table: str) -> tuple[list[str], list[dict]]:
    columns = [name for name, _type, _doc in TABLES[table][1]]
    rows = []
    for row in stats.tables[table]:
        out = dict(row)
        if "label" in columns:
            out["label"] = row_label(table, row[columns[0]])
        rows.append({c: out.get(c) for c in columns})
    return columns, rows


def _meta(stats: Statistics, table: str) -> dict[str, Any]:
    title, columns = TABLES[table]
    return {
        "title": str(title),
        "table": table,
        "period": stats.period_name,
        "taken_at": timezone.localtime(stats.taken_at).isoformat(timespec="seconds"),
        "compared_with_day": stats.baseline_day.isoformat() if stats.baseline_day else None,
        "licence": {
            "name": LICENCE_NAME,
            "url": LICENCE_URL,
            "attribution": _("Source: Non-ASN Data Collection, open statistics"),
        },
        "suppression": _(
            '"<5": fewer than 5, or hidden so that such a number cannot be worked out from a total.'
        ),
        "columns": [{"name": n, "type": t, "description": str(d)} for n, t, d in columns],
    }


def statistics_download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    if table not in TABLES:
        raise Http404
    stats = current_statistics(period=_period())
    if stats is None:
        return _pending(request)

    def build() -> HttpResponse:
        meta = _meta(stats, table)
        columns, rows = _download_rows(stats, table)
        filename = f"statistik-{table}-{timezone.localtime(stats.taken_at):%Y%m%d-%H%M}.{fmt}"
        if fmt == "json":
            body = json.dumps({**meta, "rows": rows}, ensure_ascii=False, indent=1)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
        else:
            buffer = io.StringIO()
            buffer.write("\ufeff")
            # The notes first, each line starting with "#"; then the header and one line per row.
            notes = [
                meta["title"],
                _("Period: %(p)s") % {"p": meta["period"]},
                _("Taken at: %(t)s") % {"t": meta["taken_at"]},
                _("Licence: %(n)s %(u)s. %(a)s")
                % {"n": LICENCE_NAME, "u": LICENCE_URL, "a": meta["licence"]["attribution"]},
                meta["suppression"],
                *[f"{c['name']} ({c['type']}): {c['description']}" for c in meta["columns"]],
            ]
            for note in notes:
                buffer.write(f"# {note}\n")
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if row[c] is None else _csv_cell(row[c]) for c in columns])
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    return _answer(request, stats, (table, fmt), build)


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(value)  # numbers stay numbers; an agency name is never run as a formula

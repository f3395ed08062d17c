"""The open national statistics (/statistik/): counts without personal data, as tables.

Everything is read from registry's record tally (registry.services.counts) and the agencies'
phases, never from the records themselves, and built at most once per REFRESH_SECONDS per period
by the task worker (`statistics_refresh`), never in a visitor's request: the tables are stored in
the database (StatisticsBuild) and kept in the cache; the page and every download read the same
built tables, and once they are due the first reader asks the worker for new ones and goes on
serving these until the new ones are stored.

What is published, and what is not:
- only counts (and shares of counts); released records (moved to another agency) are not counted;
- an agency's records per status, category and eligibility flag only once its list is public (a
  published public-test or final list); before that only its progress (STAGES), which says how
  far the work is and nothing of any decision;
- small cells: a count of 1 to 4 is shown as "<5" (SUPPRESSED), and so is any other count that
  would let one work such a cell out from a total it adds up to (complementary suppression, below).
  0 is shown: it names no one.

Complementary suppression, the rule: every published sum is a relation "total = sum of parts"
(an agency's records = its stages = its statuses = its categories; a stage = its statuses; a
group's cell = the sum of its agencies' cells, for the nation, each kind and each province; the
nation's cell = the sum of the kinds' = the sum of the provinces'). A relation with exactly one
hidden member gives it away, so one more member is hidden (a part rather than the total, the
smallest non-zero one first), until no relation has exactly one. Shares are shown only when both counts they divide are, and a
change since the previous day only when the count is published both days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from announcements.models import ListSnapshot, StatisticsBuild, StatisticsDay
from registry.models import ANY_FLAG, Agency, AgencySubmission, Category, Flag, Period, Status
from registry.regions import PROVINCES, province_of
from registry.services.counts import period_summary

SMALL = 5
SUPPRESSED = "<5"
REFRESH_SECONDS = 300  # figures at most this old on the server; browsers keep them the rest of it
RECHECK_SECONDS = 10  # once due, how often an app server looks for the worker's new build
QUEUED_SECONDS = 60  # one request to the task worker per this long (again if no worker took it)
FORMAT = "1"  # bump when the tables' shape changes: old cache entries are not read again
LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

STATUSES = [s for s in Status.values if s != Status.RELEASED]
STAGES: dict[str, tuple[str, ...]] = {
    "in_progress": (Status.REGISTERED, Status.ACCOUNT_CREATED, Status.NEEDS_REVISION),
    "submitted": (Status.SUBMITTED,),
    "decided": (Status.ELIGIBLE, Status.INELIGIBLE),
    "not_completed": (Status.NOT_COMPLETED,),
}
CATEGORIES = list(Category.values)
FLAGS = list(Flag.values)

# The count columns of an agency and of a group (kind, province, nation). "listed_records" are the
# records of agencies whose list is public: the base of every status, category and flag count.
PROGRESS_COLUMNS = ["records", *(f"stage_{k}" for k in STAGES)]
LISTED_COLUMNS = [
    "listed_records",
    *(f"status_{s}" for s in STATUSES),
    *(f"category_{c}" for c in CATEGORIES),
    *(f"flag_{f}" for f in FLAGS),
    "flagged",
]
COUNT_COLUMNS = PROGRESS_COLUMNS + LISTED_COLUMNS
SHARE_COLUMNS = [f"share_{f}" for f in FLAGS]

Cell = tuple[str, str, str]  # (table, row key, column)


@dataclass(frozen=True)
class AgencyFigures:
    """One agency as the statistics see it (from the live tally or a day's snapshot). summary:
    its active records per "status", "category" and "flag" (registry.services.counts.period_summary)."""

    code: str
    name: str
    kind: str
    province: str
    phase: str
    public: bool
    summary: dict[str, dict[str, int]]


@dataclass
class Statistics:
    period_id: int
    period_name: str
    taken_at: dt.datetime
    baseline_day: dt.date | None  # the earlier day the changes compare with
    tables: dict[str, list[dict[str, Any]]]
    digest: str = ""


# --- From the tally to per-agency numbers -----------------------------------------------------------


def agency_numbers(figures: AgencyFigures) -> dict[str, int]:
    """An agency's count columns (the listed ones only when its list is public)."""
    per_status = figures.summary.get("status", {})
    out = {"records": sum(per_status.values())}
    for stage, members in STAGES.items():
        out[f"stage_{stage}"] = sum(per_status.get(s, 0) for s in members)
    if figures.public:
        per_category, per_flag = figures.summary.get("category", {}), figures.summary.get("flag", {})
        out["listed_records"] = out["records"]
        out.update({f"status_{s}": per_status.get(s, 0) for s in STATUSES})
        out.update({f"category_{c}": per_category.get(c, 0) for c in CATEGORIES})
        out.update({f"flag_{f}": per_flag.get(f, 0) for f in FLAGS})
        out["flagged"] = per_flag.get(ANY_FLAG, 0)
    return out


# --- Suppression ------------------------------------------------------------------------------------


class Cells:
    """Count cells (numbered), the sums that tie them together, and which are hidden. A row is a
    table's row ((table, key)); row(...)[column] is the number of its cell in that column."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict[str, int]] = {}
        self.values: list[int] = []
        self.relations: list[list[int]] = []  # [total, *parts]
        self.hidden: list[bool] = []

    def add(self, table: str, key: str, column: str, value: int) -> int:
        self.values.append(value)
        self.rows.setdefault((table, key), {})[column] = len(self.values) - 1
        return len(self.values) - 1

    def relate(self, total: int | None, parts: Iterable[int | None]) -> None:
        members = [p for p in parts if p is not None]
        if total is not None and members:
            self.relations.append([total, *members])

    def suppress(self) -> None:
        """Hide the small cells, then one more part of every sum left with exactly one hidden
        member, until none is. A work list: hiding a cell revisits only the sums it is in."""
        values = self.values
        hidden = self.hidden = [0 < n < SMALL for n in values]
        containing: list[list[int]] = [[] for _ in values]
        for index, members in enumerate(self.relations):
            for cell in members:
                containing[cell].append(index)
        hidden_count = [sum(hidden[c] for c in members) for members in self.relations]
        todo = [index for index, n in enumerate(hidden_count) if n == 1]
        while todo:
            index = todo.pop()
            if hidden_count[index] != 1:
                continue
            total, *parts = self.relations[index]
            # Another part rather than the total (an agency's or a group's records are the figure
            # most read), the smallest non-zero one first.
            shown = [m for m in parts if not hidden[m]]
            candidates = [m for m in shown if values[m] > 0] or shown or [total]
            cell = min(candidates, key=lambda m: (values[m], m))
            hidden[cell] = True
            for other in containing[cell]:
                hidden_count[other] += 1
                if hidden_count[other] == 1:
                    todo.append(other)

    def row(self, table: str, key: str) -> dict[str, int | str]:
        """A row's published counts: the number, or SUPPRESSED."""
        return {
            column: SUPPRESSED if self.hidden[cell] else self.values[cell]
            for column, cell in self.rows.get((table, key), {}).items()
        }


def _group_rows(agencies: list[AgencyFigures]) -> dict[str, dict[str, list[AgencyFigures]]]:
    kinds: dict[str, list[AgencyFigures]] = {k: [] for k in Agency.Kind.values}
    provinces: dict[str, list[AgencyFigures]] = defaultdict(list)
    for a in agencies:
        kinds[a.kind].append(a)
        provinces[a.province].append(a)
    ordered = {code: provinces[code] for code in [*PROVINCES, ""] if code in provinces}
    return {"national": {"all": agencies}, "kinds": kinds, "provinces": ordered}


def _cells(agencies: list[AgencyFigures]) -> tuple[Cells, dict[str, dict[str, list[AgencyFigures]]]]:
    """The count cells and the sums that tie them. A listed agency's records are its listed records
    (one cell, not two that could be hidden apart); the groups' cells are sums of the agencies'."""
    cells = Cells()
    values = cells.values
    own: dict[str, dict[str, int]] = {}
    for a in agencies:
        numbers = agency_numbers(a)
        columns = PROGRESS_COLUMNS + (
            [c for c in LISTED_COLUMNS if c != "listed_records"] if a.public else []
        )
        ids = own[a.code] = {
            column: cells.add("agencies", a.code, column, numbers[column]) for column in columns
        }
        cells.relate(ids["records"], [ids[f"stage_{s}"] for s in STAGES])
        if a.public:
            cells.relate(ids["records"], [ids[f"status_{s}"] for s in STATUSES])
            cells.relate(ids["records"], [ids[f"category_{c}"] for c in CATEGORIES])
            for stage, statuses in STAGES.items():
                cells.relate(ids[f"stage_{stage}"], [ids[f"status_{s}"] for s in statuses])
    groups = _group_rows(agencies)
    group_ids: dict[tuple[str, str], dict[str, int]] = {}
    for table, rows in groups.items():
        for key, members in rows.items():
            listed = [own[a.code] for a in members if a.public]
            unlisted = [own[a.code] for a in members if not a.public]
            everyone = [own[a.code] for a in members]
            ids = group_ids[(table, key)] = {}
            for column in COUNT_COLUMNS:
                if column == "records" or column.startswith("stage_"):
                    parts = [a[column] for a in everyone]
                elif not listed:
                    continue
                elif column == "listed_records":
                    parts = [a["records"] for a in listed]
                else:
                    parts = [a[column] for a in listed]
                ids[column] = cells.add(table, key, column, sum(values[p] for p in parts))
                cells.relate(ids[column], parts)
            get = ids.get
            cells.relate(ids["records"], [ids[f"stage_{s}"] for s in STAGES])
            cells.relate(get("listed_records"), [get(f"status_{s}") for s in STATUSES])
            cells.relate(get("listed_records"), [get(f"category_{c}") for c in CATEGORIES])
            cells.relate(ids["records"], [get("listed_records"), *(a["records"] for a in unlisted)])
            for stage, statuses in STAGES.items():
                cells.relate(
                    ids[f"stage_{stage}"],
                    [*(get(f"status_{s}") for s in statuses), *(a[f"stage_{stage}"] for a in unlisted)],
                )
    national = group_ids[("national", "all")]
    for table in ("kinds", "provinces"):
        for column in COUNT_COLUMNS:
            cells.relate(national.get(column), [group_ids[(table, key)].get(column) for key in groups[table]])
    cells.suppress()
    return cells, groups


def _share(part: int | str | None, whole: int | str | None) -> float | None:
    if isinstance(part, int) and isinstance(whole, int) and whole > 0:
        return round(part * 100 / whole, 1)
    return None


def build_tables(agencies: list[AgencyFigures]) -> dict[str, list[dict[str, Any]]]:
    """Every published table from the agencies' figures, suppression applied."""
    cells, groups = _cells(agencies)

    def counts(table: str, key: str) -> dict[str, Any]:
        shown = cells.row(table, key)
        row = {column: shown.get(column) for column in COUNT_COLUMNS}
        if table == "agencies" and row["status_eligible"] is not None:  # a listed agency
            row["listed_records"] = row["records"]
        row.update({f"share_{f}": _share(row[f"flag_{f}"], row["listed_records"]) for f in FLAGS})
        return row

    national = counts("national", "all")
    tables: dict[str, list[dict[str, Any]]] = {}
    phases: dict[str, int] = dict.fromkeys(AgencySubmission.Phase.values, 0)
    for a in agencies:
        phases[a.phase] += 1
    tables["phases"] = [{"phase": p, "agencies": n} for p, n in phases.items()]
    tables["progress"] = [{"stage": s, "records": national[f"stage_{s}"]} for s in STAGES] + [
        {"stage": "total", "records": national["records"]}
    ]
    tables["statuses"] = [{"status": s, "records": national[f"status_{s}"]} for s in STATUSES] + [
        {"status": "total", "records": national["listed_records"]}
    ]
    tables["categories"] = [{"category": c, "records": national[f"category_{c}"]} for c in CATEGORIES] + [
        {"category": "total", "records": national["listed_records"]}
    ]
    tables["flags"] = [
        {"flag": f, "records": national[f"flag_{f}"], "share": national[f"share_{f}"]} for f in FLAGS
    ] + [
        {
            "flag": "any",
            "records": national["flagged"],
            "share": _share(national["flagged"], national["listed_records"]),
        }
    ]
    tables["kinds"] = [
        {
            "kind": k,
            "agencies": len(members),
            "listed_agencies": sum(a.public for a in members),
            **counts("kinds", k),
        }
        for k, members in groups["kinds"].items()
    ]
    tables["provinces"] = [
        {
            "province_code": code,
            "province": PROVINCES.get(code, ""),
            "agencies": len(members),
            "listed_agencies": sum(a.public for a in members),
            **counts("provinces", code),
        }
        for code, members in groups["provinces"].items()
    ]
    tables["agencies"] = [
        {
            "code": a.code,
            "agency": a.name,
            "kind": a.kind,
            "province_code": a.province,
            "province": PROVINCES.get(a.province, ""),
            "phase": a.phase,
            "list_public": a.public,
            **counts("agencies", a.code),
        }
        for a in sorted(agencies, key=lambda a: (a.name.lower(), a.code))
    ]
    return tables


# Which column of each table says what its rows are, and which counts get a change column.
ROW_KEYS = {
    "phases": "phase", "progress": "stage", "statuses": "status", "categories": "category", "flags": "flag",
    "kinds": "kind", "provinces": "province_code", "agencies": "code",
}  # fmt: skip
CHANGED = {
    "phases": "agencies", "progress": "records", "statuses": "records", "categories": "records",
    "flags": "records", "kinds": "records", "provinces": "records", "agencies": "records",
}  # fmt: skip


def changed_counts(tables: dict[str, list[dict]]) -> dict[str, dict[str, Any]]:
    """Each table's counts that changes are computed from, by row: what a day's snapshot is kept as."""
    return {name: {r[ROW_KEYS[name]]: r[CHANGED[name]] for r in rows} for name, rows in tables.items()}


def add_changes(tables: dict[str, list[dict]], previous: dict[str, dict[str, Any]] | None) -> None:
    """Each row's change since the previous day (`changed_counts` of that day's tables), where the
    count is published both days."""
    for name, rows in tables.items():
        column, key = CHANGED[name], ROW_KEYS[name]
        before = (previous or {}).get(name, {})
        for row in rows:
            now, then = row[column], before.get(row[key])
            row["change"] = now - then if isinstance(now, int) and isinstance(then, int) else None


# --- Reading the figures ------------------------------------------------------------------------------


def live_figures(period: Period) -> list[AgencyFigures]:
    """Every active agency of the period with its counts as they stand (summed from the tally)."""
    summary = period_summary(period_id=period.pk)
    public = set(
        ListSnapshot.objects.published()
        .filter(submission__period=period)
        .values_list("submission_id", flat=True)
    )
    rows = (
        AgencySubmission.objects.filter(period=period, agency__is_active=True)
        .order_by("agency__code")
        .values_list("pk", "agency_id", "agency__code", "agency__name", "agency__kind", "phase")
    )
    return [
        AgencyFigures(
            code=code,
            name=name,
            kind=kind,
            province=province_of(code=code, kind=kind),
            phase=phase,
            public=pk in public,
            summary=summary.get(agency_id, {}),
        )
        for pk, agency_id, code, name, kind, phase in rows
    ]


def day_figures(period: Period, day: dt.date) -> list[AgencyFigures]:
    rows = StatisticsDay.objects.filter(period=period, day=day, agency__is_active=True).values_list(
        "agency__code", "agency__name", "agency__kind", "phase", "list_public", "counts"
    )
    return [
        AgencyFigures(
            code=code,
            name=name,
            kind=kind,
            province=province_of(code=code, kind=kind),
            phase=phase,
            public=public,
            summary=counts,
        )
        for code, name, kind, phase, public, counts in rows
    ]


def _previous_day(period: Period, day: dt.date) -> dict[str, dict[str, Any]]:
    """A day's published counts, built once (a past day's snapshot does not change)."""
    key = f"statistics:{FORMAT}:{period.pk}:day:{day.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = changed_counts(build_tables(day_figures(period, day)))
        cache.set(key, counts, 24 * 3600)
    return counts


def build_statistics(*, period: Period, now: dt.datetime | None = None) -> Statistics:
    """The tables as they stand now, with the change since the latest earlier day's snapshot."""
    now = now or timezone.now()
    figures = live_figures(period)
    tables = build_tables(figures)
    today = timezone.localdate(now)
    baseline = (
        StatisticsDay.objects.filter(period=period, day__lt=today)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    add_changes(tables, _previous_day(period, baseline) if baseline else None)
    stats = Statistics(period.pk, period.name, now, baseline, tables)
    # The tables follow from these (hashing them is cheaper than hashing the tables).
    raw = json.dumps(
        [
            FORMAT,
            period.name,
            str(baseline),
            [(f.code, f.name, f.kind, f.phase, f.public, f.summary) for f in figures],
        ],
        sort_keys=True,
    )
    stats.digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return stats


def _cache_key(period_id: int) -> str:
    return f"statistics:{FORMAT}:{period_id}"


def _due(stats: Statistics, now: dt.datetime) -> bool:
    return (now - stats.taken_at).total_seconds() >= REFRESH_SECONDS


# Per process: the build it last read, by period. The cache says which build is current (its time
# and digest, a few bytes); the tables themselves (a row for each of ~1,200 agencies) are read from
# the database once per build and process, never copied out of the cache for each request: that
# copy cost ~1 ms, and since each request's template context holds it in a reference cycle, the
# copies were freed only by the garbage collector's full passes, one of which then cost its
# request 20-100 ms (the page's p99; docs/performance.md). A build is never changed once read.
_held: dict[int, Statistics] = {}


def _keep(stats: Statistics, now: dt.datetime) -> None:
    """Keep which build is current in the cache until it is due; once due, a few seconds at a
    time, so that each app server looks for the worker's new build soon after it is stored."""
    left = REFRESH_SECONDS - (now - stats.taken_at).total_seconds()
    _held[stats.period_id] = stats
    cache.set(_cache_key(stats.period_id), (stats.taken_at, stats.digest), max(RECHECK_SECONDS, int(left)))


def _stored(period: Period) -> Statistics | None:
    build = StatisticsBuild.objects.filter(period=period, format=FORMAT).first()
    if build is None:
        return None
    return Statistics(period.pk, period.name, build.taken_at, build.baseline_day, build.tables, build.digest)


@transaction.atomic
def statistics_refresh(*, period: Period, now: dt.datetime | None = None, force: bool = False) -> bool:
    """Build the period's tables and store them for every app server, if they are due (or there
    are none yet, or `force`). Run by the task worker (announcements.tasks.refresh_statistics),
    never in a visitor's request. The period's stored row is locked while building, so two workers
    given the same request build once. Returns whether it built."""
    now = now or timezone.now()
    build = StatisticsBuild.objects.select_for_update().filter(period=period).first()
    if (
        build is not None
        and not force
        and build.format == FORMAT
        and (now - build.taken_at).total_seconds() < REFRESH_SECONDS
    ):
        return False
    stats = build_statistics(period=period, now=now)
    StatisticsBuild.objects.update_or_create(
        period=period,
        defaults={
            "format": FORMAT,
            "taken_at": stats.taken_at,
            "baseline_day": stats.baseline_day,
            "digest": stats.digest,
            "tables": stats.tables,
        },
    )
    # The tables as the page reads them back (JSON: the same lists, dicts, numbers and strings).
    transaction.on_commit(lambda: _keep(stats, now))
    return True


def request_statistics_refresh(*, period: Period) -> None:
    """Ask the task worker for new tables, at most once per QUEUED_SECONDS from this cache (the
    task itself builds only if they are still due, so a second request costs a look)."""
    from announcements.tasks import refresh_statistics

    if cache.add(f"{_cache_key(period.pk)}:queued", True, QUEUED_SECONDS):
        refresh_statistics.enqueue(period_id=period.pk)


def current_statistics(*, period: Period) -> Statistics | None:
    """The last built tables of the period (None before the first build). Never builds: once they
    are due (older than REFRESH_SECONDS), or when there are none, the task worker is asked for new
    ones and the page goes on with these until the new ones are stored."""
    now = timezone.now()
    current = cache.get(_cache_key(period.pk))
    stats = _held.get(period.pk)
    if current is None or stats is None or (stats.taken_at, stats.digest) != tuple(current):
        stats = _stored(period)
        if stats is not None:
            _keep(stats, now)
    if stats is None or _due(stats, now):
        request_statistics_refresh(period=period)
        if stats is None:
            # Stored meanwhile (or at once, by a backend that runs tasks as they are queued).
            stats = _stored(period)
    return stats


# --- The daily snapshot ---------------------------------------------------------------------------------


@transaction.atomic
def statistics_snapshot(*, period: Period, now: dt.datetime | None = None) -> int:
    """Record today's figures (Asia/Jakarta) of every agency; again the same day replaces them, so
    running it more than once a day (or again after a failure) leaves one snapshot per day."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    figures = live_figures(period)
    agency_ids = dict(Agency.objects.filter(code__in=[f.code for f in figures]).values_list("code", "pk"))
    rows = [
        StatisticsDay(
            period=period,
            day=day,
            agency_id=agency_ids[f.code],
            phase=f.phase,
            list_public=f.public,
            counts=f.summary,
            taken_at=now,
        )
        for f in figures
    ]
    StatisticsDay.objects.filter(period=period, day=day).exclude(agency_id__in=agency_ids.values()).delete()
    StatisticsDay.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["period", "day", "agency"],
        update_fields=["phase", "list_public", "counts", "taken_at"],
    )
    return len(rows)


# --- Labels and the column dictionary (the downloads' and the page's) ---------------------------------

STAGE_LABELS = {
    "in_progress": _("Being completed (registered, account created, needs revision)"),
    "submitted": _("Submitted, awaiting a decision"),
    "decided": _("Decided (MS or TMS)"),
    "not_completed": _("Not completed"),
}


def row_label(table: str, value: str) -> str:
    """The readable name of a row's key (a phase, a status, a stage ...), in the active language."""
    if value == "total":
        return str(_("Total"))
    if table == "flags" and value == "any":
        return str(_("At least one flag"))
    choices = {
        "phases": AgencySubmission.Phase,
        "statuses": Status,
        "categories": Category,
        "flags": Flag,
        "kinds": Agency.Kind,
    }.get(table)
    if choices is not None:
        return str(choices(value).label)
    if table == "progress":
        return str(STAGE_LABELS[value])
    if table == "provinces":
        return PROVINCES.get(value) or str(_("Central agencies (no province)"))
    return value


COUNT = "count"  # an integer, or "<5" when suppressed; empty where not published
TEXT, SHARE, CHANGE, FLAG_TYPE = "text", "percent", "change", "boolean"

_COUNT_DOCS: dict[str, Any] = {
    "records": _("Active records (every agency; released records not counted)"),
    **{f"stage_{s}": label for s, label in STAGE_LABELS.items()},
    "listed_records": _("Active records of agencies whose list is public"),
    **{f"status_{s}": Status(s).label for s in STATUSES},
    **{f"category_{c}": Category(c).label for c in CATEGORIES},
    **{f"flag_{f}": Flag(f).label for f in FLAGS},
    "flagged": _("Records with at least one eligibility flag"),
}
_SHARE_DOCS = {f"share_{f}": _("Share of listed records with this flag, in percent") for f in FLAGS}
_GROUP_COLUMNS: list[tuple[str, str, Any]] = [
    ("agencies", COUNT, _("Agencies (a count of agencies: never suppressed)")),
    ("listed_agencies", COUNT, _("Agencies whose list is public")),
    *[(c, COUNT, doc) for c, doc in _COUNT_DOCS.items()],
    *[(c, SHARE, doc) for c, doc in _SHARE_DOCS.items()],
]
_CHANGE = (
    "change",
    CHANGE,
    _("Change of the count since the previous day's snapshot (empty: none, or not published both days)"),
)
_LABEL = ("label", TEXT, _("Name of the row, in the language of the download"))

TABLES: dict[str, tuple[Any, list[tuple[str, str, Any]]]] = {
    "phases": (
        _("Agencies per phase"),
        [("phase", TEXT, _("Phase code")), _LABEL, ("agencies", COUNT, _("Agencies")), _CHANGE],
    ),
    "progress": (
        _("Records per stage of the work (every agency)"),
        [("stage", TEXT, _("Stage code")), _LABEL, ("records", COUNT, _("Records")), _CHANGE],
    ),
    "statuses": (
        _("Records per status (agencies whose list is public)"),
        [("status", TEXT, _("Status code")), _LABEL, ("records", COUNT, _("Records")), _CHANGE],
    ),
    "categories": (
        _("Records per category (agencies whose list is public)"),
        [("category", TEXT, _("Category code")), _LABEL, ("records", COUNT, _("Records")), _CHANGE],
    ),
    "flags": (
        _("Records per eligibility flag (agencies whose list is public)"),
        [
            ("flag", TEXT, _("Flag code")),
            _LABEL,
            ("records", COUNT, _("Records")),
            ("share", SHARE, _("Share of listed records, in percent")),
            _CHANGE,
        ],
    ),
    "kinds": (_("Per kind of agency"), [("kind", TEXT, _("Kind code")), _LABEL, *_GROUP_COLUMNS, _CHANGE]),
    "provinces": (
        _("Per province"),
        [
            ("province_code", TEXT, _("Two-digit region code of the province (empty: central agencies)")),
            ("province", TEXT, _("Province")),
            *_GROUP_COLUMNS,
            _CHANGE,
        ],
    ),
    "agencies": (
        _("Per agency"),
        [
            ("code", TEXT, _("Agency code")),
            ("agency", TEXT, _("Agency")),
            ("kind", TEXT, _("Kind code")),
            ("province_code", TEXT, _("Two-digit region code of the province (empty: central agency)")),
            ("province", TEXT, _("Province")),
            ("phase", TEXT, _("Phase code")),
            (
                "list_public",
                FLAG_TYPE,
                _(
                    "Whether the agency's list is public (statuses, categories and flags are published only then)"
                ),
            ),
            *[(c, COUNT, doc) for c, doc in _COUNT_DOCS.items()],
            *[(c, SHARE, doc) for c, doc in _SHARE_DOCS.items()],
            _CHANGE,
        ],
    ),
}

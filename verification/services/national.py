"""The national admin's desk: every agency's phase, counts, SPTJM and deadlines, and the exports.

Counts come from RecordTally (kept by database triggers, see the 0002 migration): summing a few
thousand tally rows instead of grouping 2.36 million records on every page view.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from registry.models import Agency, AgencySubmission, Flag, Period, Status
from registry.services.counts import Counts
from registry.services.exports import spreadsheet_safe
from verification.models import RecordTally, SignedSptjm

Phase = AgencySubmission.Phase
# Compact the tally when it holds this many rows (a few days of changes at national scale).
TALLY_COMPACT_AT = 20_000
# The tally's key for "records with at least one flag" (verification migration 0003).
ANY_FLAG = "*"
LATE_LABELS = {"input": gettext_lazy("Input deadline"), "finalisation": gettext_lazy("Finalisation deadline")}
ACTIVE_STATUSES = [s.value for s in Status if s != Status.RELEASED]


def tally_compact(*, period: Period | None = None) -> int:
    """Fold the tally's change rows into one row per key. Safe beside concurrent writers: only
    the rows this statement saw are deleted and summed; newer ones stay as they are."""
    table = RecordTally._meta.db_table
    where, params = ("WHERE period_id = %s", [period.pk]) if period else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('verification.tally_compact'))")
        if not cursor.fetchone()[0]:
            return 0  # another compaction is running
        cursor.execute(
            f"""
            WITH gone AS (DELETE FROM {table} {where} RETURNING period_id, agency_id, status, flag, n)
            INSERT INTO {table} (period_id, agency_id, status, flag, n)
            SELECT period_id, agency_id, status, flag, sum(n) FROM gone
            GROUP BY period_id, agency_id, status, flag HAVING sum(n) <> 0
            """,  # noqa: S608 - table name from the model
            params,
        )
        return cursor.rowcount


def tally_counts(period: Period) -> dict[int, dict[tuple[str, str], int]]:
    """{agency_id: {(status, flag): n}} for the period; flag '' is the status's own count, flag
    ANY_FLAG ('*') the records with at least one flag."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {RecordTally._meta.db_table} WHERE period_id = %s", [period.pk])  # noqa: S608
        if cursor.fetchone()[0] > TALLY_COMPACT_AT:
            tally_compact(period=period)
    out: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    # Raw SQL: sum(bigint) is numeric in PostgreSQL, and converting 6,000 Decimals costs more than the query.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT agency_id, status, flag, sum(n)::bigint FROM {RecordTally._meta.db_table} "  # noqa: S608
            "WHERE period_id = %s GROUP BY agency_id, status, flag",
            [period.pk],
        )
        for agency_id, status, flag, total in cursor.fetchall():
            if total:
                out[agency_id][(status, flag)] = total
    return out


def tally_agency_counts(agency_id: int, period_id: int) -> Counts:
    """One agency's dashboard counts from the tally (registered as the registry's counts source)."""
    per_status: dict[str, int] = {}
    per_flag: dict[str, int] = defaultdict(int)
    flagged = 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, flag, sum(n)::bigint FROM {RecordTally._meta.db_table} "  # noqa: S608
            "WHERE period_id = %s AND agency_id = %s GROUP BY status, flag",
            [period_id, agency_id],
        )
        for status, flag, total in cursor.fetchall():
            if not total:
                continue
            if flag == "":
                per_status[status] = total
            elif status == Status.RELEASED:
                continue
            elif flag == ANY_FLAG:
                flagged += total
            else:
                per_flag[flag] += total
    return Counts(per_status, dict(per_flag), flagged)


@dataclass
class DeskRow:
    submission: AgencySubmission
    statuses: dict[str, int]
    flags: dict[str, int]
    signed_at: dt.datetime | None
    days: dict[str, int]
    late: list[str] = field(default_factory=list)

    @property
    def agency(self) -> Agency:
        return self.submission.agency

    @property
    def active(self) -> int:
        return sum(self.statuses.get(s, 0) for s in ACTIVE_STATUSES)

    @property
    def flagged(self) -> int:
        return sum(self.flags.values())

    def late_labels(self) -> list[str]:
        return [str(LATE_LABELS[k]) for k in self.late]

    def status_list(self) -> list[int]:
        return [self.statuses.get(s.value, 0) for s in Status]

    def flag_list(self) -> list[int]:
        return [self.flags.get(f.value, 0) for f in Flag]


def late_reasons(submission: AgencySubmission, now: dt.datetime) -> list[str]:
    """Which deadline the agency has passed without doing what it asks."""
    late = []
    if submission.phase == Phase.OPEN and now > submission.deadline("input"):
        late.append("input")
    if submission.phase in (Phase.OPEN, Phase.PREFINALISED) and now > submission.deadline("finalisation"):
        late.append("finalisation")
    return late


def desk_rows(period: Period, *, now: dt.datetime | None = None) -> list[DeskRow]:
    now = now or timezone.now()
    counts = tally_counts(period)
    signed = dict(
        SignedSptjm.objects.filter(submission__period=period, superseded_at__isnull=True).values_list(
            "submission_id", "uploaded_at"
        )
    )
    rows = []
    local_day: dict[dt.datetime, dt.date] = {}  # most agencies share the period's deadlines
    today = timezone.localdate(now)

    def days(moment: dt.datetime) -> int:
        if moment not in local_day:
            local_day[moment] = timezone.localdate(moment)
        return (local_day[moment] - today).days

    for submission in AgencySubmission.objects.filter(period=period).select_related("agency"):
        submission.period = period
        agency_counts = counts.get(submission.agency_id, {})
        statuses = {s: n for (s, f), n in agency_counts.items() if f == ""}
        flags: dict[str, int] = defaultdict(int)
        for (s, f), n in agency_counts.items():
            if f and f != ANY_FLAG and s != Status.RELEASED:
                flags[f] += n
        rows.append(
            DeskRow(
                submission=submission,
                statuses=statuses,
                flags=dict(flags),
                signed_at=signed.get(submission.pk) if submission.phase == Phase.COMPLETED else None,
                days={k: days(submission.deadline(k)) for k in AgencySubmission.DEADLINE_KINDS},
                late=late_reasons(submission, now),
            )
        )
    return rows


PHASE_ORDER = {p: i for i, p in enumerate(Phase.values)}
SORTS: dict[str, Any] = {
    "name": lambda r: r.agency.name.lower(),
    "code": lambda r: r.agency.code,
    "kind": lambda r: (r.agency.kind, r.agency.name.lower()),
    "phase": lambda r: (PHASE_ORDER[r.submission.phase], r.agency.name.lower()),
    "active": lambda r: r.active,
    "flagged": lambda r: r.flagged,
    "submitted": lambda r: r.statuses.get(Status.SUBMITTED, 0),
    "finalisation": lambda r: r.days["finalisation"],
    **{f"status_{s.value}": (lambda r, s=s.value: r.statuses.get(s, 0)) for s in Status},
}


def desk_filter_sort(
    rows: list[DeskRow], *, kind: str = "", phase: str = "", late: bool = False, sort: str = "name"
) -> list[DeskRow]:
    if kind:
        rows = [r for r in rows if r.agency.kind == kind]
    if phase:
        rows = [r for r in rows if r.submission.phase == phase]
    if late:
        rows = [r for r in rows if r.late]
    key = sort.removeprefix("-")
    if key not in SORTS:
        key, sort = "name", "name"
    return sorted(rows, key=SORTS[key], reverse=sort.startswith("-"))


def national_totals(rows: list[DeskRow]) -> tuple[dict[str, int], dict[str, int]]:
    statuses: dict[str, int] = defaultdict(int)
    flags: dict[str, int] = defaultdict(int)
    for row in rows:
        for s, n in row.statuses.items():
            statuses[s] += n
        for f, n in row.flags.items():
            flags[f] += n
    return dict(statuses), dict(flags)


def _export_header() -> list[str]:
    return [
        _("Code"), _("Agency"), _("Kind"), _("Phase"), _("SPTJM uploaded"),
        *[str(s.label) for s in Status], *[str(f.label) for f in Flag],
        _("Days to input deadline"), _("Days to correction deadline"), _("Days to finalisation deadline"),
        _("Deadline passed"),
    ]  # fmt: skip


def _export_cells(row: DeskRow) -> list[Any]:
    return [
        spreadsheet_safe(row.agency.code),
        spreadsheet_safe(row.agency.name),
        str(row.agency.get_kind_display()),
        str(row.submission.get_phase_display()),
        timezone.localtime(row.signed_at).strftime("%d-%m-%Y") if row.signed_at else "",
        *row.status_list(),
        *row.flag_list(),
        row.days["input"],
        row.days["correction"],
        row.days["finalisation"],
        ", ".join(str(LATE_LABELS[k]) for k in row.late),
    ]


def desk_csv(rows: list[DeskRow]) -> Iterator[str]:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(_export_header())
    for row in rows:
        writer.writerow(_export_cells(row))
    yield buffer.getvalue()


def desk_xlsx(rows: list[DeskRow]) -> tempfile.SpooledTemporaryFile:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Agencies"))
    ws.append(_export_header())
    for row in rows:
        ws.append(_export_cells(row))
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out

"""The national admin's desk: every agency's phase, counts, SPTJM and deadlines, and the exports.

Counts come from registry's record tally (registry.services.counts, kept by database triggers):
summing a few thousand tally rows instead of grouping 2.36 million records on every page view.
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

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import Agency, AgencySubmission, Flag, Period, Status
from registry.services.counts import period_counts
from registry.services.exports import spreadsheet_safe
from verification.models import SignedSptjm

Phase = AgencySubmission.Phase
LATE_LABELS = {"input": gettext_lazy("Input deadline"), "finalisation": gettext_lazy("Finalisation deadline")}
ACTIVE_STATUSES = [s.value for s in Status if s != Status.RELEASED]


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
    counts = period_counts(period_id=period.pk)
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
        agency_counts = counts.get(submission.agency_id)
        rows.append(
            DeskRow(
                submission=submission,
                statuses=agency_counts.per_status if agency_counts else {},
                flags=agency_counts.per_flag if agency_counts else {},
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
    from openpyxl import Workbook  # imported here: ~0.2 s that every process start would pay

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Agencies"))
    ws.append(_export_header())
    for row in rows:
        ws.append(_export_cells(row))
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out

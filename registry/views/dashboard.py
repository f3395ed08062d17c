"""The agency portal's dashboard: the agency's counts by status and flag, deadlines, recent imports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.access import agency_staff_required, scoped, user_agency
from registry.labels import FLAG_SHORT
from registry.models import Flag, ImportJob, Status
from registry.services.contacts import contact_for
from registry.services.counts import agency_counts
from registry.services.memos import current_period
from registry.services.phase import submission_for
from registry.timeline import period_timeline

STATUS_COLOURS = {
    Status.REGISTERED: "#6c8ebf",
    Status.ACCOUNT_CREATED: "#3d7cc9",
    Status.SUBMITTED: "#f0ad4e",
    Status.ELIGIBLE: "#2e9e5b",
    Status.INELIGIBLE: "#c9302c",
    Status.NEEDS_REVISION: "#e67e22",
    Status.NOT_COMPLETED: "#7f8c8d",
    Status.RELEASED: "#b0b7c0",
}


def _bars(items: list[tuple[str, str, int, str]]) -> list[dict]:
    top = max((n for _v, _l, n, _c in items), default=0) or 1
    return [
        {"value": v, "label": label, "count": n, "colour": c, "width": round(n * 100 / top, 1)}
        for v, label, n, c in items
    ]


@agency_staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    agency = user_agency(request.user)
    period = current_period()
    context: dict = {"agency": agency, "period": period}
    if period is None:
        return render(request, "registry/dashboard.html", context)
    tally = agency_counts(agency_id=agency.pk, period_id=period.pk)
    counts, flag_counts = tally.per_status, tally.per_flag
    active_total = sum(n for s, n in counts.items() if s != Status.RELEASED)
    done = sum(counts.get(s, 0) for s in (Status.SUBMITTED, Status.ELIGIBLE, Status.INELIGIBLE))
    decided = sum(counts.get(s, 0) for s in (Status.ELIGIBLE, Status.INELIGIBLE))
    now = timezone.now()
    submission = submission_for(agency=agency, period=period)
    # The agency's own input deadline: the national admin's extension when it has one.
    deadline = submission.deadline("input") if submission else period.input_deadline
    span = (deadline - period.created_at).total_seconds() or 1
    elapsed = min(100, max(0, round((now - period.created_at).total_seconds() * 100 / span)))
    context.update(
        submission=submission,
        input_deadline=deadline,
        status_bars=_bars([(s.value, s.label, counts.get(s.value, 0), STATUS_COLOURS[s]) for s in Status]),
        flag_bars=_bars([(f.value, FLAG_SHORT[f], flag_counts.get(f.value, 0), "#c9302c") for f in Flag]),
        status_chart_h=len(Status) * 36 + 4,
        flag_chart_h=len(Flag) * 36 + 4,
        flagged_total=tally.flagged,
        active_total=active_total,
        done_percent=round(done * 100 / active_total) if active_total else 0,
        decided_percent=round(decided * 100 / active_total) if active_total else 0,
        days_left=(deadline - now).days,
        time_percent=elapsed,
        recent_imports=scoped(request.user, ImportJob.objects.all())[:5],
        timeline=period_timeline(submission=submission, now=now) if submission else None,
        contact=contact_for(agency=agency),
    )
    return render(request, "registry/dashboard.html", context)

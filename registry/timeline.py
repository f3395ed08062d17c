"""Where an agency (and so each of its workers) stands in the period: one builder for the worker's
home page and the agency dashboard.

It reads the agency's window from the one place it lives: `submission.deadline(kind)` and
`submission.public_test_dates()` (registry/models/agencies.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import AgencySubmission

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"


@dataclass(frozen=True)
class Milestone:
    key: str  # "input", "public_test", "finalisation"
    label: str
    start: dt.datetime | None
    end: dt.datetime | None
    state: str  # DONE, CURRENT or UPCOMING
    note: str = ""


@dataclass(frozen=True)
class Timeline:
    today: dt.datetime
    milestones: list[Milestone] = field(default_factory=list)
    next_step: str = ""  # for the agency's staff

    @property
    def today_index(self) -> int:
        """Where "today" sits: before the first milestone not yet done (after the last otherwise)."""
        for index, milestone in enumerate(self.milestones):
            if milestone.state != DONE:
                return index
        return len(self.milestones)

    @property
    def public_test_open(self) -> bool:
        return any(m.key == "public_test" and m.state == CURRENT for m in self.milestones)


def _state(now: dt.datetime, start: dt.datetime | None, end: dt.datetime | None) -> str:
    if end is not None and now > end:
        return DONE
    if start is not None and now < start:
        return UPCOMING
    return CURRENT if start is not None or end is not None else UPCOMING


def period_timeline(*, submission: AgencySubmission, now: dt.datetime | None = None) -> Timeline:
    """The agency's period: input until its input deadline, the public test (from prefinalisation
    for the period's public-test days), finalisation by its finalisation deadline; each milestone
    done, current or upcoming today, and the agency's next step."""
    now = now or timezone.now()
    phase = submission.phase
    Phase = AgencySubmission.Phase
    input_deadline = submission.deadline("input")
    final_deadline = submission.deadline("finalisation")
    window = submission.public_test_dates()

    input_state = CURRENT if phase == Phase.OPEN and now <= input_deadline else DONE
    if phase == Phase.OPEN:
        test = Milestone(
            "public_test",
            _("Public test"),
            None,
            None,
            UPCOMING,
            _("Starts when the agency prefinalises, for %(days)d days.")
            % {"days": submission.period.public_test_days},
        )
    else:
        start, end = window if window else (None, None)
        state = DONE if phase in (Phase.FINALISED, Phase.COMPLETED) else _state(now, start, end)
        test = Milestone("public_test", _("Public test"), start, end, state, _("Complaints can be filed."))
    final_state = DONE if phase in (Phase.FINALISED, Phase.COMPLETED) else UPCOMING
    if final_state == UPCOMING and phase == Phase.PREFINALISED and test.state == DONE:
        final_state = CURRENT
    milestones = [
        Milestone("input", _("Data input"), None, input_deadline, input_state, _("Register, complete and verify data.")),
        test,
        Milestone("finalisation", _("Finalisation"), None, final_deadline, final_state, _("Decisions are locked; the final list follows the signed SPTJM.")),
    ]  # fmt: skip
    return Timeline(
        today=now, milestones=milestones, next_step=_next_step(submission, now, input_deadline, test)
    )


def _next_step(
    submission: AgencySubmission, now: dt.datetime, input_deadline: dt.datetime, test: Milestone
) -> str:
    Phase = AgencySubmission.Phase
    local = timezone.localtime
    if submission.phase == Phase.OPEN:
        if now <= input_deadline:
            return _("Register your workers, verify the data they submit, then prefinalise by %(date)s.") % {
                "date": local(input_deadline).strftime("%d-%m-%Y %H:%M")
            }
        return _(
            "The input deadline has passed: prefinalise now, or ask the national admin for an extension."
        )
    if submission.phase == Phase.PREFINALISED:
        if test.state == CURRENT:
            return _("Public test until %(date)s: answer every complaint.") % {
                "date": local(test.end).strftime("%d-%m-%Y %H:%M")
            }
        return _("Answer any open complaint, then finalise by %(date)s.") % {
            "date": local(submission.deadline("finalisation")).strftime("%d-%m-%Y %H:%M")
        }
    if submission.phase == Phase.FINALISED:
        return _("Generate the SPTJM, have the agency head sign it and upload the signed scan.")
    return _("Done: the signed SPTJM is in and the final list is published.")

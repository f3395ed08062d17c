"""When the public may file complaints and reports about an agency: the public test window (the
registry's rule, `AgencySubmission.public_test_window`), the refusal outside it, and the locked check
every filing makes.

Not here: the finalisation blocker that waits for the window's end (`announcements/services/window.py`),
the filing limits (`limits.py`) and the filing itself (`filing.py`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import (
    Agency,
    AgencySubmission,
    Period,
    PublicTestWindow,
)

# The window is the registry's rule (AgencySubmission.public_test_window): one answer for every page.
Window = PublicTestWindow
CLOSED = PublicTestWindow(None, None, False, False)


def complaint_window(submission: AgencySubmission | None, now: dt.datetime | None = None) -> Window:
    """When the public may file complaints and reports for this agency (None: not in the period)."""
    return submission.public_test_window(now) if submission is not None else CLOSED


def public_submission(agency: Agency) -> AgencySubmission | None:
    """The agency's submission in the active period (the one the public sees), or None."""
    period = Period.objects.active()
    if period is None:
        return None
    return (
        AgencySubmission.objects.select_related("period", "agency")
        .filter(agency=agency, period=period)
        .first()
    )


def format_moment(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else ""


def window_closed_message(window: Window) -> str:
    if window.opens is None:
        return _(
            "This agency's public test has not started: complaints can be filed once its list is published."
        )
    return _(
        "Complaints for this agency could be filed from %(opens)s to %(closes)s (WIB); that window is closed."
    ) % {"opens": format_moment(window.opens), "closes": format_moment(window.closes)}


class ComplaintsClosed(ValidationError):
    def __init__(self, window: Window):
        self.window = window
        super().__init__(window_closed_message(window), code="closed")


def _lock_submission(*, agency_id: int, period_id: int) -> AgencySubmission:
    """The submission row FOR SHARE: a phase change (an UPDATE of that row) waits for filings in
    flight, so finalisation's blocker check sees every complaint filed before it (the one share lock
    of the registry, `AgencySubmission.objects.held_for_share`)."""
    locked = AgencySubmission.objects.held_for_share(agency_id=agency_id, period_id=period_id)
    if locked is None:
        raise ComplaintsClosed(CLOSED)
    return locked


def require_open(agency: Agency) -> AgencySubmission:
    submission = public_submission(agency)
    if submission is None:
        raise ComplaintsClosed(CLOSED)
    locked = _lock_submission(agency_id=agency.pk, period_id=submission.period_id)
    locked.period = submission.period
    window = complaint_window(locked)
    if not window.is_open:
        raise ComplaintsClosed(window)
    return locked

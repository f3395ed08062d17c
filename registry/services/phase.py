"""The one "is this agency open" guard, and how an agency joins a period.

Every write to an agency's records takes a share lock on the agency's AgencySubmission row
through `lock_open_submission` and keeps it until its transaction ends. A phase change
(verification's prefinalisation) takes the row's exclusive lock: it waits for the writes in
flight, and writes that come after it wait for it and then see the new phase. So no write can
commit after the agency left the open phase.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Agency, AgencySubmission, AuditAction, AuditEvent, Period


def submission_for(*, agency: Agency, period: Period) -> AgencySubmission | None:
    """The agency's row for the period, or None when the agency is not part of it (never created here):
    `AgencySubmission.objects.of`, read on most portal pages."""
    return AgencySubmission.objects.of(agency=agency, period=period)


def agency_is_open(*, agency: Agency, period: Period) -> bool:
    """For display only (no lock): may the agency's records still be added and changed?"""
    submission = submission_for(agency=agency, period=period)
    return submission is not None and submission.is_open


def not_in_period_message(period: Period | None = None) -> str:
    return _(
        "Your agency is not part of the data collection %(period)s. Ask the national admin (BKN) to add it."
    ) % {"period": period.name if period else ""}


@dataclass(frozen=True)
class Permission:
    """The answer to "may this user do this now, and if not, why": the page asks it to offer (or
    disable, with the reason) a button, the service asks the same to refuse the POST."""

    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Permission(True)
# The codes of the agency's own refusals (the ValidationError `lock_open_submission` raises): a page
# that meets one shows the reason once, where the action was offered, not next to a field.
CLOSED_CODES = frozenset({"not_in_period", "closed", "deadline"})


def agency_write_permission(
    submission: AgencySubmission | None,
    *,
    period: Period | None = None,
    for_input: bool = True,
    now: dt.datetime | None = None,
) -> Permission:
    """May the agency's records be added and changed now? The one rule (phase, then input deadline)."""
    if submission is None:
        return Permission(False, not_in_period_message(period), "not_in_period")
    if not submission.is_open:
        return Permission(
            False,
            _("The agency's data collection is no longer open; records cannot be added or changed."),
            "closed",
        )
    if for_input and not submission.before_deadline("input", now):
        deadline = timezone.localtime(submission.deadline("input")).strftime("%d-%m-%Y %H:%M")
        return Permission(
            False,
            _("The input deadline (%(deadline)s) has passed; records can no longer be added or changed.")
            % {"deadline": deadline},
            "deadline",
        )
    return ALLOWED


def record_edit_permission(
    record: Any,
    submission: AgencySubmission | None,
    *,
    editable_statuses: frozenset[str],
    now: dt.datetime | None = None,
) -> Permission:
    """May the agency edit this record now? The agency's rule, then the record's status."""
    permission = agency_write_permission(submission, period=getattr(submission, "period", None), now=now)
    if not permission:
        return permission
    if record.status not in editable_statuses:
        return Permission(
            False,
            _("A record with status %(status)s can no longer be edited.")
            % {"status": record.get_status_display()},
            "status",
        )
    return ALLOWED


def record_release_permission(record: Any, submission: AgencySubmission | None) -> Permission:
    """May the agency release this record now? While the agency is open (the input deadline does not
    matter: releasing adds no data), and only a record its status lets go (before a decision)."""
    permission = agency_write_permission(
        submission, period=getattr(submission, "period", None), for_input=False
    )
    if not permission:
        return permission
    if not record.can_transition_to("released"):
        return Permission(
            False,
            _("A record with status %(status)s cannot be released.")
            % {"status": record.get_status_display()},
            "status",
        )
    return ALLOWED


def lock_open_submission(*, agency_id: int, period_id: int, for_input: bool = True) -> AgencySubmission:
    """Read the agency's submission row under a share lock (SELECT … FOR SHARE) and check it is open.

    for_input=True also checks the period's input deadline (adding and changing data); False is for
    moves that only need the open phase (e.g. releasing a record). Raises one translated
    ValidationError otherwise. Call it inside the transaction that writes: the lock lasts until it ends.
    """
    submission = AgencySubmission.objects.held_for_share(agency_id=agency_id, period_id=period_id)
    if submission is None:
        raise ValidationError(
            not_in_period_message(Period.objects.filter(pk=period_id).first()), code="not_in_period"
        )
    permission = agency_write_permission(submission, for_input=for_input)
    if not permission:
        raise ValidationError(permission.reason, code=permission.code)
    return submission


@transaction.atomic
def submission_open(*, agency: Agency, period: Period, actor: Any) -> AgencySubmission:
    """Add an agency to a period (its row starts open). Adding it again changes nothing."""
    submission, created = AgencySubmission.objects.get_or_create(agency=agency, period=period)
    if created:
        AuditEvent.log(
            actor=actor, action=AuditAction.SUBMISSION_OPEN, obj=agency, after={"period": period.pk}
        )
    return submission

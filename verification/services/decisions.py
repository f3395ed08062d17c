"""Deciding submitted records: MS, TMS (with a reason), return for revision, reopen, change, bulk MS.

Every decision path goes through `_locked_for_decision`: it takes the agency's submission row
FOR SHARE (a phase change, which updates that row, waits for running decisions and they wait for
it), locks the record FOR UPDATE, refuses when the record is no longer what the operator saw
(status and updated_at carried by the form: no silent overwrite), and asks the one rule
`decisions_closed_reason` whether decisions may change now. The status move itself goes through
registry's transition service, which checks the transition table and writes the audit row (the
worker's e-mail hangs on that).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import (
    DECIDED,
    Agency,
    AgencySubmission,
    InvalidTransition,
    Status,
    WorkerRecord,
)
from registry.services.phase import ALLOWED, Permission, agency_write_permission
from registry.services.transitions import record_transition

MAX_REASON_LENGTH = 1000
BULK_MAX = 100


class Outcome(models.TextChoices):
    ELIGIBLE = "ms", gettext_lazy("Meets the requirements (MS)")
    INELIGIBLE = "tms", gettext_lazy("Does not meet the requirements (TMS)")
    RETURN = "return", gettext_lazy("Return for revision")

    @property
    def status(self) -> str:
        return {
            Outcome.ELIGIBLE: Status.ELIGIBLE,
            Outcome.INELIGIBLE: Status.INELIGIBLE,
            Outcome.RETURN: Status.NEEDS_REVISION,
        }[self]


class TmsReason(models.TextChoices):
    """The period's list of reasons a record does not meet the requirements."""

    AGE = "age", gettext_lazy("Age outside the allowed range")
    SERVICE = "service", gettext_lazy("Service shorter than the minimum")
    EXCLUDED_POSITION = "excluded_position", gettext_lazy("Position excluded from the data collection")
    PAY_SOURCE = "pay_source", gettext_lazy("Pay not from APBN/APBD")
    DOCUMENT_INVALID = "document_invalid", gettext_lazy("Documents invalid")
    FAKE = "fake", gettext_lazy("Fake or not actually working")
    OTHER = "other", gettext_lazy("Other")


class RecordChanged(ValidationError):
    """The record is not in the state the operator saw: someone else changed it meanwhile."""

    def __init__(self, record: WorkerRecord):
        self.record = record
        super().__init__(
            _(
                "This record was changed by another user while you were looking at it (its status is now "
                "%(status)s). Nothing was saved: review it again before deciding."
            )
            % {"status": record.get_status_display()},
            code="record_changed",
        )


# --- The one rule: may decisions change now? ------------------------------------------------


def decisions_closed_reason(submission: AgencySubmission, now: dt.datetime | None = None) -> str | None:
    """None while decisions may change; otherwise why not (a sentence for the operator).

    Open agency: yes. Prefinalised (public test, complaints): yes until the period's correction
    deadline. Finalised or completed: never.
    """
    now = now or timezone.now()
    phase = submission.phase
    if phase == AgencySubmission.Phase.OPEN:
        return None
    if phase == AgencySubmission.Phase.PREFINALISED:
        deadline = submission.deadline("correction")  # the national admin's extension counts
        if now <= deadline:
            return None
        return _("The correction deadline (%(deadline)s) has passed; decisions can no longer be changed.") % {
            "deadline": timezone.localtime(deadline).strftime("%d-%m-%Y %H:%M")
        }
    return _("The agency's data collection is finalised; decisions can no longer be changed.")


def revision_permission(submission: AgencySubmission | None, now: dt.datetime | None = None) -> Permission:
    """May a record be returned to its worker for revision now? Only while the worker can still
    correct and send it: the agency's own write rule (open phase, before the input deadline)."""
    write = agency_write_permission(submission, period=getattr(submission, "period", None), now=now)
    if write:
        return ALLOWED
    if write.code == "deadline":
        return Permission(
            False,
            _(
                "The input deadline has passed: the worker can no longer correct the data, so the record "
                "cannot be returned for revision. Decide MS or TMS."
            ),
            write.code,
        )
    return Permission(
        False,
        _("A record can be returned for revision only while the agency is open: workers can no longer edit."),
        write.code,
    )


def decisions_allowed(submission: AgencySubmission, now: dt.datetime | None = None) -> bool:
    return decisions_closed_reason(submission, now) is None


def require_decisions_allowed(submission: AgencySubmission, now: dt.datetime | None = None) -> None:
    reason = decisions_closed_reason(submission, now)
    if reason is not None:
        raise ValidationError(reason, code="decisions_closed")


# --- Helpers ----------------------------------------------------------------------------------


def decision_text(outcome: Outcome, *, tms_reason: str = "", reason: str = "", required: bool = False) -> str:
    """The reason stored with the decision (and mailed to the worker); validates what is required.

    TMS needs a reason from the list ("other" needs the text too); a return needs the note the
    worker reads; `required` (changing a decision) needs the text whatever the outcome.
    """
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if len(reason) > MAX_REASON_LENGTH:
        errors["reason"] = [_("Write at most %(n)s characters.") % {"n": MAX_REASON_LENGTH}]
    text = reason
    if outcome == Outcome.INELIGIBLE:
        if tms_reason not in TmsReason.values:
            errors["tms_reason"] = [_("Choose why the record does not meet the requirements.")]
        elif tms_reason == TmsReason.OTHER and not reason:
            errors["reason"] = [_("Describe the reason when you choose “Other”.")]
        else:
            # Stored in the site's language: the worker reads it, whatever the operator's choice.
            with translation.override(settings.LANGUAGE_CODE):
                label = str(TmsReason(tms_reason).label)
            text = f"{label}: {reason}" if reason else label
    elif outcome == Outcome.RETURN and not reason:
        errors["reason"] = [_("Write the note the worker will read: what to correct.")]
    if required and not reason and "reason" not in errors:
        errors["reason"] = [_("Say why the decision is changed.")]
    if errors:
        raise ValidationError(errors)
    return text


def _lock_submission(*, agency_id: int, period_id: int) -> AgencySubmission:
    """The agency's submission row FOR SHARE (the registry's one share lock,
    `AgencySubmission.objects.held_for_share`). A record's agency is always part of its period."""
    submission = AgencySubmission.objects.held_for_share(agency_id=agency_id, period_id=period_id)
    if submission is None:
        raise AgencySubmission.DoesNotExist
    return submission


def _locked_for_decision(
    record_id: int, *, now: dt.datetime | None = None
) -> tuple[WorkerRecord, AgencySubmission]:
    keys = WorkerRecord.objects.filter(pk=record_id).values("agency_id", "period_id").first()
    if keys is None:
        raise WorkerRecord.DoesNotExist
    submission = _lock_submission(**keys)
    record = (
        WorkerRecord.objects.select_for_update(of=("self",))
        .select_related("period", "agency")
        .get(pk=record_id)
    )
    submission.period = record.period
    require_decisions_allowed(submission, now)
    return record, submission


def _already_recorded(record: WorkerRecord, *, target: str, text: str, actor: Any) -> bool:
    """The same decision by the same person is already stored: a double submit, record it once."""
    stored = record.revision_note if target == Status.NEEDS_REVISION else record.decision_reason
    return record.status == target and record.decided_by_id == getattr(actor, "pk", None) and stored == text


def _check_unchanged(
    record: WorkerRecord, *, expected_status: str, expected_updated_at: dt.datetime | None
) -> None:
    if record.status != expected_status or (
        expected_updated_at is not None and record.updated_at != expected_updated_at
    ):
        raise RecordChanged(record)


def _move(record: WorkerRecord, target: str, *, actor: Any, reason: str, ip: str | None) -> WorkerRecord:
    try:
        return record_transition(record_id=record.pk, to=target, actor=actor, reason=reason, ip=ip)
    except InvalidTransition:
        raise ValidationError(
            _("A record with status %(status)s cannot be moved to %(target)s.")
            % {"status": record.get_status_display(), "target": Status(target).label}
        ) from None


# --- The decisions --------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    record_id: int,
    outcome: Outcome | str,
    reason: str = "",
    tms_reason: str = "",
    expected_status: str,
    expected_updated_at: dt.datetime | None = None,
    actor: Any,
    ip: str | None = None,
) -> WorkerRecord:
    """Decide a submitted record: MS, TMS (reason from the list) or return for revision (note)."""
    outcome = Outcome(outcome)
    text = decision_text(outcome, tms_reason=tms_reason, reason=reason)
    record, submission = _locked_for_decision(record_id)
    if expected_status == Status.SUBMITTED and _already_recorded(
        record, target=outcome.status, text=text, actor=actor
    ):
        return record
    _check_unchanged(record, expected_status=expected_status, expected_updated_at=expected_updated_at)
    if record.status != Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted record can be decided; this one is %(status)s.")
            % {"status": record.get_status_display()}
        )
    if outcome == Outcome.RETURN:
        permission = revision_permission(submission)  # the rule the page's choice reads
        if not permission:
            raise ValidationError(permission.reason, code=permission.code)
    return _move(record, outcome.status, actor=actor, reason=text, ip=ip)


@transaction.atomic
def decision_reopen(
    *,
    record_id: int,
    reason: str,
    expected_status: str,
    expected_updated_at: dt.datetime | None = None,
    actor: Any,
    ip: str | None = None,
) -> WorkerRecord:
    """Take back a decision (MS/TMS → submitted, back in the queue), with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the decision is reopened.")]})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError({"reason": [_("Write at most %(n)s characters.") % {"n": MAX_REASON_LENGTH}]})
    record, _submission = _locked_for_decision(record_id)
    _check_unchanged(record, expected_status=expected_status, expected_updated_at=expected_updated_at)
    if record.status not in DECIDED:
        raise ValidationError(
            _("Only a decided record (MS or TMS) can be reopened; this one is %(status)s.")
            % {"status": record.get_status_display()}
        )
    return _move(record, Status.SUBMITTED, actor=actor, reason=reason, ip=ip)


@transaction.atomic
def decision_change(
    *,
    record_id: int,
    outcome: Outcome | str,
    reason: str,
    tms_reason: str = "",
    expected_status: str,
    expected_updated_at: dt.datetime | None = None,
    actor: Any,
    ip: str | None = None,
) -> WorkerRecord:
    """Change a decision (e.g. MS → TMS after a complaint proved a fake worker), with a reason.

    The transition table has no direct MS ↔ TMS move: the record is reopened and decided again in
    this one transaction, so both steps are audited and nobody sees it in between.
    """
    outcome = Outcome(outcome)
    if outcome == Outcome.RETURN:
        raise ValidationError({"outcome": [_("A decision can be changed to MS or TMS only.")]})
    text = decision_text(outcome, tms_reason=tms_reason, reason=reason, required=True)
    record, _submission = _locked_for_decision(record_id)
    if expected_status in DECIDED and _already_recorded(
        record, target=outcome.status, text=text, actor=actor
    ):
        return record
    _check_unchanged(record, expected_status=expected_status, expected_updated_at=expected_updated_at)
    if record.status == outcome.status and (outcome == Outcome.ELIGIBLE or record.decision_reason == text):
        # The decision it already has: nothing changes, so no reopening, no audit row, no e-mail.
        return record
    if record.status not in DECIDED:
        raise ValidationError(
            _("Only a decided record (MS or TMS) can have its decision changed; this one is %(status)s.")
            % {"status": record.get_status_display()}
        )
    record = _move(record, Status.SUBMITTED, actor=actor, reason=reason.strip(), ip=ip)
    return _move(record, outcome.status, actor=actor, reason=text, ip=ip)


@dataclass
class BulkResult:
    decided: list[WorkerRecord] = field(default_factory=list)
    flagged: list[WorkerRecord] = field(default_factory=list)  # refused: flags need a look one by one
    skipped: list[WorkerRecord] = field(default_factory=list)  # no longer submitted


@transaction.atomic
def decision_bulk_eligible(
    *, agency: Agency, record_ids: Iterable[int], actor: Any, ip: str | None = None
) -> BulkResult:
    """MS for a selection of the agency's submitted records without flags; flagged ones are refused."""
    ids = sorted({int(pk) for pk in record_ids})
    if not ids:
        raise ValidationError(_("Select at least one record."))
    if len(ids) > BULK_MAX:
        raise ValidationError(_("Select at most %(n)s records at a time.") % {"n": BULK_MAX})
    scope = WorkerRecord.objects.filter(agency=agency, pk__in=ids)
    for period_id in sorted(set(scope.values_list("period_id", flat=True))):
        submission = _lock_submission(agency_id=agency.pk, period_id=period_id)
        require_decisions_allowed(submission)
    result = BulkResult()
    # Rows locked in id order: two bulk decisions over overlapping selections cannot deadlock.
    for record in scope.select_for_update(of=("self",)).order_by("pk"):
        if record.flags:
            result.flagged.append(record)
        elif record.status != Status.SUBMITTED:
            result.skipped.append(record)
        else:
            result.decided.append(_move(record, Status.ELIGIBLE, actor=actor, reason="", ip=ip))
    return result

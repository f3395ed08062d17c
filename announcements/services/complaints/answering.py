"""The agency answers complaints: accept (with the action taken, optionally changing the record's
decision through verification's decision services) or reject (with the reason); and the
finalisation blocker that holds an agency with unanswered complaints.

Answering locks the complaint, audits, and e-mails the complainant after the commit (`notices.py`).
The decision rules themselves are verification's; filing is `filing.py`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from announcements.models import Complaint, ComplaintAuditAction
from announcements.services.complaints.notices import complaint_answered_notify
from announcements.services.complaints.window import format_moment
from registry.models import (
    DECIDED,
    AgencySubmission,
    AuditEvent,
    Status,
    WorkerRecord,
)
from verification.services.decisions import Outcome, decision_change, decision_record

MAX_ANSWER_LENGTH = 900  # it becomes the decision reason too (verification allows 1000 characters)


@transaction.atomic
def complaint_answer(
    *,
    complaint_id: int,
    accepted: bool,
    answer: str,
    change_to: str = "",
    tms_reason: str = "",
    actor: Any,
    ip: str | None = None,
) -> Complaint:
    """Accept (with the action taken) or reject (with the reason) an open complaint.

    change_to ("ms"/"tms") also changes the listed record's decision through verification's
    decision service, with the answer as the reason; that service refuses after the correction
    deadline or finalisation, and then nothing here is saved either.
    """
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(
            {"answer": [_("Describe the action taken.") if accepted else _("Give the reason for rejecting.")]}
        )
    if len(answer) > MAX_ANSWER_LENGTH:
        raise ValidationError({"answer": [_("Write at most %(n)s characters.") % {"n": MAX_ANSWER_LENGTH}]})
    complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
    if not complaint.is_open:
        raise ValidationError(
            _("This complaint was already answered (%(status)s) on %(when)s.")
            % {"status": complaint.get_status_display(), "when": format_moment(complaint.answered_at)},
            code="answered",
        )
    if change_to:
        if not accepted:
            raise ValidationError(
                {"change_to": [_("A decision is changed only when the complaint is accepted.")]}
            )
        _change_decision(
            complaint, change_to=change_to, tms_reason=tms_reason, answer=answer, actor=actor, ip=ip
        )
    complaint.status = Complaint.Status.ACCEPTED if accepted else Complaint.Status.REJECTED
    complaint.answer = answer
    complaint.answered_by = actor if getattr(actor, "pk", None) else None
    complaint.answered_at = timezone.now()
    complaint.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    AuditEvent.log(
        actor=actor,
        action=ComplaintAuditAction.COMPLAINT_ACCEPTED
        if accepted
        else ComplaintAuditAction.COMPLAINT_REJECTED,
        obj=complaint,
        before={"status": Complaint.Status.OPEN},
        after={"status": complaint.status, "ticket": complaint.ticket, "decision": change_to},
        reason=answer,
        ip=ip,
    )
    transaction.on_commit(lambda: complaint_answered_notify(complaint_id=complaint_id))
    return complaint


def _change_decision(
    complaint: Complaint, *, change_to: str, tms_reason: str, answer: str, actor: Any, ip: str | None
) -> WorkerRecord:
    if change_to not in (Outcome.ELIGIBLE, Outcome.INELIGIBLE):
        raise ValidationError({"change_to": [_("Choose MS or TMS.")]})
    if complaint.record_id is None:
        raise ValidationError(
            {"change_to": [_("This complaint concerns no listed record: no decision to change.")]}
        )
    record = WorkerRecord.objects.get(pk=complaint.record_id)
    outcome = Outcome(change_to)
    with translation.override(settings.LANGUAGE_CODE):  # stored for the worker, in the site's language
        reason = f"{answer} ({_('complaint')} {complaint.ticket})"
    if record.status == outcome.status:
        raise ValidationError(
            {
                "change_to": [
                    _("The record's decision is already %(status)s.")
                    % {"status": record.get_status_display()}
                ]
            }
        )
    # A decided record's decision is changed; a sent one is decided for the first time.
    if record.status in DECIDED:
        decide = decision_change
    elif record.status == Status.SUBMITTED:
        decide = decision_record
    else:
        raise ValidationError(
            {
                "change_to": [
                    _("A record with status %(status)s has no decision to change.")
                    % {"status": record.get_status_display()}
                ]
            }
        )
    try:
        return decide(
            record_id=record.pk,
            outcome=outcome,
            reason=reason,
            tms_reason=tms_reason,
            expected_status=record.status,
            actor=actor,
            ip=ip,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            # The decision service names its fields "reason" and "outcome": here they are the answer and the choice.
            renamed = {"reason": "answer", "outcome": "change_to"}
            raise ValidationError(
                {renamed.get(field, field): errors for field, errors in exc.error_dict.items()}
            ) from None
        raise


BLOCKER_LISTED = 20


def open_complaints_blocker(submission: AgencySubmission) -> list[tuple[str, str]]:
    """Registered with verification: finalisation is refused while the agency has open complaints."""
    qs = Complaint.objects.open().filter(agency_id=submission.agency_id, period_id=submission.period_id)
    complaints = list(qs.order_by("created_at", "id")[: BLOCKER_LISTED + 1])
    objections = [
        (
            _("Complaint %(ticket)s (%(kind)s: %(name)s) is not answered yet.")
            % {"ticket": c.ticket, "kind": c.get_kind_display(), "name": c.subject_name},
            reverse("portal-complaints:detail", args=[c.pk]),
        )
        for c in complaints[:BLOCKER_LISTED]
    ]
    if len(complaints) > BLOCKER_LISTED:
        more = qs.count() - BLOCKER_LISTED
        objections.append(
            (
                _("… and %(n)s more open complaints.") % {"n": more},
                reverse("portal-complaints:list") + "?status=open",
            )
        )
    return objections

"""Complaints (aduan) and "not listed" reports: filing, following, answering, the finalisation blocker.

The public files during the agency's public test only (`complaint_window`, the one rule both the
forms and the services ask). Filing is limited per client address and per (NIK, address), counted
by registry.limits in the filing's transaction, so simultaneous filings cannot slip under a limit,
and a refusal says when to try again (nothing sleeps).
Answering locks the complaint, changes the record's decision through verification's decision
services when that is the action taken, audits, and e-mails the complainant after the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from announcements.models import Complaint, ComplaintAuditAction
from nonasn.client_ip import limit_address
from registry.documents import check_upload
from registry.limits import Limit, LimitReached, limits_take
from registry.models import (
    DECIDED,
    Agency,
    AgencySubmission,
    AuditEvent,
    Period,
    PublicTestWindow,
    Status,
    WorkerRecord,
)
from registry.validators import mask_nik
from verification.services.decisions import Outcome, decision_change, decision_record

logger = logging.getLogger(__name__)

# The filing limits are settings (COMPLAINT_*), counted over filings of both kinds.
MAX_ANSWER_LENGTH = 900  # it becomes the decision reason too (verification allows 1000 characters)
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from a phone


# --- The public test window ------------------------------------------------------------------


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


def _format(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M") if moment else ""


def window_closed_message(window: Window) -> str:
    if window.opens is None:
        return _(
            "This agency's public test has not started: complaints can be filed once its list is published."
        )
    return _(
        "Complaints for this agency could be filed from %(opens)s to %(closes)s (WIB); that window is closed."
    ) % {"opens": _format(window.opens), "closes": _format(window.closes)}


class ComplaintsClosed(ValidationError):
    def __init__(self, window: Window):
        self.window = window
        super().__init__(window_closed_message(window), code="closed")


def _lock_submission(*, agency_id: int, period_id: int) -> AgencySubmission:
    """The submission row FOR SHARE: a phase change (an UPDATE of that row) waits for filings in
    flight, so finalisation's blocker check sees every complaint filed before it."""
    table = AgencySubmission._meta.db_table
    rows = list(
        AgencySubmission.objects.raw(
            f"SELECT * FROM {table} WHERE agency_id = %s AND period_id = %s FOR SHARE",  # noqa: S608
            [agency_id, period_id],
        )
    )
    if not rows:
        raise ComplaintsClosed(CLOSED)
    return rows[0]


def _require_open(agency: Agency) -> AgencySubmission:
    submission = public_submission(agency)
    if submission is None:
        raise ComplaintsClosed(CLOSED)
    locked = _lock_submission(agency_id=agency.pk, period_id=submission.period_id)
    locked.period = submission.period
    window = complaint_window(locked)
    if not window.is_open:
        raise ComplaintsClosed(window)
    return locked


# --- Who and what ----------------------------------------------------------------------------


def nik_digest(nik: str) -> str:
    """A keyed hash: the complaints table never holds a complainant's NIK (nor a way to list them)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"complaint:" + nik.strip().encode(), hashlib.sha256).hexdigest()


def listed_record(agency: Agency, period: Period, reference: str | None) -> WorkerRecord | None:
    """The listed person a complaint is about, from the list page's link: record id or registration number."""
    reference = (reference or "").strip()
    if not reference:
        return None
    records = WorkerRecord.objects.filter(agency=agency, period=period).exclude(status=Status.RELEASED)
    if reference.isdigit() and len(reference) < 16:
        found = records.filter(pk=int(reference)).first()
        if found is not None:
            return found
    return records.filter(registration_number=reference).first()


@dataclass(frozen=True)
class Complainant:
    name: str
    nik: str
    email: str
    phone: str


# A filing over a limit: `retry_at` says when to try again (the one exception of registry.limits).
RateLimited = LimitReached


def complaint_limits(*, digest: str, ip: str | None) -> list[Limit]:
    """The filing limits (COMPLAINT_* settings), over complaints and reports together.

    Per address (an IPv6 /64) and per NIK *from that address*: a NIK limit counted from anywhere
    would let anyone who names a worker's NIK five times block that worker's own complaint or
    report for a day; counted per (NIK, address), one place still cannot repeat itself about one
    person, and the person concerned is never silenced by someone else.
    """
    address = limit_address(ip) or ""
    return [
        Limit(
            "complaint:nik-address",
            f"{digest}:{address}",
            settings.COMPLAINT_MAX_PER_NIK,
            settings.COMPLAINT_NIK_WINDOW,
        ),
        Limit("complaint:address", address, settings.COMPLAINT_MAX_PER_IP, settings.COMPLAINT_IP_WINDOW),
    ]


def _check_rate(*, ip: str | None, digest: str, now: dt.datetime) -> None:
    """Count this filing against its limits (in the filing's transaction: a filing rolled back was
    not counted), or raise RateLimited."""
    limits_take(limits=complaint_limits(digest=digest, ip=ip), now=now)


def _new_ticket() -> str:
    while True:
        chars = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(8))
        ticket = f"ADU-{chars[:4]}-{chars[4:]}"
        if not Complaint.objects.filter(ticket=ticket).exists():
            return ticket


def normalise_ticket(value: str) -> str:
    """What a person types ("adu 7k3m-q9xz", "ADU7K3MQ9XZ") as the stored form."""
    chars = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if chars.startswith("ADU"):
        chars = chars[3:]
    if len(chars) != 8:
        return ""
    return f"ADU-{chars[:4]}-{chars[4:]}"


def _after_filing(complaint: Complaint, *, action: str, ip: str | None) -> None:
    AuditEvent.log(
        actor=None,
        action=action,
        obj=complaint,
        after={"ticket": complaint.ticket, "kind": complaint.kind},
        ip=ip,
    )
    complaint_id = complaint.pk
    transaction.on_commit(lambda: complaint_filed_notify(complaint_id=complaint_id))


# --- Filing ----------------------------------------------------------------------------------


def complaint_file(
    *,
    agency: Agency,
    record_id: int,
    complainant: Complainant,
    description: str,
    evidence: UploadedFile | None = None,
    ip: str | None = None,
) -> Complaint:
    """File a complaint about a listed person; returns it with its ticket number.

    Raises ComplaintsClosed outside the window, RateLimited over a limit, ValidationError for a bad
    evidence file (checked like a worker's documents, before anything is written).
    """
    checked = check_upload(evidence, kind="evidence") if evidence else None
    with transaction.atomic():
        submission = _require_open(agency)
        record = WorkerRecord.objects.filter(
            pk=record_id, agency=agency, period_id=submission.period_id
        ).first()
        if record is None or record.status == Status.RELEASED:
            raise ValidationError(_("This person is not on the agency's list."), code="not_listed")
        now = timezone.now()
        digest = nik_digest(complainant.nik)
        _check_rate(ip=ip, digest=digest, now=now)
        complaint = Complaint(
            ticket=_new_ticket(),
            kind=Complaint.Kind.COMPLAINT,
            agency=agency,
            period_id=submission.period_id,
            record=record,
            subject_name=record.full_name,
            subject_nik_masked=mask_nik(record.nik),
            nik_hash=digest,
            description=description.strip(),
            ip=ip,
            created_at=now,
            **_complainant_fields(complainant),
        )
        if checked is not None:
            complaint.evidence_content_type = checked.content_type
            extension = "pdf" if checked.content_type == "application/pdf" else "jpg"
            complaint.evidence.save(f"bukti.{extension}", ContentFile(checked.content), save=False)
        try:
            complaint.save()
        except Exception:
            if complaint.evidence:
                complaint.evidence.delete(save=False)  # no orphaned file for a complaint never stored
            raise
        _after_filing(complaint, action=ComplaintAuditAction.COMPLAINT_FILED, ip=ip)
    return complaint


def _complainant_fields(complainant: Complainant) -> dict[str, str]:
    """Who filed a complaint or report, as stored: the NIK only masked (and hashed, for the limit)."""
    return {
        "complainant_name": complainant.name.strip(),
        "complainant_nik_masked": mask_nik(complainant.nik),
        "email": complainant.email.strip(),
        "phone": complainant.phone.strip(),
    }


def report_file(
    *,
    agency: Agency,
    nik: str,
    name: str,
    complainant: Complainant,
    description: str,
    ip: str | None = None,
) -> Complaint:
    """Report a worker missing from the agency's list ("Tidak terdaftar"); returns it with its ticket."""
    nik = nik.strip()
    with transaction.atomic():
        submission = _require_open(agency)
        now = timezone.now()
        digest = nik_digest(nik)
        _check_rate(ip=ip, digest=digest, now=now)
        complaint = Complaint.objects.create(
            ticket=_new_ticket(),
            kind=Complaint.Kind.UNLISTED,
            agency=agency,
            period_id=submission.period_id,
            subject_name=name.strip(),
            subject_nik_masked=mask_nik(nik),
            reported_nik=nik,
            nik_hash=digest,
            description=description.strip(),
            ip=ip,
            created_at=now,
            **_complainant_fields(complainant),
        )
        _after_filing(complaint, action=ComplaintAuditAction.REPORT_FILED, ip=ip)
    return complaint


def complaint_track(*, ticket: str, email: str) -> Complaint | None:
    """The complaint with this ticket number and e-mail address, or None (the same for either mismatch)."""
    ticket = normalise_ticket(ticket)
    email = (email or "").strip()
    if not ticket or not email:
        return None
    return Complaint.objects.select_related("agency").filter(ticket=ticket, email__iexact=email).first()


# --- Answering (agency) ----------------------------------------------------------------------


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
            % {"status": complaint.get_status_display(), "when": _format(complaint.answered_at)},
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
    try:
        if record.status in DECIDED:
            return decision_change(
                record_id=record.pk,
                outcome=outcome,
                reason=reason,
                tms_reason=tms_reason,
                expected_status=record.status,
                actor=actor,
                ip=ip,
            )
        if record.status == Status.SUBMITTED:
            return decision_record(
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
    raise ValidationError(
        {
            "change_to": [
                _("A record with status %(status)s has no decision to change.")
                % {"status": record.get_status_display()}
            ]
        }
    )


# --- E-mails ---------------------------------------------------------------------------------


def _mail(complaint: Complaint, *, subject: str, template: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "complaint": complaint,
            "status": complaint.get_status_display(),
            "track_url": settings.SITE_URL + reverse("complaints:track") + f"?ticket={complaint.ticket}",
        }
        body = render_to_string(template, context)
        subject = str(subject)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [complaint.email])
    except Exception:  # a mail outage must not undo the filing or the answer
        logger.exception("Complaint e-mail for complaint %s failed", complaint.pk)


def complaint_filed_notify(*, complaint_id: int) -> None:
    complaint = Complaint.objects.select_related("agency").filter(pk=complaint_id).first()
    if complaint is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your complaint %(ticket)s was received") % {"ticket": complaint.ticket}
    _mail(complaint, subject=subject, template="announcements/complaint_email_filed.txt")


def complaint_answered_notify(*, complaint_id: int) -> None:
    complaint = Complaint.objects.select_related("agency").filter(pk=complaint_id).first()
    if complaint is None or complaint.is_open:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your complaint %(ticket)s was answered: %(status)s") % {
            "ticket": complaint.ticket,
            "status": complaint.get_status_display(),
        }
    _mail(complaint, subject=subject, template="announcements/complaint_email_answered.txt")


# --- The finalisation blocker ----------------------------------------------------------------

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

"""Filing a complaint about a listed person or a report of a missing one, and following it by
ticket number: the public side of complaints (aduan).

A filing checks the window (`window.py`) and the limits (`limits.py`), stores the complainant's NIK
only masked and hashed, audits, and e-mails after the commit (`notices.py`). Answering is the
agency's side (`answering.py`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from announcements.models import Complaint, ComplaintAuditAction
from announcements.services.complaints.limits import check_rate, nik_digest
from announcements.services.complaints.notices import complaint_filed_notify
from announcements.services.complaints.window import require_open
from registry.documents import check_upload
from registry.models import (
    Agency,
    AuditEvent,
    Period,
    Status,
    WorkerRecord,
)
from registry.validators import mask_nik

TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed from a phone


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
        submission = require_open(agency)
        record = WorkerRecord.objects.filter(
            pk=record_id, agency=agency, period_id=submission.period_id
        ).first()
        if record is None or record.status == Status.RELEASED:
            raise ValidationError(_("This person is not on the agency's list."), code="not_listed")
        now = timezone.now()
        digest = nik_digest(complainant.nik)
        check_rate(ip=ip, digest=digest, now=now)
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
        submission = require_open(agency)
        now = timezone.now()
        digest = nik_digest(nik)
        check_rate(ip=ip, digest=digest, now=now)
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

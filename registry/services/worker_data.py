"""The worker's own writes: contact, appointment details, education, work history, documents, submit.

The agency sets identity, category, position, ASN position, work unit and pay source; the worker
may change only WORKER_EDITABLE_FIELDS, and only while the record is open for them (see
`worker_can_edit`). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.date_rules import date_errors
from registry.documents import check_upload
from registry.models import (
    AgencySubmission,
    AuditAction,
    AuditEvent,
    Document,
    Status,
    WorkerRecord,
    WorkHistory,
)
from registry.models.audit import audit_before_after, field_changes
from registry.models.documents import ALLOWED_CONTENT_TYPES
from registry.services.constraints import constraint_error, save_guarding_constraints
from registry.services.flags import record_flags_refresh
from registry.services.phase import lock_open_submission, record_edit_permission
from registry.signals import record_changed

CONTACT_FIELDS = ("phone", "email", "address")
APPOINTMENT_FIELDS = ("sk_number", "sk_date", "sk_signer_position", "start_date", "end_date", "monthly_pay")
EDUCATION_FIELDS = (
    "education_level",
    "education_institution",
    "education_major",
    "diploma_number",
    "graduation_date",
)
# The 13 items (plus work history and documents) the worker may change; everything else is the agency's.
WORKER_EDITABLE_FIELDS = frozenset(CONTACT_FIELDS + APPOINTMENT_FIELDS + EDUCATION_FIELDS)
# Statuses in which the worker may still edit: before a decision, or when asked to revise.
EDITABLE_STATUSES = frozenset({Status.ACCOUNT_CREATED, Status.SUBMITTED, Status.NEEDS_REVISION})

REQUIRED_FIELDS = (
    "phone",
    "email",
    "address",
    "sk_number",
    "sk_date",
    "sk_signer_position",
    "start_date",
    "monthly_pay",
    "education_level",
    "education_institution",
    "diploma_number",
    "graduation_date",
)
# Below senior high school there is no major.
MAJOR_REQUIRED_FROM = frozenset({"SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"})
REQUIRED_DOCUMENTS = tuple(Document.Kind.values)

SECTION_OF_FIELD = {
    **dict.fromkeys(CONTACT_FIELDS + APPOINTMENT_FIELDS, "biodata"),
    **dict.fromkeys(EDUCATION_FIELDS, "education"),
}


class NotEditable(Exception):
    """The record is read-only for the worker now (decided, agency moved on, or deadline passed)."""


@dataclass(frozen=True)
class MissingItem:
    section: str  # biodata | history | education | documents
    label: str


def worker_can_edit(
    record: WorkerRecord, *, now: dt.datetime | None = None, submission: AgencySubmission | None = None
) -> bool:
    """May the worker change their data now? The agency's write rule (phase, input deadline) and the
    record's status: `registry.services.phase.record_edit_permission`, which the pages read to offer
    the forms and `_locked_editable` reads under the lock before every write.
    `submission`: the record's agency submission when the caller has already read it."""
    if record.status not in EDITABLE_STATUSES:
        return False
    if submission is None:
        submission = (
            AgencySubmission.objects.filter(agency_id=record.agency_id, period_id=record.period_id)
            .select_related("period")
            .first()
        )
    return record_edit_permission(record, submission, editable_statuses=EDITABLE_STATUSES, now=now).allowed


def missing_items(record: WorkerRecord) -> list[MissingItem]:
    """What still has to be entered or uploaded before the record can be submitted."""
    missing: list[MissingItem] = []
    for name in REQUIRED_FIELDS:
        if getattr(record, name) in (None, ""):
            label = str(WorkerRecord._meta.get_field(name).verbose_name)
            missing.append(MissingItem(SECTION_OF_FIELD[name], label))
    if record.education_level in MAJOR_REQUIRED_FROM and not record.education_major:
        missing.append(
            MissingItem("education", str(WorkerRecord._meta.get_field("education_major").verbose_name))
        )
    if not record.work_history.exists():
        missing.append(MissingItem("history", str(gettext_lazy("At least one work history entry"))))
    # all(), not values_list(): a page that prefetched the documents asks no query here.
    have = {document.kind for document in record.documents.all()}
    for kind in REQUIRED_DOCUMENTS:
        if kind not in have:
            missing.append(MissingItem("documents", str(Document.Kind(kind).label)))
    return missing


AGENCY_ENTERED_MESSAGE = gettext_lazy(
    "Entered by your agency: it cannot be changed here. If it is wrong, report it to your agency."
)


def agency_entered(record: WorkerRecord) -> frozenset[str]:
    """The appointment data the worker reads but may not change: what is already filled in (the
    agency's entry). What the agency left empty the worker completes once."""
    return frozenset(name for name in APPOINTMENT_FIELDS if getattr(record, name) not in (None, ""))


def _locked_editable(record_id: int) -> WorkerRecord:
    """The record, row-locked, with the agency's submission share-locked (the phase guard)."""
    record = WorkerRecord.objects.select_for_update().select_related("period").get(pk=record_id)
    if record.status not in EDITABLE_STATUSES:
        raise NotEditable
    try:
        submission = lock_open_submission(agency_id=record.agency_id, period_id=record.period_id)
    except ValidationError:
        raise NotEditable from None
    if not worker_can_edit(record, submission=submission):  # the rule the pages read
        raise NotEditable
    return record


def _check_dates(values: dict[str, Any], record: WorkerRecord) -> None:
    dates = {
        name: values.get(name, getattr(record, name))
        for name in ("birth_date", "sk_date", "start_date", "end_date", "graduation_date")
    }
    errors = date_errors(dates, today=timezone.localdate())
    if errors:
        # Keyed by the changed field, so the form shows it there; any other one concerns the whole form.
        keyed: dict[str, list[str]] = {}
        for name, messages in errors.items():
            keyed.setdefault(name if name in values else NON_FIELD_ERRORS, []).extend(messages)
        raise ValidationError(keyed)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def worker_details_update(
    *, record_id: int, changes: dict[str, Any], actor: Any, ip: str | None = None
) -> WorkerRecord:
    """Save the worker's own fields. Anything outside WORKER_EDITABLE_FIELDS is refused outright."""
    forbidden = set(changes) - WORKER_EDITABLE_FIELDS
    if forbidden:
        raise ValueError(f"Not editable by the worker: {sorted(forbidden)}")
    record = _locked_editable(record_id)
    _check_dates(changes, record)
    # Only what really changes (the one comparison, registry.models.audit.field_changes).
    changed = field_changes(record, changes)
    locked = {name: [AGENCY_ENTERED_MESSAGE] for name in changed if name in agency_entered(record)}
    if locked:
        raise ValidationError(locked)
    if not changed:
        return record
    for name, (_old, value) in changed.items():
        setattr(record, name, value)
    save_guarding_constraints(record, update_fields=[*changed, "updated_at"])
    before, after = audit_before_after(changed)
    AuditEvent.log(
        actor=actor,
        action=AuditAction.RECORD_WORKER_UPDATE,
        obj=record,
        before=before,
        after=after,
        ip=ip,
    )
    # Accounts keeps the worker's login e-mail in step, in this transaction.
    record_changed.send(
        sender=WorkerRecord,
        record_id=record.pk,
        changes={name: (before[name], after[name]) for name in changed},
        actor_id=getattr(actor, "pk", None),
        reason="",
    )
    # A TMT or SK date entered by the worker changes the eligibility flags at once.
    return record_flags_refresh(record_id=record.pk)


@dataclass(frozen=True)
class HistoryEntry:
    start_date: dt.date
    end_date: dt.date | None
    sk_number: str
    position: str
    unit: str


@transaction.atomic
def work_history_replace(
    *, record_id: int, entries: list[HistoryEntry], actor: Any, ip: str | None = None
) -> list[WorkHistory]:
    """Replace the work history with up to five entries, numbered oldest first."""
    if len(entries) > WorkHistory.MAX_ENTRIES:
        raise ValidationError(_("At most 5 work history entries."), code="too_many")
    record = _locked_editable(record_id)
    today = timezone.localdate()
    for entry in entries:
        errors = date_errors({"start_date": entry.start_date, "end_date": entry.end_date}, today=today)
        if "start_date" in errors:
            raise ValidationError(_("A work history entry starts in the future."))
        if "end_date" in errors:
            raise ValidationError(_("A work history entry ends before it starts."))
    before = [_history_dict(h) for h in record.work_history.all()]
    rows = [
        WorkHistory(record=record, order=i, **entry.__dict__)
        for i, entry in enumerate(sorted(entries, key=lambda e: e.start_date), start=1)
    ]
    if [_history_dict(h) for h in rows] == before:
        return list(record.work_history.all())  # the same entries again: nothing to write or audit
    record.work_history.all().delete()
    try:
        with transaction.atomic():
            WorkHistory.objects.bulk_create(rows)
    except IntegrityError as exc:
        error = constraint_error(exc)
        if error is None:
            raise
        raise error from None
    AuditEvent.log(
        actor=actor,
        action=AuditAction.RECORD_WORK_HISTORY,
        obj=record,
        before={"work_history": before},
        after={"work_history": [_history_dict(h) for h in rows]},
        ip=ip,
    )
    return rows


def _history_dict(entry: WorkHistory) -> dict[str, Any]:
    return {
        "start_date": _jsonable(entry.start_date),
        "end_date": _jsonable(entry.end_date),
        "sk_number": entry.sk_number,
        "position": entry.position,
        "unit": entry.unit,
    }


def document_store(
    *,
    record: WorkerRecord,
    kind: str,
    upload: UploadedFile,
    actor: Any,
    ip: str | None = None,
    check_editable: bool = True,
) -> Document:
    """Check and normalise an upload, then store it as the record's one document of that kind.

    The file is checked before any lock is taken (it can take a moment); the old file of the same
    kind is deleted from storage only after the new one is committed.
    """
    if kind not in Document.Kind.values:
        raise ValueError(f"Unknown document kind {kind!r}")
    checked = check_upload(upload, kind=kind)
    return document_save(
        record_id=record.pk, kind=kind, checked=checked, actor=actor, ip=ip, check_editable=check_editable
    )


@transaction.atomic
def document_save(
    *, record_id: int, kind: str, checked: Any, actor: Any, ip: str | None = None, check_editable: bool = True
) -> Document:
    """Store an already checked file (registry/documents.py `check_upload`) as the record's one document
    of that kind. check_editable=False is for account creation, which holds its own locks and guard."""
    if checked.content_type not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(_("Upload a JPEG, PNG or PDF file."), code="content_type")
    if check_editable:
        record = _locked_editable(record_id)
    else:
        record = WorkerRecord.objects.select_for_update().get(pk=record_id)
    document = Document.objects.filter(record=record, kind=kind).first()
    old_name = document.file.name if document else None
    before = {"checksum": document.checksum} if document else {}
    if document is None:
        document = Document(record=record, kind=kind)
    document.file.save("upload", ContentFile(checked.content), save=False)
    storage = document.file.storage
    document.size = checked.size
    document.content_type = checked.content_type
    document.checksum = checked.checksum
    document.pages = checked.pages
    document.uploaded_by = actor if getattr(actor, "pk", None) else None
    save_guarding_constraints(document)
    AuditEvent.log(
        actor=actor,
        action=AuditAction.for_document(kind),
        obj=document,
        before=before,
        after={"checksum": checked.checksum, "size": checked.size, "content_type": checked.content_type},
        ip=ip,
    )
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return document


@transaction.atomic
def worker_submit(*, record_id: int, actor: Any, ip: str | None = None) -> WorkerRecord:
    """Submit complete data: account_created / needs_revision → submitted; submitted stays (new time)."""
    record = _locked_editable(record_id)
    missing = missing_items(record)
    if missing:
        raise ValidationError(
            _("Some data is still missing: %(items)s.") % {"items": ", ".join(m.label for m in missing)},
            code="incomplete",
        )
    if record.status == Status.SUBMITTED:
        record.submitted_at = timezone.now()
        record.save(update_fields=["submitted_at", "updated_at"])
        AuditEvent.log(actor=actor, action=AuditAction.RECORD_RESUBMIT, obj=record, ip=ip)
    else:
        record.transition_to(Status.SUBMITTED, actor=actor, ip=ip)
    return record_flags_refresh(record_id=record.pk)

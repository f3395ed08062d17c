"""The agency's writes to one worker record: registering, editing and releasing it, with the
refusals (hard errors) they share and the registration number every new record gets.

Flags are computed in `flags.py`, constraint messages come from `constraints.py`, and moves along
the state machine are in `transitions.py`; the worker's own edits are in `worker_data.py`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.date_rules import PAST_DATES, date_errors
from registry.models import (
    Agency,
    AuditAction,
    AuditEvent,
    Category,
    Period,
    Sex,
    Status,
    WorkerRecord,
    WorkUnit,
    _new_card_token,
)
from registry.models.audit import audit_before_after, field_changes
from registry.services.constraints import (
    constraint_error,
    constraint_name,
    is_drawn_number,
    save_guarding_constraints,
)
from registry.services.flags import compute_flags, duplicate_ids, record_flags_refresh
from registry.services.phase import lock_open_submission, record_release_permission
from registry.signals import IDENTITY_FIELDS, record_changed
from registry.validators import validate_identity


@dataclass
class WorkerData:
    """What an agency enters for a worker (identity, category, appointment, education)."""

    nik: str
    kk: str
    full_name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    position: str
    category: str = WorkerRecord.Category.NON_ASN
    thk2_number: str = ""
    asn_position: str = ""
    work_unit: WorkUnit | None = None
    pay_source: str = WorkerRecord.PaySource.APBD
    sk_number: str = ""
    sk_date: dt.date | None = None
    sk_signer_position: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    monthly_pay: int | None = None
    education_level: str = ""
    education_institution: str = ""
    education_major: str = ""
    diploma_number: str = ""
    graduation_date: dt.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    # A work unit given by name (form, import): found or created for the agency by the service.
    work_unit_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def model_fields(self) -> dict[str, Any]:
        # Shallow (asdict would deep-copy every value; they are plain values), and by the names read
        # once (dataclasses.fields() rebuilds its tuple on each call): a bulk upsert reads a
        # thousand of these a request.
        data = {name: getattr(self, name) for name in _MODEL_FIELDS}
        data["nik"] = self.nik.strip()
        data["kk"] = self.kk.strip()
        data["full_name"] = " ".join(self.full_name.split())
        return data


_MODEL_FIELDS = tuple(f.name for f in fields(WorkerData) if f.name not in ("extra", "work_unit_name"))
# What `hard_errors` accepts, as sets: a choices enum's `.values` builds a new list on every read.
_SEX_VALUES = frozenset(Sex.values)
_CATEGORY_VALUES = frozenset(Category.values)
_DATE_RULE_FIELDS = (*PAST_DATES, "end_date")


def new_registration_number(period: Period) -> str:
    """A short, unguessable number printed on the cards: NA<year>-<10 chars>."""
    # 12 hex digits: with 2.4 million records a collision is about a 1 in 100 event per period;
    # `record_insert` draws again when the unique index says the number is taken.
    return f"NA{period.cutoff_date.year + 1}-{secrets.token_hex(6).upper()}"


def hard_errors(*, values: Any, today: dt.date) -> dict[str, list]:
    """The refusals that need no database (malformed numbers, NIK disagreeing with birth date/sex, an
    unknown sex or category, dates in the future, end before start), as {field: [messages]}.
    `values`: a WorkerData or anything with its attributes. One check per record, whether it comes
    one at a time (`check_hard_errors`) or many at once (`registry.services.many`)."""
    errors: dict[str, list] = {}
    try:
        validate_identity(nik=values.nik, kk=values.kk, birth_date=values.birth_date, sex=values.sex)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if values.sex not in _SEX_VALUES:
        errors.setdefault("sex", []).append(_("Choose the sex as on the KTP."))
    if values.category not in _CATEGORY_VALUES:
        errors.setdefault("category", []).append(_("Choose the category: THK-II or non-ASN."))
    dates = {name: getattr(values, name) for name in _DATE_RULE_FIELDS}
    for name, messages in date_errors(dates, today=today).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def nik_held_message(agency_name: str) -> str:
    """The refusal of a NIK another agency holds in the period (form, import and API alike)."""
    return _(
        "This NIK is already registered in this period by %(agency)s. It can be registered here "
        "only after that agency releases it."
    ) % {"agency": agency_name}


def not_editable_message(record: WorkerRecord) -> str:
    return _("A record with status %(status)s can no longer be edited.") % {
        "status": record.get_status_display()
    }


def identity_reason_message() -> str:
    return _("The worker already has an account: say why the identity data is changed.")


def check_hard_errors(*, period: Period, data: WorkerData, exclude_pk: int | None = None) -> None:
    """The refusals: malformed numbers, NIK disagreeing with birth date/sex, NIK held elsewhere,
    dates in the future, end before start. Raises ValidationError({field: [messages]})."""
    errors = hard_errors(values=data, today=timezone.localdate())
    if "nik" not in errors:
        holder = (
            WorkerRecord.objects.filter(period=period, nik=data.nik.strip())
            .exclude(status=Status.RELEASED)
            .exclude(pk=exclude_pk)
            .select_related("agency")
            .first()
        )
        if holder is not None:
            errors["nik"] = [nik_held_message(holder.agency.name)]
    if errors:
        raise ValidationError(errors)


REGISTRATION_NUMBER_TRIES = 5


def record_insert(record: WorkerRecord) -> WorkerRecord:
    """Insert a new record with a fresh registration number and card token, drawing again (one
    savepoint per try) when the unique index says one is taken. Every path that creates records
    outside the import's COPY uses it."""
    for attempt in range(REGISTRATION_NUMBER_TRIES):
        record.registration_number = new_registration_number(record.period)
        if attempt:
            record.card_token = _new_card_token()
        try:
            with transaction.atomic():
                record.save(force_insert=True)
            return record
        except IntegrityError as exc:
            name = constraint_name(exc)
            if is_drawn_number(name) and attempt + 1 < REGISTRATION_NUMBER_TRIES:
                record.pk = None
                continue
            error = constraint_error(exc)
            if error is None:
                raise
            raise error from None
    raise AssertionError("unreachable")


@transaction.atomic
def worker_register(
    *, agency: Agency, period: Period, data: WorkerData, actor: Any, ip: str | None = None
) -> WorkerRecord:
    """Register one worker for an agency. Hard errors refuse; eligibility problems become flags."""
    lock_open_submission(agency_id=agency.pk, period_id=period.pk)
    _resolve_work_unit(agency=agency, data=data)
    check_hard_errors(period=period, data=data)
    record = WorkerRecord(
        agency=agency,
        period=period,
        created_by=actor if getattr(actor, "pk", None) else None,
        **data.model_fields(),
    )
    record.flags = compute_flags(period=period, data=data)
    record_insert(record)
    AuditEvent.log(
        actor=actor, action=AuditAction.RECORD_REGISTER, obj=record, after={"status": record.status}, ip=ip
    )
    # The earlier record of a possible duplicate pair gets the flag too.
    return record_flags_refresh(record_id=record.pk)


def work_unit_for_name(*, agency: Agency, name: str) -> WorkUnit | None:
    """The agency's work unit with this name (case-insensitive), created when it is new."""
    name = " ".join((name or "").split())
    if not name:
        return None
    unit = WorkUnit.objects.filter(agency=agency, name__iexact=name).first()
    if unit is None:
        unit, _created = WorkUnit.objects.get_or_create(agency=agency, name=name[:200])
    return unit


def _resolve_work_unit(*, agency: Agency, data: WorkerData) -> None:
    if data.work_unit is None and data.work_unit_name:
        data.work_unit = work_unit_for_name(agency=agency, name=data.work_unit_name)
    if data.work_unit is not None and data.work_unit.agency_id != agency.pk:
        raise ValidationError({"work_unit_name": [_("This work unit belongs to another agency.")]})


# The agency's own fields; the worker's later edits go through worker_data.py.
EDITABLE_FIELDS = (
    "nik", "kk", "full_name", "birth_place", "birth_date", "sex", "category", "thk2_number",
    "position", "asn_position", "work_unit", "pay_source", "sk_number", "sk_date",
    "sk_signer_position", "start_date", "end_date", "monthly_pay", "education_level",
    "education_institution", "education_major", "diploma_number", "graduation_date",
    "phone", "email", "address",
)  # fmt: skip
EDITABLE_STATUSES = frozenset(
    {Status.REGISTERED, Status.ACCOUNT_CREATED, Status.SUBMITTED, Status.NEEDS_REVISION}
)


@transaction.atomic
def worker_update(
    *, record_id: int, data: WorkerData, actor: Any, reason: str = "", ip: str | None = None
) -> WorkerRecord:
    """Change what the agency entered for a worker, while the agency is open; flags are recomputed.

    Changing the identity (NIK, KK, name, place and date of birth, sex) of a record whose worker
    already has an account needs a reason: the worker is told by e-mail and logs in by the new NIK.
    """
    record = WorkerRecord.objects.select_for_update().select_related("period", "agency").get(pk=record_id)
    lock_open_submission(agency_id=record.agency_id, period_id=record.period_id)
    if record.status not in EDITABLE_STATUSES:
        raise ValidationError(not_editable_message(record))
    _resolve_work_unit(agency=record.agency, data=data)
    check_hard_errors(period=record.period, data=data, exclude_pk=record.pk)
    former_counterparts = duplicate_ids(record)
    # Only what really changes (registry.models.audit.field_changes): a save that changes nothing
    # writes nothing, audits nothing and tells no one.
    changes = field_changes(record, data.model_fields(), fields=EDITABLE_FIELDS)
    if not changes:
        return record
    for name, (_old, new) in changes.items():
        setattr(record, name, new)
    before, after = audit_before_after(changes)
    identity_changed = [name for name in changes if name in IDENTITY_FIELDS]
    reason = (reason or "").strip()
    if identity_changed and record.has_worker_account and not reason:
        raise ValidationError({"reason": [identity_reason_message()]})
    flags = compute_flags(period=record.period, data=record, exclude_pk=record.pk)
    if flags != record.flags:
        before["flags"], after["flags"] = record.flags, flags
        record.flags = flags
    save_guarding_constraints(record)
    AuditEvent.log(
        actor=actor,
        action=AuditAction.RECORD_UPDATE,
        obj=record,
        before=before,
        after=after,
        reason=reason if identity_changed else "",
        ip=ip,
    )
    record_changed.send(
        sender=WorkerRecord,
        record_id=record.pk,
        changes=changes,
        actor_id=getattr(actor, "pk", None),
        reason=reason,
    )
    return record_flags_refresh(record_id=record.pk, former_counterparts=former_counterparts)


@transaction.atomic
def worker_release(*, record_id: int, reason: str, actor: Any, ip: str | None = None) -> WorkerRecord:
    """The worker leaves the agency (e.g. moved): the record stays, its NIK becomes free in the period."""
    record = WorkerRecord.objects.select_for_update().select_related("period", "agency").get(pk=record_id)
    submission = lock_open_submission(agency_id=record.agency_id, period_id=record.period_id, for_input=False)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the record is released.")]})
    permission = record_release_permission(record, submission)  # the rule the page's button reads
    if not permission:
        raise ValidationError(permission.reason, code=permission.code)
    former_counterparts = duplicate_ids(record)
    record.transition_to(Status.RELEASED, actor=actor, reason=reason.strip(), ip=ip)
    # The other record of a possible-duplicate pair is no longer paired with a released one.
    record_flags_refresh(record_id=record.pk, former_counterparts=former_counterparts)
    return record

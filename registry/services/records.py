"""Every write to the registry: registering, editing, releasing and moving worker records."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.date_rules import PAST_DATES, date_errors
from registry.models import (
    Agency,
    AuditAction,
    AuditEvent,
    Category,
    Document,
    Flag,
    Period,
    Sex,
    Status,
    WorkerRecord,
    WorkHistory,
    WorkUnit,
    _new_card_token,
)
from registry.rules import (
    DUPLICATE_NAME_SIMILARITY,
    DUPLICATE_PAIR_SQL,
    eligibility_flags,
    possible_duplicates,
)
from registry.services.phase import lock_open_submission, submission_for  # noqa: F401 (re-exported)
from registry.signals import IDENTITY_FIELDS, record_changed, records_status_changed, send_on_commit
from registry.validators import mask_number, validate_identity


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
        # Shallow (asdict would deep-copy every value; they are plain values): a bulk upsert reads
        # a thousand of these a request.
        data = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("extra", "work_unit_name")
        }
        data["nik"] = self.nik.strip()
        data["kk"] = self.kk.strip()
        data["full_name"] = " ".join(self.full_name.split())
        return data


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
    if values.sex not in Sex.values:
        errors.setdefault("sex", []).append(_("Choose the sex as on the KTP."))
    if values.category not in Category.values:
        errors.setdefault("category", []).append(_("Choose the category: THK-II or non-ASN."))
    dates = {name: getattr(values, name) for name in (*PAST_DATES, "end_date")}
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


def compute_flags(
    *, period: Period, data: WorkerData | WorkerRecord, exclude_pk: int | None = None
) -> list[str]:
    """Every flag of one record: the period's eligibility rules and the possible-duplicate rule."""
    flags = eligibility_flags(data, period)
    if possible_duplicates(
        period=period,
        nik=data.nik,
        full_name=data.full_name,
        birth_date=data.birth_date,
        exclude_pk=exclude_pk,
    ).exists():
        flags = sorted({*flags, Flag.POSSIBLE_DUPLICATE.value})
    return flags


def _duplicate_ids(record: WorkerRecord) -> set[int]:
    if record.status == Status.RELEASED:
        return set()
    return set(
        possible_duplicates(
            period=record.period,
            nik=record.nik,
            full_name=record.full_name,
            birth_date=record.birth_date,
            exclude_pk=record.pk,
        ).values_list("pk", flat=True)
    )


def record_flags_refresh(*, record_id: int, former_counterparts: Iterable[int] = ()) -> WorkerRecord:
    """Recompute every flag of a record, and the possible-duplicate flag of each record it pairs
    with now or paired with before the change (`former_counterparts`), adding and removing.

    Every write path that changes what the rules read calls it in its transaction (agency form and
    edit, release, the worker's sections, submission); the import flags set-based with the same rule
    (`flag_possible_duplicates`).
    """
    record = WorkerRecord.objects.select_related("period", "work_unit").get(pk=record_id)
    counterparts = _duplicate_ids(record)
    flags = eligibility_flags(record, record.period)
    if counterparts:
        flags = sorted({*flags, Flag.POSSIBLE_DUPLICATE.value})
    if flags != record.flags:
        record.flags = flags
        WorkerRecord.objects.filter(pk=record.pk).update(flags=flags)
    flag = Flag.POSSIBLE_DUPLICATE.value
    others = (
        WorkerRecord.objects.filter(pk__in=counterparts | set(former_counterparts))
        .exclude(pk=record.pk)
        .select_related("period")
        .order_by("pk")
    )
    for other in others:
        paired = bool(_duplicate_ids(other))
        if paired != (flag in other.flags):
            new = sorted({*other.flags, flag}) if paired else [f for f in other.flags if f != flag]
            WorkerRecord.objects.filter(pk=other.pk).update(flags=new)
    return record


# The field each CHECK and UNIQUE constraint of the registry's tables concerns (None: the whole form).
# The message a person reads is the constraint's own violation_error_message (in the models), used
# when a write reaches the database past the form and service rules (a race, a missed rule).
CONSTRAINT_FIELDS: dict[str, str | None] = {
    "record_one_active_nik_per_period": "nik",
    "record_nik_16_digits": "nik",
    "record_kk_16_digits": "kk",
    "record_status_valid": None,
    "record_sex_valid": "sex",
    "record_end_after_start": "end_date",
    "workhistory_unique_order": None,
    "workhistory_at_most_5": None,
    "document_one_per_kind": None,
    "document_content_type_allowed": None,
}


def _constraint_messages() -> dict[str, Any]:
    return {
        c.name: c.violation_error_message
        for model in (WorkerRecord, WorkHistory, Document)
        for c in model._meta.constraints
    }


def constraint_name(exc: Exception) -> str:
    """The name of the constraint an IntegrityError (or DataError) violated (PostgreSQL tells it), or ""."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def constraint_message(name: str) -> tuple[str | None, str] | None:
    """(field or None for the whole form, the person's message) for a constraint of the registry's
    tables, by its name; None for a name that is not one of them. The one table every path reads:
    the form, the worker's sections and the import."""
    if name not in CONSTRAINT_FIELDS:
        return None
    return CONSTRAINT_FIELDS[name], str(_constraint_messages()[name])


def constraint_error(exc: IntegrityError) -> ValidationError | None:
    """The person's message for a violated constraint, keyed by field where there is one."""
    found = constraint_message(constraint_name(exc))
    if found is None:
        return None
    field_name, message = found
    return ValidationError({field_name: [message]} if field_name else message)


def save_guarding_constraints(instance: Any, **save_kwargs: Any) -> None:
    """Save in a savepoint; a violated constraint becomes its ValidationError, never a raw database error."""
    try:
        with transaction.atomic():
            instance.save(**save_kwargs)
    except IntegrityError as exc:
        error = constraint_error(exc)
        if error is None:
            raise
        raise error from None


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
            if (
                "registration_number" in name or "card_token" in name
            ) and attempt + 1 < REGISTRATION_NUMBER_TRIES:
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


@transaction.atomic
def record_transition(
    *, record_id: int, to: str, actor: Any, reason: str = "", ip: str | None = None
) -> WorkerRecord:
    """Move one record along the state machine (locks the row; raises InvalidTransition or
    ReasonRequired, both translated ValidationErrors)."""
    record = WorkerRecord.objects.select_for_update().get(pk=record_id)
    record.transition_to(to, actor=actor, reason=reason, ip=ip)
    return record


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


# Fields whose values the audit trail keeps only masked (it is shown on pages).
_MASKED_IN_AUDIT = frozenset({"nik", "kk"})
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


def _audit_value(name: str, value: Any) -> Any:
    if name in _MASKED_IN_AUDIT:
        return mask_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, WorkUnit):
        return value.name
    return value


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
    former_counterparts = _duplicate_ids(record)
    new_values = data.model_fields()
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    changes: dict[str, tuple[Any, Any]] = {}
    for name in EDITABLE_FIELDS:
        old, new = getattr(record, name), new_values[name]
        if old != new:
            before[name], after[name] = _audit_value(name, old), _audit_value(name, new)
            changes[name] = (old, new)
            setattr(record, name, new)
    identity_changed = [name for name in changes if name in IDENTITY_FIELDS]
    reason = (reason or "").strip()
    if identity_changed and record.has_worker_account and not reason:
        raise ValidationError({"reason": [identity_reason_message()]})
    flags = compute_flags(period=record.period, data=record, exclude_pk=record.pk)
    if flags != record.flags:
        before["flags"], after["flags"] = record.flags, flags
        record.flags = flags
    if not after:
        return record
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
    if changes:
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
    lock_open_submission(agency_id=record.agency_id, period_id=record.period_id, for_input=False)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the record is released.")]})
    if not record.can_transition_to(Status.RELEASED):
        raise ValidationError(
            _("A record with status %(status)s cannot be released.") % {"status": record.get_status_display()}
        )
    former_counterparts = _duplicate_ids(record)
    record.transition_to(Status.RELEASED, actor=actor, reason=reason.strip(), ip=ip)
    # The other record of a possible-duplicate pair is no longer paired with a released one.
    record_flags_refresh(record_id=record.pk, former_counterparts=former_counterparts)
    return record


def flag_possible_duplicates(*, period: Period, record_ids: list[int]) -> int:
    """Flag, set-based, the given new records and their counterparts with the possible-duplicate rule
    of registry/rules.py (the same one `record_flags_refresh` applies one record at a time).
    Returns the number of records newly flagged."""
    if not record_ids:
        return 0
    table = WorkerRecord._meta.db_table
    if len(record_ids) > 5000:
        # Fresh statistics, so that the planner hashes the period's rows instead of looping over them.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    flag = Flag.POSSIBLE_DUPLICATE.value
    sql = f"""
        WITH pairs AS (
            SELECT r.id AS a, o.id AS b
            FROM {table} r
            JOIN {table} o ON {DUPLICATE_PAIR_SQL}
            WHERE r.id = ANY(%s) AND r.period_id = %s AND r.status <> 'released'
        ), targets AS (
            SELECT a AS id FROM pairs UNION SELECT b FROM pairs
        )
        UPDATE {table} t
        SET flags = ARRAY(SELECT DISTINCT f FROM unnest(t.flags || ARRAY[%s]::varchar[]) AS f ORDER BY f)
        FROM targets WHERE t.id = targets.id AND NOT (%s = ANY(t.flags))
    """  # noqa: S608 - table name from the model, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [DUPLICATE_NAME_SIMILARITY, record_ids, period.pk, flag, flag])
        return cursor.rowcount


def records_mark_not_completed(*, agency: Agency, period: Period, actor: Any, ip: str | None = None) -> int:
    """At finalisation: every record never submitted becomes not_completed, with one audit row each.

    Set-based (one statement for 140,000 records): the rows are locked, moved and audited together.
    The caller holds the agency's submission row lock. Returns the number of records moved; after
    the commit `records_status_changed` names them (their workers are e-mailed, as for any change).
    """
    from registry.models import TRANSITIONS

    # The statuses the transition table lets go to not_completed: never submitted ones.
    sources = sorted(s for s, targets in TRANSITIONS.items() if Status.NOT_COMPLETED in targets)
    records, audit = WorkerRecord._meta.db_table, AuditEvent._meta.db_table
    sql = f"""
        WITH targets AS (
            SELECT id, status FROM {records}
            WHERE agency_id = %(agency)s AND period_id = %(period)s AND status = ANY(%(sources)s)
            FOR UPDATE
        ), moved AS (
            UPDATE {records} r SET status = %(target)s, updated_at = now()
            FROM targets WHERE r.id = targets.id
            RETURNING r.id, targets.status AS before
        )
        INSERT INTO {audit} (actor_id, action, object_type, object_id, record_id, agency_id, before, after,
                             reason, ip, created_at)
        SELECT %(actor)s, %(action)s, %(object_type)s, moved.id::text, moved.id, %(agency)s,
               jsonb_build_object('status', moved.before), jsonb_build_object('status', %(target)s),
               %(reason)s, %(ip)s, now()
        FROM moved
        RETURNING record_id
    """  # noqa: S608 - table names from the models, values as parameters
    reason = _("Not completed by the agency's finalisation")
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "agency": agency.pk,
                "period": period.pk,
                "sources": sources,
                "target": Status.NOT_COMPLETED.value,
                "actor": actor.pk if getattr(actor, "pk", None) else None,
                "action": f"status:{Status.NOT_COMPLETED.value}",
                "object_type": WorkerRecord._meta.label_lower,
                "reason": reason,
                "ip": ip,
            },
        )
        moved = [record_id for (record_id,) in cursor.fetchall()]
    if moved:
        send_on_commit(
            records_status_changed,
            sender=WorkerRecord,
            record_ids=moved,
            new=Status.NOT_COMPLETED.value,
            reason=str(reason),
        )
    return len(moved)


def records_restore_not_completed(
    *, agency: Agency, period: Period, actor: Any, reason: str, ip: str | None = None
) -> int:
    """At a national reopening: every record finalisation made not_completed returns to the status it
    had before (read from its transition history: the before of its last move to not_completed), so
    the agency and the worker can act again. One audit row each; after the commit
    `records_status_changed` names them per restored status (their workers are e-mailed).
    """
    from registry.models import TRANSITIONS

    records, audit = WorkerRecord._meta.db_table, AuditEvent._meta.db_table
    allowed = sorted(TRANSITIONS[Status.NOT_COMPLETED])
    sql = f"""
        WITH targets AS (
            SELECT id FROM {records}
            WHERE agency_id = %(agency)s AND period_id = %(period)s AND status = %(source)s
            FOR UPDATE
        ), previous AS (
            SELECT DISTINCT ON (e.record_id) e.record_id AS id, e.before ->> 'status' AS status
            FROM {audit} e JOIN targets t ON t.id = e.record_id
            WHERE e.action = %(marked)s
            ORDER BY e.record_id, e.id DESC
        ), moved AS (
            UPDATE {records} r SET status = previous.status, updated_at = now()
            FROM previous WHERE r.id = previous.id AND previous.status = ANY(%(allowed)s)
            RETURNING r.id, previous.status AS after
        )
        INSERT INTO {audit} (actor_id, action, object_type, object_id, record_id, agency_id, before, after,
                             reason, ip, created_at)
        SELECT %(actor)s, 'status:' || moved.after, %(object_type)s, moved.id::text, moved.id, %(agency)s,
               jsonb_build_object('status', %(source)s), jsonb_build_object('status', moved.after),
               %(reason)s, %(ip)s, now()
        FROM moved
        RETURNING record_id, after ->> 'status'
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "agency": agency.pk,
                "period": period.pk,
                "source": Status.NOT_COMPLETED.value,
                "marked": f"status:{Status.NOT_COMPLETED.value}",
                "allowed": allowed,
                "actor": actor.pk if getattr(actor, "pk", None) else None,
                "object_type": WorkerRecord._meta.label_lower,
                "reason": reason,
                "ip": ip,
            },
        )
        moved = cursor.fetchall()
    by_status: dict[str, list[int]] = {}
    for record_id, status in moved:
        by_status.setdefault(status, []).append(record_id)
    for status, record_ids in by_status.items():
        send_on_commit(
            records_status_changed, sender=WorkerRecord, record_ids=record_ids, new=status, reason=reason
        )
    return len(moved)

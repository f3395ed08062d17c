"""Registering and updating many worker records at once, set-based: the XLSX import's batches and the
API's bulk upsert both write through `records_upsert_many`, so a batch applies the rules of the
one-record services (`records.worker_register`, `records.worker_update`) without a second copy.

For a batch: the hard errors of each row (`records.hard_errors`), one query for the NIKs held in the
period (this agency's and other agencies'), the phase guard once under the submission's share lock,
new records and their audit rows written with COPY, changed records with one UPDATE, audit rows with
COPY, and possible duplicates flagged with one set-based statement. A conflict the database finds at
COPY time (a NIK registered meanwhile, a registration number drawn twice, any CHECK) costs that row
only, never the batch.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Agency, AuditAction, AuditEvent, Flag, Period, Status, WorkerRecord, WorkUnit
from registry.models.audit import audit_before_after, field_changes
from registry.rules import eligibility_flags
from registry.services.constraints import constraint_message, constraint_name, is_drawn_number
from registry.services.flags import (
    compute_flags,
    duplicate_ids,
    flag_possible_duplicates,
    record_flags_refresh,
)
from registry.services.pgcopy import copy_into
from registry.services.phase import lock_open_submission
from registry.services.records import (
    EDITABLE_FIELDS,
    EDITABLE_STATUSES,
    hard_errors,
    identity_reason_message,
    new_registration_number,
    nik_held_message,
    not_editable_message,
)
from registry.signals import IDENTITY_FIELDS, record_changed

CREATED, UPDATED, UNCHANGED, HELD, REFUSED = "created", "updated", "unchanged", "held", "refused"
NIK_CONSTRAINT = "record_one_active_nik_per_period"
# What the possible-duplicate rule reads: a change of one of these re-pairs the record.
DUPLICATE_FIELDS = frozenset({"nik", "full_name", "birth_date"})


@dataclass
class ManyRow:
    """One worker of a batch. `data`: the model's values by field name, the work unit by name
    (`work_unit_name`). The outcome is set by `records_upsert_many`; a CREATED row's `data` then
    holds what was written for its record (registration number, status, flags), with the flag of
    the batch's duplicate pass where that pass flagged it."""

    key: int  # the import's row number, the API's item index
    data: dict[str, Any]
    reason: str = ""
    outcome: str = ""
    record_id: int | None = None
    held_by: str = ""  # HELD: the agency holding the NIK
    errors: list[tuple[str | None, str]] = field(default_factory=list)  # (field or None, message)

    def refuse(self, errors: list[tuple[str | None, str]]) -> None:
        self.outcome, self.errors = REFUSED, errors


class Units:
    """The agency's work units by name (case-insensitive), created when a row names a new one."""

    def __init__(self, agency: Agency):
        self.agency = agency
        self.by_name = {u.name.lower(): u for u in WorkUnit.objects.filter(agency=agency)}

    def get(self, name: str) -> WorkUnit | None:
        name = " ".join((name or "").split())[:200]
        if not name:
            return None
        key = name.lower()
        if key not in self.by_name:
            self.by_name[key], _created = WorkUnit.objects.get_or_create(agency=self.agency, name=name)
        return self.by_name[key]


class _Facts:
    """What the eligibility rules read, without building a model instance per row."""

    __slots__ = ("category", "birth_date", "start_date", "sk_date", "pay_source", "position", "work_unit")

    def __init__(self, data: dict[str, Any], unit: WorkUnit | None):
        for name in self.__slots__[:-1]:
            setattr(self, name, data[name])
        self.work_unit = unit


class _Values:
    """A row's data read as attributes (what `hard_errors` reads)."""

    def __init__(self, data: dict[str, Any]):
        self.__dict__.update(data)


def holders(*, period: Period, niks: list[str]) -> dict[str, tuple[int, str, int]]:
    """NIK -> (agency id, agency name, record id) of the records holding it in the period (not released)."""
    if not niks:
        return {}
    rows = (
        WorkerRecord.objects.filter(period=period, nik__in=niks)
        .exclude(status=Status.RELEASED)
        .values_list("nik", "agency_id", "agency__name", "id")
    )
    return {nik: (agency_id, name, pk) for nik, agency_id, name, pk in rows}


@transaction.atomic
def records_upsert_many(
    *,
    agency: Agency,
    period: Period,
    rows: list[ManyRow],
    actor: Any,
    units: Units,
    update: bool,
    audit_after: dict[str, Any] | None = None,
    ip: str | None = None,
    flag_duplicates: bool = True,
) -> list[ManyRow]:
    """Register the rows' workers, or (update=True) update the agency's record holding the NIK;
    with update=False such a row is HELD (the import skips it). Each row gets its outcome: CREATED,
    UPDATED, UNCHANGED, HELD or REFUSED with (field, message) errors. A row refused leaves the others.

    The phase guard (`lock_open_submission`) is checked once, when there is something to write, and
    raises ValidationError (nothing of the batch is written). flag_duplicates=False leaves the
    possible-duplicate flags of the new records to the caller (the import flags them once at its end).
    Rows are written in NIK order, so that two batches with NIKs in common never deadlock.
    """
    today = timezone.localdate()
    pending: list[ManyRow] = []
    for row in sorted(rows, key=lambda r: r.data["nik"]):
        errors = hard_errors(values=_Values(row.data), today=today)
        if errors:
            row.refuse([(name, str(message)) for name, messages in errors.items() for message in messages])
        else:
            pending.append(row)
    to_create, to_update = _settle(agency=agency, period=period, rows=pending, update=update)
    if not to_create and not to_update:
        return rows
    lock_open_submission(agency_id=agency.pk, period_id=period.pk)
    creator = _Creator(agency=agency, period=period, actor=actor, units=units, audit_after=audit_after, ip=ip)
    if to_update:
        _update(period=period, rows=to_update, actor=actor, units=units, ip=ip)
    late_updates = creator.create(to_create, update=update)
    if late_updates:
        _update(period=period, rows=late_updates, actor=actor, units=units, ip=ip)
    if flag_duplicates:
        # The new rows' data stays what their records hold: the pass's flag added where it flagged.
        flagged = set(flag_possible_duplicates(period=period, record_ids=creator.created_ids))
        if flagged:
            flag = Flag.POSSIBLE_DUPLICATE.value
            for row in rows:
                if row.outcome == CREATED and row.record_id in flagged:
                    row.data["flags"] = sorted({*row.data["flags"], flag})
    return rows


def _settle(
    *, agency: Agency, period: Period, rows: list[ManyRow], update: bool
) -> tuple[list[ManyRow], list[ManyRow]]:
    """Rows whose NIK another agency holds are refused, this agency's are HELD or to update; the
    rest are to create. Returns (to create, to update)."""
    held = holders(period=period, niks=[r.data["nik"] for r in rows])
    to_create: list[ManyRow] = []
    to_update: list[ManyRow] = []
    for row in rows:
        holder = held.get(row.data["nik"])
        if holder is None:
            to_create.append(row)
        elif holder[0] != agency.pk:
            row.refuse([("nik", nik_held_message(holder[1]))])
        else:
            row.record_id, row.held_by = holder[2], holder[1]
            if update:
                to_update.append(row)
            else:
                row.outcome = HELD
    return to_create, to_update


class _Creator:
    """New records with COPY, their audit rows after them."""

    def __init__(self, *, agency, period, actor, units: Units, audit_after, ip):
        self.agency, self.period, self.units, self.ip = agency, period, units, ip
        self.actor_id = actor.pk if getattr(actor, "pk", None) else None
        self.audit_after = audit_after or {}
        self.created_ids: list[int] = []

    def create(self, rows: list[ManyRow], *, update: bool) -> list[ManyRow]:
        """Write the rows; returns those found held by this agency meanwhile, when update=True."""
        if not rows:
            return []
        now = timezone.now()
        common = {
            "agency_id": self.agency.pk,
            "period_id": self.period.pk,
            "status": Status.REGISTERED.value,
            "created_by_id": self.actor_id,
            "created_at": now,
        }
        for row in rows:
            unit = self.units.get(row.data.get("work_unit_name") or "")
            row.data["work_unit_id"] = unit.pk if unit else None
            row.data["flags"] = eligibility_flags(_Facts(row.data, unit), self.period)
            row.data.update(common)
        late: list[ManyRow] = []
        for _attempt in range(5):
            if not rows:
                break
            for pk, row in zip(_next_ids(len(rows)), rows, strict=True):
                row.data.update(
                    id=pk,
                    registration_number=new_registration_number(self.period),
                    card_token=secrets.token_urlsafe(24),
                )
            try:
                with transaction.atomic():
                    _insert(rows, now=now)
                break
            except IntegrityError as exc:
                constraint = constraint_name(exc)
                if constraint == NIK_CONSTRAINT:
                    # Registered meanwhile (the form, another import or request): those rows only.
                    to_create, to_update = _settle(
                        agency=self.agency, period=self.period, rows=rows, update=update
                    )
                    late += to_update
                    rows = to_create
                elif not is_drawn_number(constraint):  # a number drawn twice (rare): draw again
                    rows = self._one_by_one(rows, update=update, late=late)
                    break
            except DataError:
                rows = self._one_by_one(rows, update=update, late=late)
                break
        else:
            rows = self._one_by_one(rows, update=update, late=late)
        for row in rows:
            row.outcome, row.record_id = CREATED, row.data["id"]
        ids = [row.data["id"] for row in rows]
        self.created_ids += ids
        after = {"status": Status.REGISTERED.value, **self.audit_after}  # one object: encoded once
        audit = [
            {
                "actor_id": self.actor_id,
                "action": AuditAction.RECORD_REGISTER.value,
                "object_type": WorkerRecord._meta.label_lower,
                "object_id": str(pk),
                "record_id": pk,
                "agency_id": self.agency.pk,
                "after": after,
                "ip": self.ip,
                "created_at": now,
            }
            for pk in ids
        ]
        copy_into(AuditEvent, audit, now=now, with_pk=False)
        return late

    def _one_by_one(self, rows: list[ManyRow], *, update: bool, late: list[ManyRow]) -> list[ManyRow]:
        """The slow path after the database refused a batch for a reason no earlier check caught:
        each row in its own savepoint; those refused get the constraint's message. Returns the
        rows written."""
        written: list[ManyRow] = []
        for row in rows:
            for _attempt in range(3):
                try:
                    with transaction.atomic():
                        _insert([row], now=row.data["created_at"])
                    written.append(row)
                    break
                except (IntegrityError, DataError) as exc:
                    constraint = constraint_name(exc)
                    if is_drawn_number(constraint):
                        row.data["registration_number"] = new_registration_number(self.period)
                        row.data["card_token"] = secrets.token_urlsafe(24)
                        continue
                    if constraint == NIK_CONSTRAINT:
                        _create, to_update = _settle(
                            agency=self.agency, period=self.period, rows=[row], update=update
                        )
                        late += to_update
                        if to_update or row.outcome:
                            break
                    row.refuse([refusal_for(constraint)])
                    break
        return written


def refusal_for(constraint: str) -> tuple[str | None, str]:
    """(field or None, message) for a database constraint a row broke: the models' own message
    (`records.constraint_message`). Each rule has an earlier check; this is the net under it."""
    found = constraint_message(constraint)
    if found is not None:
        return found
    return None, _("The row breaks a data rule (%(rule)s) and was not saved.") % {"rule": constraint or "?"}


def _insert(rows: list[ManyRow], *, now) -> None:
    copy_into(WorkerRecord, [r.data for r in rows], now=now)


def _next_ids(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [WorkerRecord._meta.db_table, count],
        )
        return [r[0] for r in cursor.fetchall()]


def _update(*, period: Period, rows: list[ManyRow], actor: Any, units: Units, ip: str | None) -> None:
    """`worker_update`'s rules for many records: locked in id order, compared field by field, the
    changed ones written with one UPDATE and audited with COPY; the duplicate flags of a record
    whose name, birth date or NIK changed refreshed one by one (as the form does)."""
    records = {
        r.pk: r
        for r in WorkerRecord.objects.select_for_update(of=("self",))
        .select_related("work_unit")
        .filter(pk__in=[row.record_id for row in rows])
        .order_by("pk")
    }
    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    changed: list[WorkerRecord] = []
    fields: set[str] = set()
    audit: list[dict[str, Any]] = []
    refresh: list[tuple[int, set[int]]] = []
    signals: list[tuple[int, dict, str]] = []
    flag = Flag.POSSIBLE_DUPLICATE.value
    for row in rows:
        record = records[row.record_id]
        if record.status not in EDITABLE_STATUSES:
            row.refuse([(None, not_editable_message(record))])
            continue
        unit = units.get(row.data.get("work_unit_name") or "")
        # Only what really changes, by the one comparison every path uses (`field_changes`).
        proposed = {name: unit if name == "work_unit" else row.data[name] for name in EDITABLE_FIELDS}
        changes = field_changes(record, proposed, fields=EDITABLE_FIELDS)
        before, after = audit_before_after(changes)
        identity_changed = [name for name in changes if name in IDENTITY_FIELDS]
        reason = (row.reason or "").strip()
        if identity_changed and record.has_worker_account and not reason:
            row.refuse([("reason", identity_reason_message())])
            continue
        repair = bool(DUPLICATE_FIELDS & changes.keys())
        former = duplicate_ids(record) if repair else set()
        for name, (_old, new) in changes.items():
            setattr(record, name, new)
        if repair:
            flags = compute_flags(period=period, data=record, exclude_pk=record.pk)
        else:
            # The pairing is unchanged: the eligibility rules afresh, the duplicate flag as it was.
            flags = eligibility_flags(record, period)
            if flag in record.flags:
                flags = sorted({*flags, flag})
        if flags != record.flags:
            before["flags"], after["flags"] = record.flags, flags
            record.flags = flags
        row.outcome = UPDATED if changes else UNCHANGED
        if not after:
            continue
        record.updated_at = now
        changed.append(record)
        fields.update("work_unit" if name == "work_unit" else name for name in after)
        audit.append(
            {
                "actor_id": actor_id,
                "action": AuditAction.RECORD_UPDATE.value,
                "object_type": WorkerRecord._meta.label_lower,
                "object_id": str(record.pk),
                "record_id": record.pk,
                "agency_id": record.agency_id,
                "before": before,
                "after": after,
                "reason": reason if identity_changed else "",
                "ip": ip,
                "created_at": now,
            }
        )
        if changes:
            signals.append((record.pk, changes, reason))
        if repair:
            refresh.append((record.pk, former))
    if not changed:
        return
    WorkerRecord.objects.bulk_update(changed, fields=sorted({*fields, "updated_at"}))
    copy_into(AuditEvent, audit, now=now, with_pk=False)
    for record_id, changes, reason in signals:
        record_changed.send(
            sender=WorkerRecord, record_id=record_id, changes=changes, actor_id=actor_id, reason=reason
        )
    for record_id, former in refresh:
        record_flags_refresh(record_id=record_id, former_counterparts=former)

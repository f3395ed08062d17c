"""The audit trail: who did what to which object, when, why and from where."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nonasn import rows
from registry.models.agencies import Agency
from registry.models.records import WorkerRecord
from registry.validators import identity_number, mask_number


class AuditAction(models.TextChoices):
    """The registry's audit actions with their timeline labels. Other apps keep their own enum and
    register it with `register_audit_actions` in their AppConfig.ready()."""

    RECORD_REGISTER = "record:register", _("Registered by the agency")
    RECORD_UPDATE = "record:update", _("Data changed by the agency")
    RECORD_WORKER_UPDATE = "record:worker_update", _("Data changed by the worker")
    RECORD_WORK_HISTORY = "record:work_history", _("Work history updated by the worker")
    RECORD_RESUBMIT = "record:resubmit", _("Submitted again")
    STATUS_ACCOUNT_CREATED = "status:account_created", _("Worker account created")
    STATUS_SUBMITTED = "status:submitted", _("Submitted")
    STATUS_ELIGIBLE = "status:eligible", _("Decided: eligible (MS)")
    STATUS_INELIGIBLE = "status:ineligible", _("Decided: ineligible (TMS)")
    STATUS_NEEDS_REVISION = "status:needs_revision", _("Returned for revision")
    STATUS_NOT_COMPLETED = "status:not_completed", _("Not completed")
    STATUS_RELEASED = "status:released", _("Released")
    STATUS_REGISTERED = "status:registered", _("Registered by the agency")
    DOCUMENT_UPLOAD_KTP = "document:upload:ktp", _("Document uploaded: KTP")
    DOCUMENT_UPLOAD_KK = "document:upload:kk", _("Document uploaded: family card (KK)")
    DOCUMENT_UPLOAD_PHOTO = "document:upload:photo", _("Document uploaded: passport photo")
    DOCUMENT_UPLOAD_SELFIE = "document:upload:selfie", _("Document uploaded: selfie")
    DOCUMENT_UPLOAD_DIPLOMA = "document:upload:diploma", _("Document uploaded: diploma")
    DOCUMENT_UPLOAD_SK = "document:upload:sk", _("Document uploaded: appointment decree (SK)")
    DOCUMENT_UPLOAD_PAY_PROOF = "document:upload:pay_proof", _("Document uploaded: proof of pay")
    IMPORT_UPLOAD = "import:upload", _("XLSX file uploaded")
    IMPORT_DONE = "import:done", _("XLSX import finished")
    IMPORT_RERUN = "import:rerun", _("XLSX import run again")
    EXPORT_CSV = "records:export:csv", _("Records exported (CSV)")
    EXPORT_XLSX = "records:export:xlsx", _("Records exported (XLSX)")
    SUBMISSION_OPEN = "submission:open", _("Agency added to the period")
    CONTACT_UPDATE = "agency:contact", _("Agency contact details changed")

    @classmethod
    def for_status(cls, status: str) -> AuditAction:
        return cls(f"status:{status}")

    @classmethod
    def for_document(cls, kind: str) -> AuditAction:
        return cls(f"document:upload:{kind}")


_ACTION_ENUMS: list[type[Enum]] = [AuditAction]


def register_audit_actions(enum: type[models.TextChoices]) -> None:
    """Another app's action enum (values "<app>:<what>", labels beside them) joins the timeline."""
    if enum not in _ACTION_ENUMS:
        _ACTION_ENUMS.append(enum)


def audit_action_choices() -> list[tuple[str, str]]:
    """Every registered action with its label (the admin's audit filter)."""
    return [(str(choice.value), str(choice.label)) for enum in _ACTION_ENUMS for choice in enum]


def audit_action_label(action: str) -> str:
    for enum in _ACTION_ENUMS:
        try:
            return str(enum(action).label)
        except ValueError:
            continue
    return action


# How each kind of field is compared: two values that differ only as the paths normalise them
# (a NIK typed with spaces or dots, an e-mail in other capitals, extra spaces) are the same value.
_NUMBER_FIELDS = frozenset({"nik", "kk"})
_CASELESS_FIELDS = frozenset({"email"})
# Fields whose values the audit trail keeps only masked (it is shown on pages).
_MASKED_IN_AUDIT = frozenset({"nik", "kk"})


def _comparable(name: str, value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if value is None:
        return ""
    if isinstance(value, str):
        if name in _NUMBER_FIELDS:
            return identity_number(value)
        value = " ".join(value.split())
        return value.casefold() if name in _CASELESS_FIELDS else value
    return value


def field_changes(
    current: Any, proposed: Mapping[str, Any], *, fields: Iterable[str] | None = None
) -> dict[str, tuple[Any, Any]]:
    """The fields of `proposed` (or only `fields`) whose value differs from `current`'s (an object
    or a mapping), as {name: (old, new)}: the one answer to "what does this save change" for every
    path that audits field changes (the agency's form and API, the worker's sections, the account's
    contact data, the agency contact). An empty answer means the save changes nothing: no write, no
    audit row, no e-mail."""
    read = current.get if isinstance(current, Mapping) else (lambda name: getattr(current, name))
    changes = {}
    for name in proposed if fields is None else fields:
        old, new = read(name), proposed[name]
        if _comparable(name, old) != _comparable(name, new):
            changes[name] = (old, new)
    return changes


def audit_value(name: str, value: Any) -> Any:
    """A field's value as the audit row keeps it (JSON; NIK and KK masked; a related row by its name)."""
    if name in _MASKED_IN_AUDIT:
        return mask_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(getattr(value, "name", value))
    return value


def audit_before_after(changes: Mapping[str, tuple[Any, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The audit row's `before` and `after` of `field_changes`' answer."""
    before = {name: audit_value(name, old) for name, (old, _new) in changes.items()}
    after = {name: audit_value(name, new) for name, (_old, new) in changes.items()}
    return before, after


TIMELINE_LENGTH = 200
_ACTOR_FIELDS = ("id", "username", "first_name", "last_name")


class AuditEventQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> AuditEventQuerySet:
        return self.filter(agency=agency)


class AuditEventManager(models.Manager.from_queryset(AuditEventQuerySet)):
    def timeline(self, record_id: int, limit: int = TIMELINE_LENGTH) -> list[AuditEvent]:
        """A record's history, newest first, each event with its actor's name loaded (the record
        pages' "History of this record"): `filter(record=…).select_related("actor")` ordered newest
        first, in SQL written once, since it is on every record page (nonasn.rows says why)."""
        model = self.model
        user = model._meta.get_field("actor").related_model
        using = router.db_for_read(model)
        with connections[using].cursor() as cursor:
            cursor.execute(_timeline_sql(), [record_id, limit])
            found = cursor.fetchall()
        split = rows.width(model)
        actor_field = model._meta.get_field("actor")
        events = []
        for row in found:
            event = rows.instance(model, using, row[:split])
            actor = rows.instance(user, using, row[split:], _ACTOR_FIELDS) if row[split] is not None else None
            actor_field.set_cached_value(event, actor)
            events.append(event)
        return events


class AuditEvent(models.Model):
    """Who did what to which object, when, why and from where. Never edited, never deleted."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    record = models.ForeignKey(
        WorkerRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEventManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    @property
    def action_label(self) -> str:
        return audit_action_label(self.action)

    @classmethod
    def log(
        cls,
        *,
        actor: Any,
        action: str,
        obj: models.Model,
        before: dict | None = None,
        after: dict | None = None,
        reason: str = "",
        ip: str | None = None,
    ) -> AuditEvent:
        record = obj if isinstance(obj, WorkerRecord) else getattr(obj, "record", None)
        # By id where the object carries one: loading the agency row only to name it costs a query
        # on every audited write (each upload, each section a worker saves).
        agency_id = getattr(obj, "agency_id", None) or (
            record.agency_id if isinstance(record, WorkerRecord) else None
        )
        if isinstance(obj, Agency):
            agency_id = obj.pk
        elif agency_id is None:
            agency = getattr(obj, "agency", None)
            agency_id = agency.pk if isinstance(agency, Agency) else None
        return cls.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            record=record if isinstance(record, WorkerRecord) else None,
            agency_id=agency_id,
            before=before or {},
            after=after or {},
            reason=reason,
            ip=ip,
        )


@functools.cache
def _timeline_sql() -> str:
    user = AuditEvent._meta.get_field("actor").related_model
    meta = AuditEvent._meta
    return (
        f"SELECT {rows.columns(AuditEvent, 'e')}, {rows.columns(user, 'u', _ACTOR_FIELDS)} "  # noqa: S608
        f'FROM "{meta.db_table}" e LEFT JOIN "{user._meta.db_table}" u '
        f'ON u."{user._meta.pk.column}" = e."{meta.get_field("actor").column}" '
        f'WHERE e."{meta.get_field("record").column}" = %s '
        f'ORDER BY e."{meta.get_field("created_at").column}" DESC, e."{meta.pk.column}" DESC LIMIT %s'
    )


def record_timeline(record_id: int, limit: int = TIMELINE_LENGTH) -> list[AuditEvent]:
    """A record's history, newest first (`AuditEvent.objects.timeline`)."""
    return AuditEvent.objects.timeline(record_id, limit)

"""The audit trail: who did what to which object, when, why and from where."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.agencies import Agency
from registry.models.records import WorkerRecord


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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

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
        agency = getattr(obj, "agency", None) or (record.agency if record else None)
        if isinstance(obj, Agency):
            agency = obj
        return cls.objects.create(
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            record=record if isinstance(record, WorkerRecord) else None,
            agency=agency if isinstance(agency, Agency) else None,
            before=before or {},
            after=after or {},
            reason=reason,
            ip=ip,
        )

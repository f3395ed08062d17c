"""Signal wiring only; what happens lives in accounts/services/notifications.py."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from registry.models import AuditEvent


@receiver(post_save, sender=AuditEvent, dispatch_uid="accounts.status_change_email")
def _status_change_email(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    if created:
        from accounts.services.notifications import on_audit_event

        on_audit_event(instance)

"""E-mail to a worker whenever their record's status changes.

Every status change goes through WorkerRecord.transition_to, which writes one `status:<target>`
audit row; a receiver on that row (accounts/signals.py) queues the e-mail after the commit, so
agency-side and worker-side transitions notify alike and a rolled-back change sends nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from registry.models import AuditEvent, Status, WorkerRecord

logger = logging.getLogger(__name__)


def _recipient(record: WorkerRecord) -> str:
    account = getattr(record, "account", None) if record.pk else None
    return (record.email or (account.email if account else "")).strip()


def status_change_notify(*, record_id: int, target: str, reason: str = "") -> None:
    """Send the e-mail now (called after commit)."""
    record = WorkerRecord.objects.select_related("agency").filter(pk=record_id).first()
    if record is None:
        return
    to = _recipient(record)
    if not to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "record": record,
            "status": Status(target).label,
            "target": target,
            "reason": reason,
            "home_url": settings.SITE_URL + reverse("worker:home"),
            "login_url": settings.SITE_URL + reverse("worker:login"),
        }
        subject = _("Your data collection status: %(status)s") % {"status": context["status"]}
        body = render_to_string("accounts/email/status_changed.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:  # a mail server outage must not break the worker's or operator's action
        logger.exception("Status e-mail for record %s failed", record_id)


def on_audit_event(event: AuditEvent) -> None:
    if not event.action.startswith("status:") or event.record_id is None:
        return
    target = event.action.removeprefix("status:")
    if target not in Status.values or target == Status.REGISTERED:
        return
    record_id, reason = event.record_id, event.reason
    transaction.on_commit(lambda: status_change_notify(record_id=record_id, target=target, reason=reason))

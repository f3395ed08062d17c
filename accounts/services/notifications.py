"""E-mail to a worker whenever their record's status or identity data changes.

Every status change goes through WorkerRecord.transition_to, which sends the named signal
`record_status_changed` after the commit; accounts/signals.py connects it here, so agency-side
and worker-side transitions notify alike and a rolled-back change sends nothing. An operator's
correction of identity data (with a reason) arrives through `record_changed`
(accounts/services/worker_account.py) and is mailed after the commit too.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from registry.models import Status, WorkerRecord

logger = logging.getLogger(__name__)


def _recipient(record: WorkerRecord) -> str:
    account = getattr(record, "account", None) if record.pk else None
    return (record.email or (account.email if account else "")).strip()


def status_change_notify(*, record_id: int, target: str, reason: str = "") -> None:
    """Send the e-mail now (called after commit)."""
    if target == Status.REGISTERED:
        return
    record = WorkerRecord.objects.select_related("agency").filter(pk=record_id).first()
    if record is not None:
        _status_mail(record, target, reason)


def status_change_notify_many(*, record_ids: list[int], target: str, reason: str = "") -> int:
    """The e-mails of a set-based change (finalisation's not_completed), for the records whose worker
    has an address; returns how many were sent. Run by a background task, a batch at a time."""
    records = (
        WorkerRecord.objects.filter(pk__in=record_ids).select_related("agency", "account").order_by("pk")
    )
    return sum(_status_mail(record, target, reason) for record in records)


def _status_mail(record: WorkerRecord, target: str, reason: str) -> bool:
    to = _recipient(record)
    if not to:
        return False
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
        logger.exception("Status e-mail for record %s failed", record.pk)
        return False
    return True


def identity_change_notify(*, record_id: int, fields: list[str], reason: str) -> None:
    """Tell the worker that the agency corrected their identity data (called after commit)."""
    record = WorkerRecord.objects.select_related("agency").filter(pk=record_id).first()
    if record is None:
        return
    to = _recipient(record)
    if not to:
        return
    with translation.override(settings.LANGUAGE_CODE):
        labels = ", ".join(str(WorkerRecord._meta.get_field(name).verbose_name) for name in fields)
        context = {
            "record": record,
            "fields": labels,
            "reason": reason,
            "login_url": settings.SITE_URL + reverse("worker:login"),
        }
        subject = _("Your identity data was corrected by your agency")
        body = render_to_string("accounts/email/identity_changed.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:  # a mail server outage must not break the operator's action
        logger.exception("Identity-change e-mail for record %s failed", record_id)

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
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import StatusMail
from registry.models import AuditEvent, Status, WorkerRecord

logger = logging.getLogger(__name__)


def _recipient(record: WorkerRecord) -> str:
    account = getattr(record, "account", None) if record.pk else None
    return (record.email or (account.email if account else "")).strip()


def status_change_notify(*, record_id: int, target: str = "", reason: str = "") -> None:
    """Send the e-mail of the record's latest status change now (called after commit).

    It tells the final state: two moves committed together (a decision changed MS → submitted → TMS)
    make one e-mail with the status the record has now, whichever of their signals comes first.
    """
    status_change_notify_many(record_ids=[record_id])


def status_change_notify_many(*, record_ids: list[int], target: str = "", reason: str = "") -> int:
    """The e-mails of the records' latest status changes, each claimed once; returns how many were sent.

    Also run by a background task for set-based changes (finalisation), a batch at a time: a task
    delivered twice finds its changes claimed and sends nothing again.
    """
    latest = _latest_status_events(record_ids)
    claimed = _claim(latest)
    records = WorkerRecord.objects.filter(pk__in=claimed).select_related("agency", "account").order_by("pk")
    sent = 0
    for record in records:
        if record.status == Status.REGISTERED:
            continue  # back to the agency's own step: nothing for the worker to read
        event = latest[record.pk]
        if _status_mail(record, record.status, event.reason):
            sent += 1
        else:  # not sent (no address, a mail outage): the claim is given back for a later try
            StatusMail.objects.filter(record_id=record.pk, event_id=event.pk).delete()
    return sent


def _latest_status_events(record_ids: list[int]) -> dict[int, AuditEvent]:
    """{record_id: its newest status audit row} — the change a mail tells of."""
    events = (
        AuditEvent.objects.filter(record_id__in=record_ids, action__startswith="status:")
        .order_by("record_id", "-id")
        .distinct("record_id")
        .only("id", "record_id", "reason")
    )
    return {event.record_id: event for event in events}


def _claim(latest: dict[int, AuditEvent]) -> list[int]:
    """Claim each change with a conditional insert; the records whose claim this call won."""
    if not latest:
        return []
    table = StatusMail._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (record_id, event_id, sent_at)
                SELECT r, e, now() FROM unnest(%s::bigint[], %s::bigint[]) AS t(r, e)
                ON CONFLICT (record_id, event_id) DO NOTHING RETURNING record_id""",  # noqa: S608
            [list(latest), [event.pk for event in latest.values()]],
        )
        return [row[0] for row in cursor.fetchall()]


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

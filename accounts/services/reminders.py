"""Reminder e-mails to workers whose record is not submitted yet, some days before their agency's
input deadline (settings.REMINDER_DAYS_BEFORE_INPUT_DEADLINE, 7 and 2 by default).

Run by the task worker (accounts.tasks.send_deadline_reminders, queued daily by the command
`send_deadline_reminders`). Each reminder is claimed with an insert that the unique constraint of
DeadlineReminder lets through once per record and threshold, so a second run sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import DeadlineReminder
from accounts.services.notifications import _recipient
from registry.models import AgencySubmission, Period, Status, WorkerRecord

logger = logging.getLogger(__name__)

NOT_SUBMITTED = (Status.REGISTERED, Status.ACCOUNT_CREATED, Status.NEEDS_REVISION)


def reminder_threshold(*, deadline: dt.datetime, now: dt.datetime) -> int | None:
    """The reminder due now: the smallest of the configured days the deadline is within (None when
    the deadline has passed or is further away than every threshold)."""
    if now >= deadline:
        return None
    due = [d for d in settings.REMINDER_DAYS_BEFORE_INPUT_DEADLINE if deadline - now <= dt.timedelta(days=d)]
    return min(due) if due else None


def _claim(*, submission: AgencySubmission, days: int) -> list[int]:
    """Claim the agency's not-submitted records for this reminder; returns the newly claimed ids."""
    reminder, record = DeadlineReminder._meta, WorkerRecord._meta
    sql = (
        f'INSERT INTO "{reminder.db_table}" (record_id, days_before, sent_at) '  # noqa: S608
        f'SELECT r."id", %s, now() FROM "{record.db_table}" r '
        "WHERE r.agency_id = %s AND r.period_id = %s AND r.status = ANY(%s) "
        "ON CONFLICT (record_id, days_before) DO NOTHING RETURNING record_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [days, submission.agency_id, submission.period_id, list(NOT_SUBMITTED)])
        return [row[0] for row in cursor.fetchall()]


def deadline_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send the reminders due now to every open agency's not-submitted workers; returns how many
    e-mails went out."""
    now = now or timezone.now()
    period = Period.objects.active()
    if period is None:
        return 0
    sent = 0
    submissions = AgencySubmission.objects.filter(period=period, phase=AgencySubmission.Phase.OPEN)
    for submission in submissions.select_related("agency", "period"):
        deadline = submission.deadline("input")
        days = reminder_threshold(deadline=deadline, now=now)
        if days is None:
            continue
        with transaction.atomic():
            claimed = _claim(submission=submission, days=days)
        records = (
            WorkerRecord.objects.filter(pk__in=claimed).select_related("agency", "account").order_by("pk")
        )
        sent += sum(_reminder_mail(record, deadline) for record in records.iterator(chunk_size=500))
    return sent


def _reminder_mail(record: WorkerRecord, deadline: dt.datetime) -> bool:
    to = _recipient(record)
    if not to:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "record": record,
            "deadline": timezone.localtime(deadline),
            "has_account": record.status != Status.REGISTERED,
            "home_url": settings.SITE_URL + reverse("worker:home"),
            "register_url": settings.SITE_URL + reverse("worker:register"),
            "help_url": settings.SITE_URL + reverse("help:index"),
        }
        subject = _("Reminder: send your data before %(date)s") % {
            "date": context["deadline"].strftime("%d-%m-%Y %H:%M")
        }
        body = render_to_string("accounts/email/deadline_reminder.txt", context)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:  # one failed address must not stop the others
        logger.exception("Reminder e-mail for record %s failed", record.pk)
        return False
    return True

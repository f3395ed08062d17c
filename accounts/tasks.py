"""Background work of accounts (run by `manage.py task_worker`): e-mails of set-based changes."""

from __future__ import annotations

from django_tasks import task

# Records per task: a finalisation of 140,000 records becomes a few hundred tasks of mail.
MAIL_BATCH = 500


@task()
def status_emails(record_ids: list[int], target: str, reason: str = "") -> dict[str, int]:
    from accounts.services.notifications import status_change_notify_many

    sent = status_change_notify_many(record_ids=record_ids, target=target, reason=reason)
    return {"records": len(record_ids), "sent": sent}


@task()
def send_deadline_reminders() -> dict[str, int]:
    """Reminders before each agency's input deadline; safe to run any number of times a day."""
    from accounts.services.reminders import deadline_reminders_send

    return {"sent": deadline_reminders_send()}

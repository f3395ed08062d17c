"""Signal wiring only; what happens lives in accounts/services (connected in AccountsConfig.ready())."""

from __future__ import annotations

from django.dispatch import receiver

from registry.models import WorkerRecord
from registry.signals import record_changed, record_status_changed, records_status_changed


@receiver(record_status_changed, sender=WorkerRecord, dispatch_uid="accounts.status_change_email")
def _status_change_email(sender, *, record_id: int, old: str, new: str, reason: str = "", **kwargs) -> None:
    from accounts.services.notifications import status_change_notify

    status_change_notify(record_id=record_id, target=new, reason=reason)


@receiver(records_status_changed, sender=WorkerRecord, dispatch_uid="accounts.status_change_emails")
def _status_change_emails(sender, *, record_ids: list[int], new: str, reason: str = "", **kwargs) -> None:
    """Many records at once (finalisation): their e-mails are sent by the task worker, in batches."""
    from accounts.tasks import MAIL_BATCH, status_emails

    for start in range(0, len(record_ids), MAIL_BATCH):
        status_emails.enqueue(record_ids=record_ids[start : start + MAIL_BATCH], target=new, reason=reason)


@receiver(record_changed, sender=WorkerRecord, dispatch_uid="accounts.worker_account_sync")
def _worker_account_sync(
    sender, *, record_id: int, changes: dict, actor_id: int | None, reason: str = "", **kw
):
    from accounts.services.worker_account import worker_account_sync

    worker_account_sync(record_id=record_id, changes=changes, actor_id=actor_id, reason=reason)

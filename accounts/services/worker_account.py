"""Keep a worker's login in step with the record it belongs to.

The registry announces every change of a record's data with `record_changed`, inside the
transaction that makes it; the login is updated in that same transaction. A worker logs in by
the NIK (read through the record, so a corrected NIK works at once) or by the account's e-mail.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import Role, User
from registry.signals import IDENTITY_FIELDS


def worker_account_sync(
    *, record_id: int, changes: dict[str, tuple[Any, Any]], actor_id: int | None, reason: str
) -> None:
    user = User.objects.select_for_update().filter(role=Role.WORKER, worker_record_id=record_id).first()
    if user is None:
        return
    update: list[str] = []
    if "email" in changes and actor_id == user.pk:
        # The worker's own new address is also where their login and password-reset mails go.
        new_email = (changes["email"][1] or "").strip()
        if new_email and new_email != user.email:
            user.email = new_email
            update.append("email")
    if "full_name" in changes:
        user.first_name = (changes["full_name"][1] or "")[:150]
        update.append("first_name")
    if update:
        user.save(update_fields=update)
    identity = sorted(name for name in changes if name in IDENTITY_FIELDS)
    if identity and actor_id != user.pk:
        from accounts.services.notifications import identity_change_notify

        transaction.on_commit(
            lambda: identity_change_notify(record_id=record_id, fields=identity, reason=reason)
        )

"""Named signals the registry sends; other apps connect to them in their AppConfig.ready().

record_status_changed  after the commit of a status change (WorkerRecord.transition_to):
                       record_id, old, new, actor_id, reason
record_changed         inside the transaction that changes a record's data, so a receiver can keep
                       its own rows in step atomically (accounts: the worker's login):
                       record_id, changes {field: (old, new)}, actor_id, reason
records_status_changed after the commit of a set-based status change (finalisation moving every
                       record never submitted to not_completed): record_ids, new, reason
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

record_status_changed = Signal()
record_changed = Signal()
records_status_changed = Signal()

# Identity fields: entered by the agency, matched by the worker at step 1, the basis of the login.
IDENTITY_FIELDS = ("nik", "kk", "full_name", "birth_place", "birth_date", "sex")


def send_on_commit(signal: Signal, *, sender: Any, **kwargs: Any) -> None:
    """Send `signal` once the current transaction commits (never for a rolled-back change).

    A failing receiver is logged and does not disturb the others nor the person's request.
    """

    def send() -> None:
        for receiver, result in signal.send_robust(sender=sender, **kwargs):
            if isinstance(result, Exception):
                logger.error("Receiver %r of a registry signal failed", receiver, exc_info=result)

    transaction.on_commit(send)

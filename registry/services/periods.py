"""The active period as pages read it: looked up at most once every few seconds per process.

Nearly every portal page starts by reading the active period (its rows are filtered by it, its
header shows its deadlines); that query and its ORM work were a tenth of a page's cost. Pages read
it from this memo, renewed every PERIOD_MEMO_SECONDS and at once in the process that saves or
deletes a period; another process sees a change within those seconds. Writes never rely on it:
every write path checks its agency's phase and deadlines under lock (registry.services.phase).
"""

from __future__ import annotations

from time import monotonic

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from registry.models import Period

PERIOD_MEMO_SECONDS = 5.0

_memo: tuple[float, Period | None] | None = None


def current_period() -> Period | None:
    """The active period (None without one), as of at most PERIOD_MEMO_SECONDS ago."""
    global _memo
    memo = _memo
    now = monotonic()
    if memo is not None and memo[0] > now:
        return memo[1]
    period = Period.objects.active()
    _memo = (now + PERIOD_MEMO_SECONDS, period)
    return period


def forget_current_period() -> None:
    global _memo
    _memo = None


@receiver(post_save, sender=Period, dispatch_uid="registry.periods.forget_on_save")
@receiver(post_delete, sender=Period, dispatch_uid="registry.periods.forget_on_delete")
def _period_changed(**kwargs) -> None:
    forget_current_period()

"""What portal pages read from per-process memos (nonasn.memo): the active period, and an agency's
work units as the filter bars offer them.

Nearly every portal page starts by reading the active period (its rows are filtered by it, its header
shows its deadlines), and the list and the queue offer the agency's units to filter by; those
queries and their ORM work were a tenth of such a page's cost. Each is read again every
MEMO_SECONDS, and at once in the process that saves or deletes a period or a unit. Writes never rely
on them: the write forms read the units fresh, and every write checks its agency's phase and
deadlines under lock (registry.services.phase).
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from nonasn.memo import ShortMemo
from registry.models import Period, WorkUnit

MEMO_SECONDS = 5.0

_period: ShortMemo[Period | None] = ShortMemo(MEMO_SECONDS)
_units: ShortMemo[list[WorkUnit]] = ShortMemo(MEMO_SECONDS)


def current_period() -> Period | None:
    """The active period (None without one), as of at most MEMO_SECONDS ago."""
    return _period.get(None, Period.objects.active)


def filter_units(agency_id: int) -> list[WorkUnit]:
    """The agency's work units (id, name, BLU) for a filter bar, as of at most MEMO_SECONDS ago."""
    return _units.get(
        agency_id, lambda: list(WorkUnit.objects.filter(agency_id=agency_id).only("id", "name", "is_blu"))
    )


def forget_memos() -> None:
    _period.forget()
    _units.forget()


@receiver(post_save, sender=Period, dispatch_uid="registry.memos.period_saved")
@receiver(post_delete, sender=Period, dispatch_uid="registry.memos.period_deleted")
def _period_changed(**kwargs) -> None:
    _period.forget()


@receiver(post_save, sender=WorkUnit, dispatch_uid="registry.memos.unit_saved")
@receiver(post_delete, sender=WorkUnit, dispatch_uid="registry.memos.unit_deleted")
def _unit_changed(**kwargs) -> None:
    _units.forget()

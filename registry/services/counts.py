"""The agency dashboard's counts: records per status, per flag (active records) and flagged records.

By default they are counted from the records in one pass (GROUP BY status, flags), a big agency's
kept in the cache for COUNTS_CACHE_SECONDS. An app that keeps a running tally of the records
registers it with `register_counts_source()` — verification does (RecordTally, kept by database
triggers) — and then every dashboard reads the tally instead: exact on every visit, about a
millisecond at any size (counting 140,000 records took 60 ms).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count

from registry.models import Status, WorkerRecord

COUNTS_CACHE_SECONDS = 10
COUNTS_CACHE_FROM = 1_000


@dataclass(frozen=True)
class Counts:
    per_status: dict[str, int]
    per_flag: dict[str, int]  # active records carrying each flag
    flagged: int  # active records with at least one flag


CountsSource = Callable[[int, int], Counts]
_source: CountsSource | None = None


def register_counts_source(source: CountsSource | None) -> None:
    """`source(agency_id, period_id)` answers every dashboard from now on (None: count again)."""
    global _source
    _source = source


def agency_counts(*, agency_id: int, period_id: int) -> Counts:
    if _source is not None:
        return _source(agency_id, period_id)
    key = f"dashboard:counts:{agency_id}:{period_id}"
    counts = cache.get(key)
    if counts is None:
        counts = count_records(WorkerRecord.objects.filter(agency_id=agency_id, period_id=period_id))
        if sum(counts.per_status.values()) >= COUNTS_CACHE_FROM:
            cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def count_records(records) -> Counts:
    """Every number of the dashboard from one pass over the records."""
    per_status: Counter[str] = Counter()
    per_flag: Counter[str] = Counter()
    flagged = 0
    rows = records.values_list("status", "flags").annotate(n=Count("id")).order_by()
    for status, flags, n in rows:
        per_status[status] += n
        if flags and status != Status.RELEASED:
            flagged += n
            for flag in set(flags):
                per_flag[flag] += n
    return Counts(dict(per_status), dict(per_flag), flagged)

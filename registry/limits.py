"""Rate limits, counted atomically in PostgreSQL: the one mechanism behind every limit of the site
(Cek Status, Buat Akun's identity check, complaints and reports, logins).

A limit allows `most` hits of one key within a sliding `window` (optionally paced: after
`pace_after` hits, each further one waits a growing delay after the last). `limits_take` takes a
transaction-scoped advisory lock per (scope, key), in one fixed order (no deadlock between two
requests sharing keys), then counts and records the hit while holding it: simultaneous requests
for one key are counted one after the other, so thirty at once get exactly the limit, however
many app servers run them. Refused requests record nothing. Called inside a caller's transaction,
the hit is part of it (a rolled-back filing did not count) and the lock is held until its commit.

Keys are chosen by the caller with one rule in mind: a third party must not be able to exhaust the
limit of the person concerned. A per-NIK limit is therefore counted per (NIK, address) wherever a
request names someone else's NIK (see announcements.services.complaints), and addresses are
counted per IPv6 /64 (nonasn.client_ip.limit_address).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from registry.models import LimitHit


@dataclass(frozen=True)
class Limit:
    scope: str
    key: str
    most: int
    window: dt.timedelta
    # Pacing: after `pace_after` hits in the window, the next waits `pace_step` times the hits over
    # it after the latest hit, up to `pace_max` (a request never sleeps: it is refused until then).
    pace_after: int | None = None
    pace_step: dt.timedelta = dt.timedelta(0)
    pace_max: dt.timedelta = dt.timedelta(0)

    def _rows_needed(self) -> int:
        if self.pace_after is None or not self.pace_step:
            return self.most
        return max(self.most, self.pace_after + math.ceil(self.pace_max / self.pace_step) + 1)

    def retry_at(self, times: Sequence[dt.datetime], now: dt.datetime) -> dt.datetime | None:
        """When a new hit is allowed, given the window's hits (newest first); None when now."""
        candidates = []
        if len(times) >= self.most:
            # Allowed again when the oldest of the last `most` hits leaves the window.
            candidates.append(times[self.most - 1] + self.window)
        if self.pace_after is not None and self.pace_step and len(times) > self.pace_after:
            delay = min((len(times) - self.pace_after) * self.pace_step, self.pace_max)
            candidates.append(times[0] + delay)
        later = [t for t in candidates if t > now]
        return max(later) if later else None


class LimitReached(Exception):
    """A limit is reached: nothing was counted; `retry_at` says when to try again."""

    def __init__(self, retry_at: dt.datetime):
        self.retry_at = retry_at
        super().__init__(f"rate limited until {retry_at.isoformat()}")


@dataclass(frozen=True)
class Taken:
    """The hits one request recorded, to give back when it turns out not to count (a success)."""

    hit_ids: tuple[int, ...]


def lock_keys(names: Sequence[str]) -> None:
    """Wait for, then hold until the transaction ends, one lock per name: the serialisation every
    limit relies on (also django-axes' login lockout, accounts.backends.login_serialised)."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_keys needs a transaction: the locks last until it ends")
    names = sorted(set(names))
    # One statement, the locks taken left to right in sorted order: the same order for everyone.
    columns = ", ".join("pg_advisory_xact_lock(hashtextextended(%s, 0))" for _ in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", names)  # noqa: S608 - placeholders only


def _lock(limits: Sequence[Limit]) -> None:
    lock_keys([f"{limit.scope}:{limit.key}" for limit in limits])


@transaction.atomic
def limits_take(*, limits: Sequence[Limit], now: dt.datetime) -> Taken:
    """Count one hit against every limit, or raise LimitReached (then nothing is counted)."""
    limits = [limit for limit in limits if limit.key]
    if not limits:
        return Taken(())
    _lock(limits)
    retry: dt.datetime | None = None
    for limit in limits:
        times = list(
            LimitHit.objects.filter(scope=limit.scope, key=limit.key, at__gt=now - limit.window)
            .order_by("-at")
            .values_list("at", flat=True)[: limit._rows_needed()]
        )
        candidate = limit.retry_at(times, now)
        if candidate is not None:
            retry = max(retry, candidate) if retry else candidate
    if retry is not None:
        raise LimitReached(retry)
    # Hits that left their window count no more: each key keeps at most its window's rows.
    expired = Q()
    for limit in limits:
        expired |= Q(scope=limit.scope, key=limit.key, at__lte=now - limit.window)
    LimitHit.objects.filter(expired).delete()
    hits = LimitHit.objects.bulk_create(
        [LimitHit(scope=limit.scope, key=limit.key, at=now) for limit in limits]
    )
    return Taken(tuple(hit.pk for hit in hits))


def limits_give_back(*, taken: Taken) -> None:
    """The request did not count after all (a successful identity check): remove its hits."""
    if taken.hit_ids:
        LimitHit.objects.filter(pk__in=taken.hit_ids).delete()


def limits_clear(*, scope: str, key: str = "", key_prefix: str = "") -> int:
    """Forget a key's hits (the agency lifts a lock); `key_prefix` clears every key starting with it."""
    hits = LimitHit.objects.filter(scope=scope)
    hits = hits.filter(key__startswith=key_prefix) if key_prefix else hits.filter(key=key)
    cleared, _ = hits.delete()
    return cleared


def limits_prune(*, before: dt.datetime) -> int:
    """Forget hits older than every window (a key's own old hits go as it is counted again; this
    is for keys never seen again). Run daily: `python manage.py prune_limit_hits`."""
    deleted, _ = LimitHit.objects.filter(at__lt=before).delete()
    return deleted

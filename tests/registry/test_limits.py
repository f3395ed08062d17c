"""registry.limits directly: sliding windows, pacing, giving a hit back, pruning."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from registry.limits import Limit, LimitReached, limits_give_back, limits_take
from registry.models import LimitHit

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def test_a_limit_refuses_the_hit_over_it_with_the_time_the_oldest_leaves_the_window():
    now = timezone.now()
    limit = Limit("test:x", "k", 2, HOUR)
    limits_take(limits=[limit], now=now - dt.timedelta(minutes=30))
    limits_take(limits=[limit], now=now)
    with pytest.raises(LimitReached) as refused:
        limits_take(limits=[limit], now=now)
    assert refused.value.retry_at == now - dt.timedelta(minutes=30) + HOUR
    assert LimitHit.objects.count() == 2  # the refused one is not counted


def test_a_refusal_by_one_limit_counts_nothing_against_the_others():
    now = timezone.now()
    tight, loose = Limit("test:tight", "k", 1, HOUR), Limit("test:loose", "k", 10, HOUR)
    limits_take(limits=[tight, loose], now=now)
    with pytest.raises(LimitReached):
        limits_take(limits=[tight, loose], now=now)
    assert LimitHit.objects.filter(scope="test:loose").count() == 1


def test_a_hit_given_back_does_not_count():
    now = timezone.now()
    limit = Limit("test:x", "k", 1, HOUR)
    limits_give_back(taken=limits_take(limits=[limit], now=now))
    limits_take(limits=[limit], now=now)
    assert LimitHit.objects.count() == 1


def test_pacing_waits_a_growing_delay_after_the_free_hits():
    now = timezone.now()
    limit = Limit("test:p", "k", 100, HOUR, pace_after=2, pace_step=dt.timedelta(seconds=10),
                  pace_max=dt.timedelta(seconds=60))  # fmt: skip
    for _ in range(3):
        limits_take(limits=[limit], now=now)
    with pytest.raises(LimitReached) as refused:
        limits_take(limits=[limit], now=now)
    assert refused.value.retry_at == now + dt.timedelta(seconds=10)
    limits_take(limits=[limit], now=now + dt.timedelta(seconds=11))


def test_old_hits_are_pruned_by_the_daily_command():
    LimitHit.objects.create(scope="test:x", key="k", at=timezone.now() - dt.timedelta(days=3))
    LimitHit.objects.create(scope="test:x", key="k", at=timezone.now())
    call_command("prune_limit_hits")
    assert LimitHit.objects.count() == 1

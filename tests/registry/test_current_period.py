"""The pages' memo of the active period: renewed on save and delete, and after a few seconds."""

from __future__ import annotations

import pytest

from registry.models import Period
from registry.services import periods
from registry.services.periods import current_period
from tests.factories import PeriodFactory

pytestmark = pytest.mark.django_db


def test_the_active_period_is_read_once_then_from_memory(django_assert_num_queries):
    period = PeriodFactory(is_active=True)
    with django_assert_num_queries(1):
        assert current_period() == period
        assert current_period() == period


def test_saving_or_deleting_a_period_renews_it_at_once():
    first = PeriodFactory(is_active=True)
    assert current_period() == first
    first.is_active = False
    first.save()
    assert current_period() is None
    second = PeriodFactory(is_active=True)
    assert current_period() == second
    second.delete()
    assert current_period() is None


def test_a_change_made_elsewhere_is_seen_after_the_memo_expires(monkeypatch):
    period = PeriodFactory(is_active=True)
    assert current_period() == period
    Period.objects.filter(pk=period.pk).update(is_active=False)  # another process: no signal here
    assert current_period() == period
    clock = periods.monotonic() + periods.PERIOD_MEMO_SECONDS + 1
    monkeypatch.setattr(periods, "monotonic", lambda: clock)
    assert current_period() is None

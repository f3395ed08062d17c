"""The pages' memos (registry.services.memos): renewed on save and delete, and after a few seconds."""

from __future__ import annotations

import pytest

from nonasn import memo
from registry.models import Period, WorkUnit
from registry.services import memos
from registry.services.memos import current_period, filter_units
from tests.factories import AgencyFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def _later(monkeypatch) -> None:
    clock = memo.monotonic() + memos.MEMO_SECONDS + 1
    monkeypatch.setattr(memo, "monotonic", lambda: clock)


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


def test_a_period_changed_elsewhere_is_seen_after_the_memo_expires(monkeypatch):
    period = PeriodFactory(is_active=True)
    assert current_period() == period
    Period.objects.filter(pk=period.pk).update(is_active=False)  # another process: no signal here
    assert current_period() == period
    _later(monkeypatch)
    assert current_period() is None


def test_an_agencys_filter_units_are_its_own_and_follow_its_changes(django_assert_num_queries, monkeypatch):
    agency, other = AgencyFactory(), AgencyFactory()
    health = WorkUnit.objects.create(agency=agency, name="Dinas Kesehatan")
    WorkUnit.objects.create(agency=other, name="Dinas Lain")
    with django_assert_num_queries(1):
        assert filter_units(agency.pk) == [health]
        assert filter_units(agency.pk) == [health]
    school = WorkUnit.objects.create(agency=agency, name="Dinas Pendidikan")  # renews at once
    assert filter_units(agency.pk) == [health, school]
    school.delete()
    assert filter_units(agency.pk) == [health]
    WorkUnit.objects.filter(pk=health.pk).update(name="Dinas Kesehatan Kota")  # elsewhere: no signal
    assert filter_units(agency.pk)[0].name == "Dinas Kesehatan"
    _later(monkeypatch)
    assert filter_units(agency.pk)[0].name == "Dinas Kesehatan Kota"

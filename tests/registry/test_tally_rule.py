"""The tally's counting rule exists as SQL (the triggers of registry migration 0011) and as Python
(registry.services.counts.record_keys): on generated inserts, updates and deletes the triggers'
tally and a fresh count with the Python rule give the same numbers, key by key."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.models import Category, Flag, RecordTally, Status, WorkerRecord
from registry.services.counts import count_records, period_summary, period_tally, record_keys, tally_compact
from tests.factories import AgencyFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db

statuses = st.sampled_from(Status.values)
categories = st.sampled_from(Category.values)
flag_lists = st.lists(st.sampled_from(Flag.values), max_size=4)  # duplicates included on purpose
new_records = st.lists(st.tuples(st.integers(0, 2), statuses, categories, flag_lists), max_size=6)
changes = st.lists(
    st.one_of(
        st.tuples(st.just("status"), st.integers(0, 50), statuses),
        st.tuples(st.just("flags"), st.integers(0, 50), flag_lists),
        st.tuples(st.just("category"), st.integers(0, 50), categories),
        st.tuples(st.just("agency"), st.integers(0, 50), st.integers(0, 2)),
        st.tuples(st.just("delete"), st.integers(0, 50), st.none()),
        st.tuples(st.just("compact"), st.integers(0, 0), st.none()),
    ),
    max_size=6,
)


def test_the_python_rule_adds_a_flag_once_and_any_flag_once():
    assert record_keys(status="eligible", category="thk2", flags=["age", "age", "service"]) == [
        ("eligible", "thk2", ""),
        ("eligible", "thk2", "age"),
        ("eligible", "thk2", "service"),
        ("eligible", "thk2", "*"),
    ]
    assert record_keys(status="submitted", category="non_asn", flags=[]) == [("submitted", "non_asn", "")]


@pytest.fixture
def agencies(period):
    return [AgencyFactory() for _ in range(3)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(new=new_records, steps=changes)
def test_the_triggers_and_the_python_rule_give_the_same_counts(period, agencies, new, steps):
    WorkerRecord.objects.bulk_create(
        [
            WorkerRecordFactory.build(
                period=period, agency=agencies[a], status=status, category=category, flags=flags
            )
            for a, status, category, flags in new
        ]
    )  # one INSERT statement: the statement-level trigger sees several rows at once
    ids = list(WorkerRecord.objects.filter(period=period).order_by("pk").values_list("pk", flat=True))
    for what, at, value in steps:
        if what == "compact":
            tally_compact(period_id=period.pk)
            continue
        if not ids:
            break
        # Every other record from a position on: an UPDATE or DELETE of several rows at once.
        chosen = WorkerRecord.objects.filter(pk__in=ids[at % len(ids) :: 2])
        if what == "delete":
            chosen.delete()
            ids = list(WorkerRecord.objects.filter(period=period).values_list("pk", flat=True))
        elif what == "agency":
            chosen.update(agency=agencies[value])
        else:
            chosen.update(**{what: value})
    fresh = count_records(WorkerRecord.objects.filter(period=period))
    assert period_tally(period_id=period.pk) == {a: keys for a, keys in fresh.items() if keys}
    assert period_summary(period_id=period.pk) == _summary(fresh)


def _summary(fresh: dict) -> dict:
    """What period_summary must say, from the fresh count: active records per status, category, flag."""
    out: dict = {}
    for agency_id, keys in fresh.items():
        for (status, category, flag), n in keys.items():
            if status == Status.RELEASED or not n:
                continue
            summary = out.setdefault(agency_id, {"status": {}, "category": {}, "flag": {}})
            for what, key in (
                (("status", status), ("category", category)) if flag == "" else (("flag", flag),)
            ):
                summary[what][key] = summary[what].get(key, 0) + n
    return out


def test_an_edit_that_moves_no_count_appends_no_tally_row(period, agency):
    WorkerRecordFactory(period=period, agency=agency, flags=[Flag.AGE])
    before = RecordTally.objects.count()
    WorkerRecord.objects.filter(agency=agency).update(full_name="Nama Lain")
    assert RecordTally.objects.count() == before

"""A record's timeline (registry.models.record_timeline) is what the ORM gives, in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import AuditEvent, record_timeline
from tests.factories import UserFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db


def test_the_timeline_is_the_records_events_newest_first_with_their_actors_in_one_query():
    record = WorkerRecordFactory()
    other = WorkerRecordFactory(period=record.period)
    actor = UserFactory(role="operator", first_name="Sri", last_name="Wahyuni")
    for n in range(3):
        AuditEvent.log(actor=actor if n != 1 else None, action="record:update", obj=record,
                       before={"full_name": f"Nama {n}"}, after={"full_name": f"Nama {n + 1}"}, reason=f"r{n}")  # fmt: skip
    AuditEvent.log(actor=actor, action="record:update", obj=other, after={"x": 1})
    expected = list(AuditEvent.objects.filter(record=record).select_related("actor"))
    with CaptureQueriesContext(connection) as queries:
        events = record_timeline(record.pk)
        names = [e.actor.get_full_name() if e.actor else None for e in events]
    assert len(queries) == 1
    assert [e.pk for e in events] == [e.pk for e in expected]
    assert [(e.before, e.after, e.reason, e.action_label) for e in events] == [
        (e.before, e.after, e.reason, e.action_label) for e in expected
    ]
    assert names == [e.actor.get_full_name() if e.actor else None for e in expected]
    assert "Sri Wahyuni" in names and None in names
    assert isinstance(events[0].after, dict)
    assert len(record_timeline(record.pk, limit=2)) == 2

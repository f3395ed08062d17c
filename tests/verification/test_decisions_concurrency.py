"""Two operators deciding one record at once, on two real database connections (threads)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from registry.models import AuditEvent, Status, WorkerRecord
from tests.verification.decisions_helpers import make_submitted, staff
from verification.services.decisions import Outcome, RecordChanged, TmsReason, decision_record

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _race(record, first: dict, second: dict) -> dict[str, object]:
    """`first` decides and holds its transaction open until `second` is blocked on the row, then commits."""
    seen = WorkerRecord.objects.get(pk=record.pk)
    results: dict[str, object] = {}
    first_decided, release = threading.Event(), threading.Event()

    def run(name: str, kwargs: dict, hold: bool) -> None:
        try:
            with transaction.atomic():
                results[name] = decision_record(
                    record_id=record.pk,
                    expected_status=seen.status,
                    expected_updated_at=seen.updated_at,
                    **kwargs,
                ).status
                if hold:
                    first_decided.set()
                    release.wait(10)
        except RecordChanged as exc:
            results[name] = exc
        finally:
            first_decided.set()
            connections.close_all()

    a = threading.Thread(target=run, args=("first", first, True))
    a.start()
    assert first_decided.wait(10)
    b = threading.Thread(target=run, args=("second", second, False))
    b.start()
    deadline = time.monotonic() + 10
    while _waiting_for_a_lock() < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _waiting_for_a_lock() == 1, "the second operator should wait for the first one's row lock"
    assert "second" not in results
    release.set()
    a.join(10)
    b.join(10)
    return results


def test_two_operators_deciding_at_once_one_decision_stands_the_other_is_told(agency, period):
    record = make_submitted(agency, period)
    one, two = staff(agency), staff(agency)
    results = _race(
        record,
        {"outcome": Outcome.ELIGIBLE, "actor": one},
        {"outcome": Outcome.INELIGIBLE, "tms_reason": TmsReason.FAKE, "actor": two},
    )
    assert results["first"] == Status.ELIGIBLE
    assert isinstance(results["second"], RecordChanged)
    assert "telah diubah oleh pengguna lain" in results["second"].messages[0]
    record.refresh_from_db()
    assert (record.status, record.decided_by) == (Status.ELIGIBLE, one)
    assert list(AuditEvent.objects.filter(record=record).values_list("action", "actor")) == [
        ("status:eligible", one.pk)
    ]


def test_a_double_submit_racing_itself_records_one_decision(agency, period):
    record = make_submitted(agency, period)
    operator = staff(agency)
    same = {"outcome": Outcome.ELIGIBLE, "actor": operator}
    results = _race(record, same, same)
    assert results == {"first": Status.ELIGIBLE, "second": Status.ELIGIBLE}
    assert AuditEvent.objects.filter(record=record, action="status:eligible").count() == 1

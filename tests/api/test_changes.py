"""The changes feed: status changes and decisions of the agency's records, in order, from a cursor."""

from __future__ import annotations

from registry.models import Status
from registry.services.records import worker_release
from registry.services.transitions import record_transition
from tests.factories import WorkerRecordFactory
from verification.services.decisions import decision_record


def test_changes_come_in_the_order_they_happened_and_resume_from_the_cursor(
    api, agency, other_agency, operator, period
):
    first = WorkerRecordFactory(agency=agency, period=period, status=Status.SUBMITTED)
    second = WorkerRecordFactory(agency=agency, period=period, status=Status.SUBMITTED)
    third = WorkerRecordFactory(agency=agency, period=period)
    foreign = WorkerRecordFactory(agency=other_agency, period=period)
    decision_record(record_id=second.pk, outcome="ms", expected_status="submitted", actor=operator)
    decision_record(
        record_id=first.pk, outcome="return", reason="Foto buram", expected_status="submitted", actor=operator
    )
    record_transition(record_id=foreign.pk, to=Status.RELEASED, actor=None, reason="x")
    page = api.get("/api/v1/changes/", {"size": 2}).json()
    assert [(c["worker_id"], c["status"]) for c in page["results"]] == [
        (second.pk, "eligible"),
        (first.pk, "needs_revision"),
    ]
    assert page["results"][1]["reason"] == "Foto buram"
    assert page["results"][0]["status_before"] == "submitted"
    assert page["has_more"] is False
    worker_release(record_id=third.pk, reason="Pindah", actor=operator)
    later = api.get("/api/v1/changes/", {"since": page["next_cursor"]}).json()
    assert [(c["worker_id"], c["status"]) for c in later["results"]] == [(third.pk, "released")]
    assert later["results"][0]["registration_number"] == third.registration_number
    empty = api.get("/api/v1/changes/", {"since": later["next_cursor"]}).json()
    assert empty["results"] == [] and empty["next_cursor"] == later["next_cursor"]


def test_changes_wait_until_they_are_settled(api, agency, operator, period, settings):
    settings.API_CHANGES_SETTLE_SECONDS = 3600
    record = WorkerRecordFactory(agency=agency, period=period)
    worker_release(record_id=record.pk, reason="Pindah", actor=operator)
    assert api.get("/api/v1/changes/").json()["results"] == []


def test_a_forged_cursor_is_refused(api, period):
    response = api.get("/api/v1/changes/", {"since": "abc"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_cursor"

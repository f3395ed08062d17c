from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from registry.models import TRANSITIONS, AuditEvent, InvalidTransition, Status
from registry.services.transitions import record_transition
from tests.factories import WorkerRecordFactory

ALL_PAIRS = [(a.value, b.value) for a in Status for b in Status if a != b]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


def test_transition_table_matches_design():
    assert TRANSITIONS[Status.REGISTERED] == {Status.ACCOUNT_CREATED, Status.NOT_COMPLETED, Status.RELEASED}
    assert TRANSITIONS[Status.ACCOUNT_CREATED] == {Status.SUBMITTED, Status.NOT_COMPLETED, Status.RELEASED}
    assert TRANSITIONS[Status.SUBMITTED] == {
        Status.ELIGIBLE, Status.INELIGIBLE, Status.NEEDS_REVISION, Status.RELEASED,
    }  # fmt: skip
    assert TRANSITIONS[Status.NEEDS_REVISION] == {Status.SUBMITTED, Status.NOT_COMPLETED, Status.RELEASED}
    assert TRANSITIONS[Status.ELIGIBLE] == {Status.SUBMITTED}
    assert TRANSITIONS[Status.INELIGIBLE] == {Status.SUBMITTED}
    # Back to where it was, only by a national reopening (issue 16, point 3).
    assert TRANSITIONS[Status.NOT_COMPLETED] == {
        Status.REGISTERED,
        Status.ACCOUNT_CREATED,
        Status.NEEDS_REVISION,
    }
    assert TRANSITIONS[Status.RELEASED] == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_transition_changes_status_and_is_audited(current, target, national_admin):
    record = WorkerRecordFactory(status=current)
    record_transition(
        record_id=record.pk, to=target, actor=national_admin, reason="alasan uji", ip="10.0.0.1"
    )
    record.refresh_from_db()
    assert record.status == target
    event = AuditEvent.objects.get(record=record, action=f"status:{target}")
    assert event.before == {"status": current}
    assert event.after == {"status": target}
    assert event.actor == national_admin
    assert event.reason == "alasan uji"
    assert event.ip == "10.0.0.1"


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), FORBIDDEN)
def test_forbidden_transition_raises_and_changes_nothing(current, target, national_admin):
    record = WorkerRecordFactory(status=current)
    with pytest.raises(InvalidTransition):
        record_transition(record_id=record.pk, to=target, actor=national_admin, reason="x")
    record.refresh_from_db()
    assert record.status == current
    assert not AuditEvent.objects.filter(record=record).exists()


@pytest.mark.django_db
def test_decision_against_worker_needs_a_reason_as_a_translated_validation_error(national_admin):
    record = WorkerRecordFactory(status=Status.SUBMITTED)
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        record_transition(record_id=record.pk, to=Status.INELIGIBLE, actor=national_admin, reason="  ")
    assert caught.value.message_dict["reason"][0].startswith("Tuliskan alasan data dipindahkan ke status")
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED


@pytest.mark.django_db
def test_invalid_transition_is_a_translated_validation_error_a_view_can_show(national_admin):
    record = WorkerRecordFactory(status=Status.RELEASED)
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        record_transition(record_id=record.pk, to=Status.SUBMITTED, actor=national_admin, reason="x")
    assert isinstance(caught.value, InvalidTransition)
    assert "tidak dapat dipindahkan" in caught.value.messages[0]


@pytest.mark.django_db
def test_needs_revision_keeps_note_for_worker(national_admin):
    record = WorkerRecordFactory(status=Status.SUBMITTED)
    record_transition(
        record_id=record.pk, to=Status.NEEDS_REVISION, actor=national_admin, reason="Unggah ulang SK"
    )
    record.refresh_from_db()
    assert record.revision_note == "Unggah ulang SK"
    assert record.decided_by == national_admin

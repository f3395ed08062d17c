"""The decision services: outcomes, reasons, reopen, change, bulk MS, the corrections window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.models import AgencySubmission, AuditEvent, Flag, Period, Status, WorkerRecord
from tests.verification.decisions_helpers import make_submitted, set_phase, staff
from verification.services.decisions import (
    Outcome,
    RecordChanged,
    TmsReason,
    decision_bulk_eligible,
    decision_change,
    decision_record,
    decision_reopen,
    decisions_allowed,
)

pytestmark = pytest.mark.django_db


def _decide(record, actor, outcome, **kwargs):
    record.refresh_from_db()
    kwargs.setdefault("expected_status", record.status)
    kwargs.setdefault("expected_updated_at", record.updated_at)
    return decision_record(record_id=record.pk, outcome=outcome, actor=actor, **kwargs)


def _statuses(record) -> list[str]:
    return list(
        AuditEvent.objects.filter(record=record, action__startswith="status:")
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def test_ms_makes_the_record_eligible_and_audits_who_and_why(agency, period, operator):
    record = make_submitted(agency, period)
    decided = _decide(record, operator, Outcome.ELIGIBLE, reason="Dokumen lengkap", ip="10.0.0.9")
    assert decided.status == Status.ELIGIBLE
    assert decided.decided_by == operator
    event = AuditEvent.objects.get(record=record, action="status:eligible")
    assert (event.actor, event.reason, event.ip) == (operator, "Dokumen lengkap", "10.0.0.9")
    assert event.before == {"status": "submitted"}


def test_tms_stores_the_reason_from_the_list_in_indonesian(agency, period, operator):
    record = make_submitted(agency, period)
    decided = _decide(record, operator, Outcome.INELIGIBLE, tms_reason=TmsReason.AGE, reason="Lahir 1960")
    assert decided.status == Status.INELIGIBLE
    assert decided.decision_reason == "Usia di luar batas yang diizinkan: Lahir 1960"
    assert AuditEvent.objects.get(record=record, action="status:ineligible").reason == decided.decision_reason


def test_tms_needs_a_reason_from_the_list(agency, period, operator):
    record = make_submitted(agency, period)
    with pytest.raises(ValidationError) as exc:
        _decide(record, operator, Outcome.INELIGIBLE, reason="tanpa alasan dari daftar")
    assert "tms_reason" in exc.value.message_dict
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.SUBMITTED


def test_tms_other_needs_the_text(agency, period, operator):
    record = make_submitted(agency, period)
    with pytest.raises(ValidationError) as exc:
        _decide(record, operator, Outcome.INELIGIBLE, tms_reason=TmsReason.OTHER, reason="  ")
    assert "reason" in exc.value.message_dict
    decided = _decide(record, operator, Outcome.INELIGIBLE, tms_reason=TmsReason.OTHER, reason="SK palsu")
    assert decided.decision_reason == "Lainnya: SK palsu"


def test_return_for_revision_keeps_the_note_the_worker_sees(
    agency, period, operator, mailoutbox, django_capture_on_commit_callbacks
):
    record = make_submitted(agency, period)
    with pytest.raises(ValidationError):
        _decide(record, operator, Outcome.RETURN, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        decided = _decide(record, operator, Outcome.RETURN, reason="Foto KTP buram, unggah ulang.")
    assert decided.status == Status.NEEDS_REVISION
    assert decided.revision_note == "Foto KTP buram, unggah ulang."
    assert mailoutbox and "Foto KTP buram, unggah ulang." in mailoutbox[-1].body


def test_every_decision_notifies_the_worker_after_commit(
    agency, period, operator, mailoutbox, django_capture_on_commit_callbacks
):
    record = make_submitted(agency, period, email="andi@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        _decide(record, operator, Outcome.INELIGIBLE, tms_reason=TmsReason.FAKE)
    assert [m.to for m in mailoutbox] == [["andi@example.test"]]
    assert "Fiktif atau tidak bekerja" in mailoutbox[0].body


def test_a_record_not_submitted_cannot_be_decided(agency, period, operator):
    record = make_submitted(agency, period, status=Status.ACCOUNT_CREATED)
    with pytest.raises(ValidationError):
        _decide(record, operator, Outcome.ELIGIBLE)
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.ACCOUNT_CREATED


def test_a_stale_status_is_refused_as_changed_meanwhile(agency, period, operator):
    record = make_submitted(agency, period)
    other = staff(agency)
    _decide(record, other, Outcome.ELIGIBLE)
    with pytest.raises(RecordChanged) as exc:
        decision_record(
            record_id=record.pk,
            outcome=Outcome.INELIGIBLE,
            tms_reason=TmsReason.AGE,
            expected_status=Status.SUBMITTED,
            actor=operator,
        )
    assert "telah diubah oleh pengguna lain" in exc.value.messages[0]
    record.refresh_from_db()
    assert (record.status, record.decided_by) == (Status.ELIGIBLE, other)


def test_an_edit_since_the_page_was_opened_is_refused(agency, period, operator):
    record = make_submitted(agency, period)
    opened_at = WorkerRecord.objects.get(pk=record.pk).updated_at
    WorkerRecord.objects.filter(pk=record.pk).update(phone="0811", updated_at=timezone.now())
    with pytest.raises(RecordChanged):
        decision_record(
            record_id=record.pk,
            outcome=Outcome.ELIGIBLE,
            expected_status=Status.SUBMITTED,
            expected_updated_at=opened_at,
            actor=operator,
        )
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.SUBMITTED


def test_the_same_decision_submitted_twice_is_recorded_once(agency, period, operator):
    record = make_submitted(agency, period)
    opened_at = WorkerRecord.objects.get(pk=record.pk).updated_at
    for _ in range(2):
        decision_record(
            record_id=record.pk,
            outcome=Outcome.ELIGIBLE,
            expected_status=Status.SUBMITTED,
            expected_updated_at=opened_at,
            actor=operator,
        )
    assert _statuses(record) == ["status:eligible"]


def test_reopen_needs_a_reason_and_puts_the_record_back_in_the_queue(agency, period, operator):
    record = make_submitted(agency, period)
    _decide(record, operator, Outcome.ELIGIBLE)
    with pytest.raises(ValidationError):
        decision_reopen(record_id=record.pk, reason=" ", expected_status=Status.ELIGIBLE, actor=operator)
    reopened = decision_reopen(
        record_id=record.pk, reason="Pengaduan masuk", expected_status=Status.ELIGIBLE, actor=operator
    )
    assert reopened.status == Status.SUBMITTED
    assert _statuses(record) == ["status:eligible", "status:submitted"]
    assert (
        AuditEvent.objects.filter(record=record, action="status:submitted").get().reason == "Pengaduan masuk"
    )


def test_only_a_decision_can_be_reopened(agency, period, operator):
    record = make_submitted(agency, period, status=Status.NEEDS_REVISION)
    with pytest.raises(ValidationError):
        decision_reopen(
            record_id=record.pk, reason="x", expected_status=Status.NEEDS_REVISION, actor=operator
        )
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.NEEDS_REVISION


def test_change_ms_to_tms_goes_through_reopen_and_decide_in_one_call(agency, period, operator):
    record = make_submitted(agency, period)
    _decide(record, operator, Outcome.ELIGIBLE)
    changed = decision_change(
        record_id=record.pk,
        outcome=Outcome.INELIGIBLE,
        tms_reason=TmsReason.FAKE,
        reason="Pengaduan terbukti: tidak bekerja",
        expected_status=Status.ELIGIBLE,
        actor=operator,
    )
    assert changed.status == Status.INELIGIBLE
    assert _statuses(record) == ["status:eligible", "status:submitted", "status:ineligible"]
    assert "Pengaduan terbukti" in changed.decision_reason


def test_change_needs_a_reason(agency, period, operator):
    record = make_submitted(agency, period)
    _decide(record, operator, Outcome.INELIGIBLE, tms_reason=TmsReason.AGE)
    with pytest.raises(ValidationError) as exc:
        decision_change(
            record_id=record.pk,
            outcome=Outcome.ELIGIBLE,
            reason="",
            expected_status=Status.INELIGIBLE,
            actor=operator,
        )
    assert "reason" in exc.value.message_dict
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.INELIGIBLE


# --- The one rule: may decisions change now? ------------------------------------------------


def _submission(agency, period) -> AgencySubmission:
    return AgencySubmission.objects.select_related("period").get(agency=agency, period=period)


@pytest.mark.parametrize(
    "phase,deadline_in_hours,allowed",
    [
        ("open", -1, True),
        ("prefinalised", 1, True),
        ("prefinalised", -1, False),
        ("finalised", 1, False),
        ("completed", 1, False),
    ],
)
def test_decisions_allowed_follows_phase_and_correction_deadline(
    agency, period, phase, deadline_in_hours, allowed
):
    Period.objects.filter(pk=period.pk).update(
        correction_deadline=timezone.now() + dt.timedelta(hours=deadline_in_hours)
    )
    set_phase(agency, period, phase)
    assert decisions_allowed(_submission(agency, period)) is allowed


def test_corrections_window_allows_changing_a_decision_with_a_reason(agency, period, operator):
    record = make_submitted(agency, period)
    _decide(record, operator, Outcome.ELIGIBLE)
    set_phase(agency, period, "prefinalised")
    changed = decision_change(
        record_id=record.pk,
        outcome=Outcome.INELIGIBLE,
        tms_reason=TmsReason.FAKE,
        reason="Pengaduan uji publik terbukti",
        expected_status=Status.ELIGIBLE,
        actor=operator,
    )
    assert changed.status == Status.INELIGIBLE


def test_after_the_correction_deadline_decisions_stay(agency, period, operator):
    record = make_submitted(agency, period)
    _decide(record, operator, Outcome.ELIGIBLE)
    set_phase(agency, period, "prefinalised")
    Period.objects.filter(pk=period.pk).update(correction_deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        decision_reopen(
            record_id=record.pk, reason="terlambat", expected_status=Status.ELIGIBLE, actor=operator
        )
    assert "Batas waktu perbaikan" in exc.value.messages[0]
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.ELIGIBLE


@pytest.mark.parametrize("phase", ["finalised", "completed"])
def test_after_finalisation_nothing_changes(agency, period, operator, phase):
    eligible = make_submitted(agency, period)
    _decide(eligible, operator, Outcome.ELIGIBLE)
    waiting = make_submitted(agency, period)
    set_phase(agency, period, phase)
    with pytest.raises(ValidationError):
        _decide(waiting, operator, Outcome.ELIGIBLE)
    with pytest.raises(ValidationError):
        decision_change(
            record_id=eligible.pk,
            outcome=Outcome.INELIGIBLE,
            tms_reason=TmsReason.FAKE,
            reason="x",
            expected_status=Status.ELIGIBLE,
            actor=operator,
        )
    with pytest.raises(ValidationError):
        decision_bulk_eligible(agency=agency, record_ids=[waiting.pk], actor=operator)
    assert WorkerRecord.objects.get(pk=eligible.pk).status == Status.ELIGIBLE
    assert WorkerRecord.objects.get(pk=waiting.pk).status == Status.SUBMITTED


def test_return_for_revision_is_refused_once_the_agency_is_prefinalised(agency, period, operator):
    record = make_submitted(agency, period)
    set_phase(agency, period, "prefinalised")
    with pytest.raises(ValidationError):
        _decide(record, operator, Outcome.RETURN, reason="perbaiki")
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.SUBMITTED


# --- Bulk MS ----------------------------------------------------------------------------------


def test_bulk_ms_decides_clean_records_and_refuses_flagged_ones(agency, period, operator):
    clean = [make_submitted(agency, period) for _ in range(3)]
    flagged = make_submitted(agency, period, flags=[Flag.AGE])
    decided_already = make_submitted(agency, period, status=Status.INELIGIBLE)
    result = decision_bulk_eligible(
        agency=agency, record_ids=[r.pk for r in [*clean, flagged, decided_already]], actor=operator
    )
    assert sorted(r.pk for r in result.decided) == sorted(r.pk for r in clean)
    assert [r.pk for r in result.flagged] == [flagged.pk]
    assert [r.pk for r in result.skipped] == [decided_already.pk]
    statuses = dict(WorkerRecord.objects.values_list("pk", "status"))
    assert all(statuses[r.pk] == Status.ELIGIBLE for r in clean)
    assert statuses[flagged.pk] == Status.SUBMITTED
    assert statuses[decided_already.pk] == Status.INELIGIBLE
    assert AuditEvent.objects.filter(action="status:eligible").count() == 3


def test_bulk_ms_never_touches_another_agencys_records(agency, other_agency, period, operator):
    foreign = make_submitted(other_agency, period)
    with pytest.raises(ValidationError):
        decision_bulk_eligible(agency=agency, record_ids=[], actor=operator)
    result = decision_bulk_eligible(agency=agency, record_ids=[foreign.pk], actor=operator)
    assert result.decided == []
    assert WorkerRecord.objects.get(pk=foreign.pk).status == Status.SUBMITTED

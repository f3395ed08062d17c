"""The phase guard and deadlines answer through the API exactly as on the portal."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from registry.models import AgencySubmission, Period, WorkerRecord
from registry.services.phase import lock_open_submission
from tests.factories import WorkerRecordFactory
from tests.registry.support import worker_fields
from verification.services.phases import submission_prefinalise


def _portal_message(agency, period) -> str:
    from django.core.exceptions import ValidationError

    try:
        lock_open_submission(agency_id=agency.pk, period_id=period.pk)
    except ValidationError as exc:
        return exc.messages[0]
    raise AssertionError("the agency is open")


def test_after_prefinalisation_every_write_is_refused_with_the_portal_s_message(
    api, agency, agency_admin, period
):
    record = WorkerRecordFactory(agency=agency, period=period)
    submission = AgencySubmission.objects.get(agency=agency, period=period)
    submission_prefinalise(submission_id=submission.pk, actor=agency_admin)
    expected = _portal_message(agency, period)
    answers = [
        api.post("/api/v1/workers/", worker_fields(serial=30)),
        api.patch(f"/api/v1/workers/{record.pk}/", {"position": "Guru Baru"}),
        api.post(f"/api/v1/workers/{record.pk}/release/", {"reason": "pindah"}),
        api.post("/api/v1/workers/bulk/", {"items": [worker_fields(serial=31)]}),
    ]
    for response in answers:
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "phase_closed"
        assert response.json()["detail"] == expected
    assert WorkerRecord.objects.filter(agency=agency).count() == 1
    assert api.get(f"/api/v1/workers/{record.pk}/").status_code == 200


def test_after_the_input_deadline_writes_are_refused_with_the_deadline(api, agency, period):
    Period.objects.filter(pk=period.pk).update(input_deadline=timezone.now() - dt.timedelta(minutes=1))
    response = api.post("/api/v1/workers/", worker_fields(serial=32))
    assert response.status_code == 409
    assert response.json()["code"] == "deadline_passed"
    assert response.json()["detail"] == _portal_message(agency, period)


def test_agency_endpoint_tells_phase_deadlines_and_counts(api, agency, period):
    WorkerRecordFactory(agency=agency, period=period, status="submitted")
    WorkerRecordFactory(agency=agency, period=period)
    body = api.get("/api/v1/agency/").json()
    assert body["code"] == agency.code
    assert body["phase"] == "open"
    assert body["open_for_input"] is True
    assert body["counts"]["per_status"] == {"submitted": 1, "registered": 1}
    assert set(body["deadlines"]) == {"input", "correction", "finalisation"}

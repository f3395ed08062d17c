"""National (BKN) keys: per-agency summaries and the completed agencies' records as a paged stream."""

from __future__ import annotations

from registry.models import AgencySubmission, AuditEvent, Status
from tests.factories import WorkerRecordFactory


def _complete(agency, period):
    AgencySubmission.objects.filter(agency=agency, period=period).update(
        phase=AgencySubmission.Phase.COMPLETED
    )


def test_summaries_name_every_agency_with_phase_and_counts(national_api, agency, other_agency, period):
    WorkerRecordFactory(agency=agency, period=period)
    _complete(other_agency, period)
    body = national_api.get("/api/v1/national/agencies/").json()
    by_code = {row["code"]: row for row in body}
    assert by_code[agency.code]["phase"] == "open"
    assert by_code[agency.code]["counts"]["per_status"] == {"registered": 1}
    assert by_code[other_agency.code]["phase"] == "completed"


def test_the_baseline_streams_only_completed_agencies_records_page_by_page(
    national_api, agency, other_agency, period
):
    _complete(other_agency, period)
    done = [WorkerRecordFactory(agency=other_agency, period=period) for _ in range(3)]
    WorkerRecordFactory(agency=other_agency, period=period, status=Status.RELEASED)
    WorkerRecordFactory(agency=agency, period=period)
    first = national_api.get("/api/v1/national/records/", {"size": 2}).json()
    second = national_api.get("/api/v1/national/records/", {"size": 2, "after": first["next_cursor"]}).json()
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert ids == [r.pk for r in done]
    assert second["next_cursor"] is None
    assert first["results"][0]["agency_code"] == other_agency.code


def test_every_baseline_page_read_is_audited(national_api, other_agency, period):
    _complete(other_agency, period)
    WorkerRecordFactory(agency=other_agency, period=period)
    national_api.get("/api/v1/national/records/")
    event = AuditEvent.objects.get(action="api:baseline_read")
    assert event.after["rows"] == 1

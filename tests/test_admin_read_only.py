"""Issue 16, point 5: /admin/ bypasses neither the phase lock nor the audit. Records, submissions
(phase, deadlines, agency, period) and the audit trail are shown read-only there; every change goes
through the service that checks and audits it (the national desk, the agency portal)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from registry.models import AgencySubmission, AuditEvent, Status, WorkerRecord
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, national_admin):
    client.force_login(national_admin)
    return client


@pytest.fixture
def completed(agency, period) -> AgencySubmission:
    AgencySubmission.objects.filter(agency=agency, period=period).update(phase="completed")
    return AgencySubmission.objects.get(agency=agency, period=period)


def test_a_completed_agencys_record_cannot_be_changed_in_the_admin(admin_client, agency, period, completed):
    record = WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE, position="Guru")
    url = f"/admin/registry/workerrecord/{record.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="_save"' not in page and "Guru" in page
    response = admin_client.post(url, {"position": "Kepala Sekolah", "decision_reason": "diubah"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert (record.position, record.decision_reason) == ("Guru", "")
    assert not AuditEvent.objects.filter(record=record).exists()


def test_a_submissions_deadlines_agency_and_period_cannot_be_changed_in_the_admin(
    admin_client, completed, other_agency
):
    url = f"/admin/registry/agencysubmission/{completed.pk}/change/"
    later = (timezone.now() + dt.timedelta(days=90)).strftime("%Y-%m-%d")
    response = admin_client.post(
        url,
        {
            "agency": other_agency.pk,
            "period": completed.period_id,
            "input_deadline_override_0": later,
            "input_deadline_override_1": "10:00",
        },
    )
    assert response.status_code == 403
    completed.refresh_from_db()
    assert completed.agency_id != other_agency.pk and completed.input_deadline_override is None
    assert admin_client.get("/admin/registry/agencysubmission/add/").status_code == 403
    assert (
        admin_client.post(
            f"/admin/registry/agencysubmission/{completed.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )


def test_records_cannot_be_added_or_deleted_in_the_admin(admin_client, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    assert admin_client.get("/admin/registry/workerrecord/add/").status_code == 403
    admin_client.post(f"/admin/registry/workerrecord/{record.pk}/delete/", {"post": "yes"})
    assert WorkerRecord.objects.filter(pk=record.pk).exists()

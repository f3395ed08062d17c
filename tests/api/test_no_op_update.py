"""Issue 16, point 10: an API update that changes nothing (the NIK with spaces, the e-mail in other
capitals) writes no audit row, and the bulk answer calls it unchanged."""

from __future__ import annotations

from registry.models import AuditEvent
from tests.registry.support import worker_fields


def test_a_patch_that_changes_nothing_writes_no_audit_row(api):
    fields = worker_fields()
    record_id = api.post("/api/v1/workers/", fields).json()["id"]
    nik = fields["nik"]
    response = api.patch(
        f"/api/v1/workers/{record_id}/",
        {"nik": f"{nik[:6]} {nik[6:12]}.{nik[12:]}", "email": "Budi@Example.COM"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "budi@example.com"
    assert not AuditEvent.objects.filter(record_id=record_id, action="record:update").exists()


def test_a_bulk_item_equal_to_the_record_is_unchanged_and_not_audited(api):
    fields = worker_fields()
    record_id = api.post("/api/v1/workers/", fields).json()["id"]
    response = api.post("/api/v1/workers/bulk/", {"items": [{**fields, "email": "BUDI@example.com"}]})
    assert response.json()["items"][0]["result"] == "unchanged"
    assert not AuditEvent.objects.filter(record_id=record_id, action="record:update").exists()

"""Bulk upsert: per-item results through the portal's rules, and Idempotency-Key retries."""

from __future__ import annotations

import datetime as dt

from registry.models import AuditEvent, WorkerRecord
from tests.factories import WorkerRecordFactory, make_nik
from tests.registry.support import worker_fields


def _items(n: int, **overrides) -> list[dict]:
    return [worker_fields(serial=100 + i, full_name=f"Pegawai Massal {i}", **overrides) for i in range(n)]


def test_bulk_creates_updates_keeps_and_refuses_per_item(api, agency, other_agency, period):
    existing = api.post("/api/v1/workers/", worker_fields(serial=1)).json()
    unchanged = worker_fields(serial=2, full_name="Tetap")
    api.post("/api/v1/workers/", unchanged)
    held = WorkerRecordFactory(agency=other_agency, period=period, birth_date=dt.date(1985, 1, 1))
    items = [
        worker_fields(serial=3, full_name="Baru"),
        worker_fields(serial=1, position="Guru Kelas"),
        unchanged,
        worker_fields(nik=held.nik, kk=held.kk, birth_date=held.birth_date.isoformat(), sex=held.sex),
        worker_fields(serial=4, birth_date="bukan tanggal"),
    ]
    response = api.post("/api/v1/workers/bulk/", {"items": items})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [i["result"] for i in body["items"]] == ["created", "updated", "unchanged", "refused", "refused"]
    assert (body["created"], body["updated"], body["unchanged"], body["refused"]) == (1, 1, 1, 2)
    assert body["items"][1]["id"] == existing["id"]
    assert WorkerRecord.objects.get(pk=existing["id"]).position == "Guru Kelas"
    assert "birth_date" in body["items"][4]["errors"]
    # A NIK held by another agency names it, as the portal's form does.
    message = body["items"][3]["errors"]["nik"][0]["message"]
    assert other_agency.name in message
    assert body["items"][0]["registration_number"].startswith("NA")


def test_the_same_nik_twice_in_one_request_is_refused_the_second_time(api, period):
    item = worker_fields(serial=5)
    body = api.post("/api/v1/workers/bulk/", {"items": [item, item]}).json()
    assert [i["result"] for i in body["items"]] == ["created", "refused"]
    assert body["items"][1]["errors"]["nik"][0]["code"] == "duplicate"


def test_a_retry_with_the_same_idempotency_key_changes_nothing_twice(api, agency, period):
    items = _items(3)
    headers = {"Idempotency-Key": "batch-1"}
    first = api.post("/api/v1/workers/bulk/", {"items": items}, headers=headers)
    record_id = first.json()["items"][0]["id"]
    api.patch(f"/api/v1/workers/{record_id}/", {"position": "Diubah Sesudahnya"})
    events = AuditEvent.objects.count()
    retry = api.post("/api/v1/workers/bulk/", {"items": items}, headers=headers)
    assert retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert AuditEvent.objects.count() == events
    assert WorkerRecord.objects.get(pk=record_id).position == "Diubah Sesudahnya"
    assert WorkerRecord.objects.filter(agency=agency).count() == 3


def test_an_idempotency_key_reused_for_another_request_is_refused(api, period):
    headers = {"Idempotency-Key": "batch-2"}
    api.post("/api/v1/workers/bulk/", {"items": _items(1)}, headers=headers)
    response = api.post("/api/v1/workers/bulk/", {"items": _items(2)}, headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"


def test_without_idempotency_key_a_repeat_is_answered_unchanged(api, period):
    items = _items(2)
    api.post("/api/v1/workers/bulk/", {"items": items})
    again = api.post("/api/v1/workers/bulk/", {"items": items}).json()
    assert [i["result"] for i in again["items"]] == ["unchanged", "unchanged"]


def test_create_with_an_idempotency_key_registers_once(api, agency, period):
    headers = {"Idempotency-Key": "one-worker"}
    fields = worker_fields(serial=7)
    first = api.post("/api/v1/workers/", fields, headers=headers)
    second = api.post("/api/v1/workers/", fields, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert WorkerRecord.objects.filter(agency=agency).count() == 1


def test_a_field_of_the_wrong_type_is_refused_in_its_item(api, period):
    items = [{**worker_fields(serial=8), "full_name": ["x"]}, worker_fields(serial=10)]
    body = api.post("/api/v1/workers/bulk/", {"items": items}).json()
    assert [i["result"] for i in body["items"]] == ["refused", "created"]
    assert "full_name" in body["items"][0]["errors"]


def test_an_item_that_is_no_object_refuses_the_request(api, agency, period):
    response = api.post("/api/v1/workers/bulk/", {"items": [worker_fields(serial=11), 5]})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_items"
    assert not WorkerRecord.objects.filter(agency=agency).exists()


def test_a_nik_disagreeing_with_the_sex_is_refused_as_on_the_form(api, period):
    fields = worker_fields(serial=9)
    fields["nik"] = make_nik(dt.date(1990, 5, 17), "F", serial=9)
    body = api.post("/api/v1/workers/bulk/", {"items": [fields]}).json()
    assert body["items"][0]["result"] == "refused"
    assert set(body["items"][0]["errors"]) & {"nik", "sex"}


def test_a_nul_character_in_a_bulk_item_is_refused_by_item_not_a_server_error(api):
    response = api.post(
        "/api/v1/workers/bulk/",
        {"items": [{**worker_fields(serial=7), "full_name": "Budi\x00"}, {"x\x00y": "1"}]},
        headers={"Idempotency-Key": "nul-1"},
    )
    assert response.status_code == 200, response.content
    results = response.json()["items"]
    assert [r["result"] for r in results] == ["refused", "refused"]
    assert all(r["errors"]["__all__"][0]["code"] == "nul_character" for r in results)

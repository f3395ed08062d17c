"""The workers endpoints through HTTP with a real key: the portal's rules, the agency's scope."""

from __future__ import annotations

import datetime as dt

import yaml

from registry.models import AuditEvent, Flag, WorkerRecord
from tests.factories import WorkerRecordFactory, make_nik
from tests.registry.support import worker_fields


def test_create_registers_the_worker_with_status_flags_and_registration_number(api, agency, period):
    response = api.post("/api/v1/workers/", worker_fields())
    assert response.status_code == 201, response.content
    body = response.json()
    record = WorkerRecord.objects.get(pk=body["id"])
    assert record.agency == agency
    assert body["status"] == "registered"
    assert body["registration_number"] == record.registration_number
    assert body["flags"] == []
    assert response["Location"] == f"/api/v1/workers/{record.pk}/"


def test_create_computes_the_flags_the_form_would(api, period):
    response = api.post("/api/v1/workers/", worker_fields(position="Petugas Kebersihan"))
    assert response.status_code == 201
    assert Flag.EXCLUDED_POSITION in response.json()["flags"]


def test_every_change_made_with_a_key_is_audited_via_the_key(api, write_key):
    record_id = api.post("/api/v1/workers/", worker_fields()).json()["id"]
    event = AuditEvent.objects.get(record_id=record_id, action="record:register")
    assert event.actor == write_key[0].user
    assert event.actor.get_full_name() == "melalui kunci API SIMPEG"


def test_list_filters_and_pages_with_keyset_cursors(api, agency, period):
    for n in range(5):
        WorkerRecordFactory(agency=agency, period=period, full_name=f"Pegawai {n}")
    WorkerRecordFactory(agency=agency, period=period, full_name="Lain", status="submitted")
    first = api.get("/api/v1/workers/", {"size": 2, "q": "Pegawai"}).json()
    assert [r["full_name"] for r in first["results"]] == ["Pegawai 0", "Pegawai 1"]
    assert first["count"] == 5
    second = api.get("/api/v1/workers/", {"size": 2, "q": "Pegawai", "after": first["next_cursor"]}).json()
    assert [r["full_name"] for r in second["results"]] == ["Pegawai 2", "Pegawai 3"]
    submitted = api.get("/api/v1/workers/", {"status": "submitted"}).json()
    assert [r["full_name"] for r in submitted["results"]] == ["Lain"]


def test_list_refuses_an_unknown_filter_value_as_the_portal_does(api):
    response = api.get("/api/v1/workers/", {"status": "bogus"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "status" in response.json()["errors"]


def test_an_empty_unit_lists_every_unit_and_the_schema_says_so(api, client, agency, period, unit):
    """`unit=` is "every unit", as on the portal's list, and the description allows it (schemathesis
    sent it as an integer's invalid value and saw it accepted); a unit that is not a number is refused."""
    WorkerRecordFactory(agency=agency, period=period, work_unit=unit, full_name="Di Unit")
    WorkerRecordFactory(agency=agency, period=period, full_name="Tanpa Unit")
    every = api.get("/api/v1/workers/?unit=").json()
    assert sorted(r["full_name"] for r in every["results"]) == ["Di Unit", "Tanpa Unit"]
    one = api.get("/api/v1/workers/", {"unit": unit.pk}).json()
    assert [r["full_name"] for r in one["results"]] == ["Di Unit"]
    refused = api.get("/api/v1/workers/", {"unit": "satu"})
    assert refused.status_code == 400 and "unit" in refused.json()["errors"]
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    described = next(
        p for p in schema["paths"]["/api/v1/workers/"]["get"]["parameters"] if p["name"] == "unit"
    )
    assert described["schema"] == {"type": "string", "pattern": "^[0-9]*$"}


def test_read_answers_the_agency_s_worker(api, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    body = api.get(f"/api/v1/workers/{record.pk}/").json()
    assert body["nik"] == record.nik
    assert body["registration_number"] == record.registration_number


def test_another_agency_s_worker_answers_404_on_every_endpoint(api, other_agency, period):
    record = WorkerRecordFactory(agency=other_agency, period=period)
    assert api.get(f"/api/v1/workers/{record.pk}/").status_code == 404
    assert api.patch(f"/api/v1/workers/{record.pk}/", {"position": "Guru"}).status_code == 404
    assert api.put(f"/api/v1/workers/{record.pk}/", worker_fields()).status_code == 404
    assert api.post(f"/api/v1/workers/{record.pk}/release/", {"reason": "pindah"}).status_code == 404
    response = api.get("/api/v1/workers/")
    assert response.json()["results"] == []
    record.refresh_from_db()
    assert record.status == "registered"


def test_patch_changes_only_the_given_fields(api, agency, period):
    record_id = api.post("/api/v1/workers/", worker_fields()).json()["id"]
    response = api.patch(f"/api/v1/workers/{record_id}/", {"position": "Guru Kelas"})
    assert response.status_code == 200, response.content
    record = WorkerRecord.objects.get(pk=record_id)
    assert record.position == "Guru Kelas"
    assert record.full_name == "Budi Santoso"
    assert record.work_unit.name == "Dinas Pendidikan"


def test_put_replaces_the_agency_s_fields(api, period):
    record_id = api.post("/api/v1/workers/", worker_fields()).json()["id"]
    response = api.put(
        f"/api/v1/workers/{record_id}/", worker_fields(position="Petugas Kebersihan", address="")
    )
    assert response.status_code == 200
    assert Flag.EXCLUDED_POSITION in response.json()["flags"]
    assert WorkerRecord.objects.get(pk=record_id).address == ""


def test_release_frees_the_nik_with_the_reason(api, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    response = api.post(f"/api/v1/workers/{record.pk}/release/", {"reason": "Pindah instansi"})
    assert response.status_code == 200
    assert response.json()["status"] == "released"
    record.refresh_from_db()
    assert record.release_reason == "Pindah instansi"


def test_release_without_a_reason_is_refused_by_field(api, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    response = api.post(f"/api/v1/workers/{record.pk}/release/", {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_identity_change_of_a_worker_with_an_account_needs_a_reason(api, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period, status="account_created")
    response = api.patch(f"/api/v1/workers/{record.pk}/", {"full_name": "Nama Baru"})
    assert response.status_code == 400
    assert response.json()["errors"]["reason"][0]["message"].startswith("Pegawai ini sudah memiliki akun")
    ok = api.patch(f"/api/v1/workers/{record.pk}/", {"full_name": "Nama Baru", "reason": "Salah ketik"})
    assert ok.status_code == 200, ok.content


def test_a_birth_date_after_today_is_refused_as_the_form_does(api):
    tomorrow = dt.date.today() + dt.timedelta(days=400)
    response = api.post("/api/v1/workers/", worker_fields(sk_date=tomorrow.isoformat()))
    assert response.status_code == 400
    assert "sk_date" in response.json()["errors"]


def test_nik_disagreeing_with_the_birth_date_names_the_field(api):
    fields = worker_fields()
    fields["nik"] = make_nik(dt.date(1991, 5, 17), "M", serial=9)
    response = api.post("/api/v1/workers/", fields)
    assert response.status_code == 400
    assert set(response.json()["errors"]) & {"nik", "birth_date"}


def test_worker_document_is_the_serializer_s_output(agency, period, unit):
    from api.serializers import WorkerSerializer, worker_document

    record = WorkerRecordFactory(
        agency=agency, period=period, work_unit=unit, flags=["age"], end_date=dt.date(2023, 1, 1),
        monthly_pay=2500000,
    )  # fmt: skip
    record = WorkerRecord.objects.select_related("work_unit").get(pk=record.pk)
    assert worker_document(record) == WorkerSerializer(record).data

"""The bulk upsert writes through the registry's batch service (`records_upsert_many`, the import's):
the same outcome per item, the same rows, audit, flags and tally as the one-record services give,
and no server error when two requests with NIKs in common race on two connections."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from api.models import ApiKey
from registry.forms import WorkerForm
from registry.models import AuditEvent, Flag, Status, WorkerRecord
from registry.services.counts import agency_counts
from registry.services.records import EDITABLE_FIELDS, worker_register, worker_update
from tests.api.support import ApiClient, make_key
from tests.factories import WorkerRecordFactory, make_kk
from tests.registry.support import worker_fields


def _mixed_items(*, agency, other_agency, period) -> list[dict]:
    """Existing records, then items of every kind: new (with and without flags, a possible duplicate
    of an existing record), updated, unchanged, refused by the form, by the service, by another
    agency's NIK, by a status that can no longer be edited, by an identity change without a reason."""
    kept = worker_fields(serial=1, full_name="Tetap Sama")
    changed = worker_fields(serial=2, full_name="Akan Diubah")
    with_account = worker_fields(serial=3, full_name="Sudah Punya Akun")
    decided = worker_fields(serial=4, full_name="Sudah Diputus")
    for fields in (kept, changed, with_account, decided):
        form = WorkerForm(data=fields, units=[])
        assert form.is_valid(), form.errors
        worker_register(agency=agency, period=period, data=form.worker_data(), actor=None)
    WorkerRecord.objects.filter(full_name="Sudah Punya Akun").update(status=Status.ACCOUNT_CREATED)
    WorkerRecord.objects.filter(full_name="Sudah Diputus").update(status=Status.ELIGIBLE)
    held = WorkerRecordFactory(agency=other_agency, period=period, birth_date=dt.date(1985, 1, 1))
    return [
        worker_fields(serial=10, full_name="Pegawai Baru"),
        worker_fields(serial=11, full_name="Dibayar Lainnya", pay_source="OTHER", start_date="2022-06-01"),
        # Same birth date, a similar name, another NIK: a possible duplicate of "Tetap Sama".
        worker_fields(serial=12, full_name="Tetap Samaa"),
        {**changed, "position": "Guru Kelas", "work_unit_name": "Dinas Baru"},
        kept,
        {**changed, "nik": "123"},
        worker_fields(nik=held.nik, kk=held.kk, birth_date=held.birth_date.isoformat(), sex=held.sex),
        {**decided, "position": "Kepala Sekolah"},
        {**with_account, "full_name": "Nama Baru"},
        worker_fields(serial=13, birth_date="2999-01-01"),
    ]


def _one_by_one(items: list[dict], *, agency, period, actor) -> list[str]:
    """What the bulk upsert did before: each item through the form and the one-record services."""
    outcomes = []
    for item in items:
        form = WorkerForm(data=item, units=[])
        if not form.is_valid():
            outcomes.append("refused")
            continue
        data = form.worker_data()
        record = (
            WorkerRecord.objects.filter(agency=agency, period=period, nik=data.nik)
            .exclude(status=Status.RELEASED)
            .first()
        )
        try:
            with transaction.atomic():
                if record is None:
                    worker_register(agency=agency, period=period, data=data, actor=actor)
                    outcomes.append("created")
                else:
                    before = _snapshot(record)
                    after = worker_update(
                        record_id=record.pk, data=data, reason=item.get("reason", ""), actor=actor
                    )
                    outcomes.append("updated" if _snapshot(after) != before else "unchanged")
        except ValidationError:
            outcomes.append("refused")
    return outcomes


def _snapshot(record: WorkerRecord) -> tuple:
    return tuple(getattr(record, "work_unit_id" if n == "work_unit" else n) for n in EDITABLE_FIELDS)


def _state(agency, period) -> dict:
    """The agency's records (without the numbers drawn at random), their audit rows and the tally."""
    records = {
        r["nik"]: r
        for r in WorkerRecord.objects.filter(agency=agency, period=period).values(
            "nik", "kk", "full_name", "birth_place", "birth_date", "position", "pay_source", "status",
            "flags", "work_unit__name", "created_by_id",
        )
    }  # fmt: skip
    audit = sorted(
        (e.record.nik, e.action, repr(e.before), repr(e.after), e.reason, e.actor_id)
        for e in AuditEvent.objects.filter(agency=agency, action__startswith="record:").select_related(
            "record"
        )
    )
    counts = agency_counts(agency_id=agency.pk, period_id=period.pk)
    return {"records": records, "audit": audit, "counts": counts}


class _Undo(Exception):
    pass


def test_bulk_gives_the_one_record_services_outcomes_rows_audit_flags_and_tally(
    agency, agency_admin, other_agency, period
):
    key, token = make_key(agency=agency, actor=agency_admin)
    items = _mixed_items(agency=agency, other_agency=other_agency, period=period)
    try:
        with transaction.atomic():
            expected_outcomes = _one_by_one(items, agency=agency, period=period, actor=key.user)
            expected = _state(agency, period)
            raise _Undo
    except _Undo:
        pass
    response = ApiClient(token).post("/api/v1/workers/bulk/", {"items": items})
    assert response.status_code == 200, response.content
    outcomes = [item["result"] for item in response.json()["items"]]
    assert outcomes == expected_outcomes
    assert outcomes[:5] == ["created", "created", "created", "updated", "unchanged"]
    assert set(outcomes[5:]) == {"refused"}
    got = _state(agency, period)
    assert got["records"] == expected["records"]
    assert got["audit"] == expected["audit"]
    assert got["counts"] == expected["counts"]
    # The flags as the portal computes them, the earlier record of a duplicate pair included.
    assert Flag.POSSIBLE_DUPLICATE in got["records"][items[4]["nik"]]["flags"]
    assert Flag.POSSIBLE_DUPLICATE in got["records"][items[2]["nik"]]["flags"]
    assert Flag.PAY_SOURCE in got["records"][items[1]["nik"]]["flags"]


def test_bulk_audit_rows_name_the_key(api, write_key, period):
    key: ApiKey = write_key[0]
    body = api.post("/api/v1/workers/bulk/", {"items": [worker_fields(serial=20)]}).json()
    event = AuditEvent.objects.get(record_id=body["items"][0]["id"], action="record:register")
    assert event.actor_id == key.user_id
    assert event.actor.last_name == key.name == "SIMPEG"


def test_bulk_refusal_for_another_agencys_nik_names_that_agency_beside_valid_items(api, other_agency, period):
    held = WorkerRecordFactory(agency=other_agency, period=period, birth_date=dt.date(1985, 1, 1))
    items = [
        worker_fields(nik=held.nik, kk=held.kk, birth_date=held.birth_date.isoformat(), sex=held.sex),
        worker_fields(serial=21),
    ]
    body = api.post("/api/v1/workers/bulk/", {"items": items}).json()
    assert [i["result"] for i in body["items"]] == ["refused", "created"]
    [error] = body["items"][0]["errors"]["nik"]
    assert other_agency.name in error["message"] and "sudah didaftarkan" in error["message"]


@pytest.mark.django_db(transaction=True)
def test_two_bulk_requests_with_niks_in_common_on_two_connections_give_no_server_error(
    agency, agency_admin, period
):
    token = make_key(agency=agency, actor=agency_admin)[1]
    first = [
        worker_fields(serial=100 + i, kk=make_kk(serial=i + 1), full_name=f"Pegawai {i}") for i in range(60)
    ]
    second = [
        worker_fields(serial=100 + i, kk=make_kk(serial=i + 1), full_name=f"Pegawai {i}")
        for i in range(30, 90)
    ]
    second.reverse()  # the common NIKs in the other order: written in NIK order, no deadlock
    start = threading.Barrier(2)
    answers: dict[str, object] = {}

    def send(name: str, items: list[dict]) -> None:
        try:
            start.wait()
            answers[name] = ApiClient(token).post("/api/v1/workers/bulk/", {"items": items})
        except Exception as exc:  # reported by the assertion below
            answers[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=a) for a in (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in ("first", "second"):
        response = answers[name]
        assert not isinstance(response, Exception), response
        assert response.status_code == 200, response.content
        refused = [i for i in response.json()["items"] if i["result"] == "refused"]
        assert not refused, refused[:2]
    records = WorkerRecord.objects.filter(agency=agency, period=period, full_name__startswith="Pegawai ")
    assert records.count() == 90
    created = sum(answers[n].json()["created"] for n in ("first", "second"))
    assert created == 90


def test_bulk_items_are_compact_and_carry_each_records_state_after_the_batch(
    api, agency, other_agency, period
):
    items = _mixed_items(agency=agency, other_agency=other_agency, period=period)
    body = api.post("/api/v1/workers/bulk/", {"items": items}).json()
    records = {r.pk: r for r in WorkerRecord.objects.filter(agency=agency, period=period)}
    for item in body["items"]:
        if item["result"] == "refused":
            continue
        assert set(item) == {"index", "result", "id", "registration_number", "status", "flags"}
        record = records[item["id"]]
        assert (item["registration_number"], item["status"], item["flags"]) == (
            record.registration_number,
            record.status,
            record.flags,
        )
    # The new possible duplicate is flagged by the batch's duplicate pass, after its row was written.
    assert Flag.POSSIBLE_DUPLICATE in body["items"][2]["flags"]


def test_a_bulk_of_new_workers_only_answers_each_records_stored_state(api, agency, period):
    # An existing record that the batch's third worker duplicates (same birth date, similar name).
    form = WorkerForm(data=worker_fields(serial=1, full_name="Tetap Sama"), units=[])
    assert form.is_valid(), form.errors
    earlier = worker_register(agency=agency, period=period, data=form.worker_data(), actor=None)
    items = [
        worker_fields(serial=10, full_name="Pegawai Baru"),
        worker_fields(serial=11, full_name="Dibayar Lainnya", pay_source="OTHER", start_date="2022-06-01"),
        worker_fields(serial=12, full_name="Tetap Samaa"),
        worker_fields(serial=13, birth_date="2999-01-01"),
    ]
    body = api.post("/api/v1/workers/bulk/", {"items": items}).json()
    assert [item["result"] for item in body["items"]] == ["created", "created", "created", "refused"]
    records = {r.pk: r for r in WorkerRecord.objects.filter(agency=agency, period=period)}
    for item in body["items"][:3]:
        record = records[item["id"]]
        assert (item["registration_number"], item["status"], item["flags"]) == (
            record.registration_number,
            record.status,
            record.flags,
        )
    assert body["items"][1]["flags"] == sorted([Flag.PAY_SOURCE, Flag.SERVICE])
    # Flagged by the batch's duplicate pass after the rows were written, as its counterpart is.
    assert body["items"][2]["flags"] == [Flag.POSSIBLE_DUPLICATE]
    assert records[earlier.pk].flags == [Flag.POSSIBLE_DUPLICATE]


def test_a_bulk_item_refused_on_a_decided_record_gives_that_records_id_and_status(
    api, agency, other_agency, period
):
    items = _mixed_items(agency=agency, other_agency=other_agency, period=period)
    body = api.post("/api/v1/workers/bulk/", {"items": items}).json()
    decided, foreign = body["items"][7], body["items"][6]
    assert decided["result"] == "refused" and decided["errors"]
    assert decided["id"] == WorkerRecord.objects.get(full_name="Sudah Diputus").pk
    assert decided["status"] == Status.ELIGIBLE
    # Another agency's record is never named by its id.
    assert foreign["result"] == "refused" and foreign["id"] is None and foreign["status"] is None

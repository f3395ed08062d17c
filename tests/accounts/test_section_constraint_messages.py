"""The worker's sections never show a raw database error: each constraint a worker can reach
(dates, work history, documents) answers with an Indonesian message next to what was entered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from registry.documents import CheckedFile
from registry.models import WorkerRecord, WorkHistory
from registry.services import worker_data
from registry.services.worker_data import HistoryEntry, work_history_replace, worker_details_update
from tests.accounts.support import jpeg_bytes, upload

pytestmark = pytest.mark.django_db
RAW = ("Batasan", "dilanggar", "constraint", "IntegrityError", "duplicate key")
BIODATA = {
    "phone": "081298765432",
    "email": "siti@example.test",
    "address": "Jl. Asia Afrika 10, Bandung",
    "sk_number": "800/55/2018",
    "sk_date": "2018-07-01",
    "sk_signer_position": "Kepala Dinas Pendidikan",
    "start_date": "2018-07-01",
    "end_date": "2018-01-31",  # before the start date the agency entered
    "monthly_pay": "1750000",
}


def test_biodata_end_date_before_the_start_date_is_shown_at_the_end_date(worker_client, worker):
    response = worker_client.post(reverse("worker:biodata"), BIODATA)
    assert response.status_code == 200
    assert "Tanggal" in " ".join(response.context["form"].errors["end_date"])
    assert "Tanggal Berakhir sebelum TMT" in " ".join(response.context["form"].errors["end_date"])
    assert not any(raw in response.content.decode() for raw in RAW)
    assert WorkerRecord.objects.get(pk=worker.worker_record_id).end_date is None


def test_biodata_service_refuses_an_end_before_the_start_at_the_field(worker):
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        worker_details_update(
            record_id=worker.worker_record_id, changes={"end_date": dt.date(2010, 1, 1)}, actor=worker
        )
    assert "Tanggal Berakhir sebelum TMT" in caught.value.message_dict["end_date"][0]


def test_biodata_past_the_rule_still_gets_the_message_from_the_database(worker, monkeypatch):
    monkeypatch.setattr(worker_data, "_check_dates", lambda values, record: None)
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        worker_details_update(
            record_id=worker.worker_record_id,
            changes={"start_date": dt.date(2019, 1, 2), "end_date": dt.date(2010, 1, 1)},
            actor=worker,
        )
    assert "Tanggal Berakhir sebelum TMT" in caught.value.message_dict["end_date"][0]


def _history_post(rows: list[dict]) -> dict:
    data = {"history-TOTAL_FORMS": str(len(rows)), "history-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"history-{i}-{k}": v for k, v in row.items()})
    return data


def _row(year: int) -> dict:
    return {
        "start_date": f"{year}-01-02",
        "end_date": "",
        "sk_number": f"SK/{year}",
        "position": "Guru",
        "unit": "SDN 1",
    }


def test_a_sixth_work_history_entry_gets_an_indonesian_message(worker_client, worker):
    response = worker_client.post(
        reverse("worker:history"), _history_post([_row(y) for y in range(2010, 2016)])
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "5" in " ".join(response.context["formset"].non_form_errors())
    assert not any(raw in page for raw in RAW)


def test_work_history_past_the_rule_gets_the_database_constraints_message(worker, monkeypatch):
    monkeypatch.setattr(WorkHistory, "MAX_ENTRIES", 6)
    entries = [HistoryEntry(dt.date(y, 1, 2), None, f"SK/{y}", "Guru", "SDN 1") for y in range(2010, 2016)]
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        work_history_replace(record_id=worker.worker_record_id, entries=entries, actor=worker)
    assert caught.value.messages == ["Paling banyak 5 riwayat pekerjaan."]
    assert WorkHistory.objects.filter(record_id=worker.worker_record_id).count() == 0


def test_work_history_ending_before_it_starts_is_refused_in_indonesian(worker):
    entries = [HistoryEntry(dt.date(2019, 1, 2), dt.date(2018, 1, 1), "SK/1", "Guru", "SDN 1")]
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        work_history_replace(record_id=worker.worker_record_id, entries=entries, actor=worker)
    assert "Batasan" not in caught.value.messages[0]


def test_document_of_a_type_outside_the_allowed_ones_is_refused_on_the_page(
    worker_client, worker, monkeypatch
):
    monkeypatch.setattr(
        worker_data,
        "check_upload",
        lambda upload, kind: CheckedFile(content=b"GIF89a", content_type="image/gif", pages=None),
    )
    response = worker_client.post(
        reverse("worker:documents"), {"kind": "kk", "file": upload(jpeg_bytes(), "kk.jpg")}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Unggah berkas JPEG, PNG, atau PDF." in page
    assert not any(raw in page for raw in RAW)

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AgencySubmission, AuditEvent, Period, Status, WorkerRecord
from registry.services.transitions import record_transition
from registry.services.worker_data import NotEditable, missing_items, worker_details_update, worker_submit
from tests.accounts.support import complete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _appointment_left_to_the_worker(worker):
    """The agency left the appointment details empty: the worker completes them (what the agency
    entered, the worker only reads: tests/accounts/test_agency_data_stays.py)."""
    WorkerRecord.objects.filter(pk=worker.worker_record_id).update(
        sk_number="", sk_date=None, sk_signer_position="", start_date=None, end_date=None, monthly_pay=None
    )
    worker.worker_record.refresh_from_db()


BIODATA = {
    "phone": "081298765432",
    "email": "siti.baru@example.test",
    "address": "Jl. Asia Afrika 10, Bandung",
    "sk_number": "800/55/2018",
    "sk_date": "2018-07-01",
    "sk_signer_position": "Kepala Dinas Pendidikan",
    "start_date": "2018-07-01",
    "end_date": "",
    "monthly_pay": "1750000",
}


def test_biodata_section_saves_the_workers_fields_and_audits(worker_client, worker):
    response = worker_client.post(reverse("worker:biodata"), BIODATA)
    assert response.status_code == 302
    assert response.url == reverse("worker:history")
    record = WorkerRecord.objects.get(pk=worker.worker_record_id)
    assert record.sk_number == "800/55/2018"
    assert record.sk_date == dt.date(2018, 7, 1)
    assert record.monthly_pay == 1_750_000
    event = AuditEvent.objects.get(record=record, action="record:worker_update")
    assert event.after["sk_number"] == "800/55/2018"


def test_changed_email_becomes_the_login_email(worker_client, worker, client):
    worker_client.post(reverse("worker:biodata"), BIODATA)
    worker.refresh_from_db()
    assert worker.email == "siti.baru@example.test"


def test_biodata_shows_agency_fields_read_only(worker_client, worker):
    html = worker_client.get(reverse("worker:biodata")).content.decode()
    assert "Diisi oleh instansi" in html
    assert worker.worker_record.masked_nik in html
    assert worker.worker_record.nik not in html
    assert 'name="full_name"' not in html and 'name="position"' not in html


def test_forged_post_cannot_change_agency_fields(worker_client, worker):
    record = worker.worker_record
    forged = {
        **BIODATA,
        "full_name": "Nama Palsu",
        "nik": "3201010101900001",
        "position": "Kepala Dinas",
        "pay_source": "APBN",
        "category": "thk2",
        "work_unit": "",
    }
    worker_client.post(reverse("worker:biodata"), forged)
    fresh = WorkerRecord.objects.get(pk=record.pk)
    assert (fresh.full_name, fresh.nik, fresh.position, fresh.pay_source, fresh.category) == (
        record.full_name,
        record.nik,
        record.position,
        record.pay_source,
        record.category,
    )
    assert fresh.sk_number == "800/55/2018"  # the allowed part was saved


def test_service_refuses_fields_outside_the_workers_thirteen(worker):
    with pytest.raises(ValueError):
        worker_details_update(record_id=worker.worker_record_id, changes={"position": "Kepala"}, actor=worker)


def test_invalid_biodata_keeps_what_was_saved_before(worker_client, worker):
    response = worker_client.post(
        reverse("worker:biodata"), {**BIODATA, "sk_number": "X", "start_date": "2099-01-01"}
    )
    assert response.status_code == 200
    assert "masa depan" in response.content.decode()
    assert WorkerRecord.objects.get(pk=worker.worker_record_id).sk_number == ""


def test_education_section_saves(worker_client, worker):
    data = {
        "education_level": "D3",
        "education_institution": "Politeknik Negeri Bandung",
        "education_major": "Akuntansi",
        "diploma_number": "POLBAN/2012/9",
        "graduation_date": "2012-09-01",
    }
    assert worker_client.post(reverse("worker:education"), data).status_code == 302
    assert (
        WorkerRecord.objects.get(pk=worker.worker_record_id).education_institution
        == "Politeknik Negeri Bandung"
    )


def _history_post(rows, add=False):
    data = {"history-TOTAL_FORMS": str(len(rows)), "history-INITIAL_FORMS": "0", "history-MAX_NUM_FORMS": "5"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"history-{i}-{key}"] = value
    if add:
        data["add"] = "1"
    return data


def _row(year):
    return {
        "start_date": f"{year}-01-02",
        "end_date": "",
        "sk_number": f"SK/{year}",
        "position": "Guru",
        "unit": "SDN 1",
    }


def test_work_history_keeps_up_to_five_entries_oldest_first(worker_client, worker):
    response = worker_client.post(
        reverse("worker:history"), _history_post([_row(2020), _row(2016), _row(2018)])
    )
    assert response.status_code == 302
    entries = list(worker.worker_record.work_history.values_list("order", "sk_number"))
    assert entries == [(1, "SK/2016"), (2, "SK/2018"), (3, "SK/2020")]


def test_work_history_refuses_a_sixth_entry(worker_client, worker):
    response = worker_client.post(
        reverse("worker:history"), _history_post([_row(y) for y in range(2010, 2016)])
    )
    assert response.status_code == 200
    assert worker.worker_record.work_history.count() == 0


def test_missing_items_name_what_is_left_per_section(worker):
    missing = missing_items(worker.worker_record)
    sections = {m.section for m in missing}
    assert sections == {"biodata", "history", "education", "documents"}
    labels = [m.label for m in missing if m.section == "documents"]
    assert "Ijazah" in labels and len(labels) == 5  # KTP and photo came with step 2


def test_resume_lists_what_is_missing_and_disables_send(worker_client):
    html = worker_client.get(reverse("worker:resume")).content.decode()
    assert "Lengkapi ini sebelum mengirim" in html
    assert "Ijazah" in html
    assert 'id="submit-record" disabled' in html


def test_submit_is_refused_while_incomplete(worker_client, worker):
    worker_client.post(reverse("worker:submit"))
    assert WorkerRecord.objects.get(pk=worker.worker_record_id).status == Status.ACCOUNT_CREATED


def test_complete_record_is_submitted_and_worker_notified(
    worker_client, complete_worker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = worker_client.post(reverse("worker:submit"))
    assert response.status_code == 302
    record = WorkerRecord.objects.get(pk=complete_worker.worker_record_id)
    assert record.status == Status.SUBMITTED
    assert record.submitted_at is not None
    assert AuditEvent.objects.filter(record=record, action="status:submitted").exists()
    assert [m.to for m in mailoutbox] == [["siti@example.test"]]
    assert "Dikirim" in mailoutbox[0].subject


def test_resubmission_before_a_decision_stays_submitted_with_a_new_time(complete_worker):
    record = worker_submit(record_id=complete_worker.worker_record_id, actor=complete_worker)
    first = record.submitted_at
    again = worker_submit(record_id=record.pk, actor=complete_worker)
    assert again.status == Status.SUBMITTED
    assert again.submitted_at > first
    assert AuditEvent.objects.filter(record=record, action="record:resubmit").exists()


def test_needs_revision_shows_the_note_and_allows_editing_and_resubmitting(
    worker_client, complete_worker, operator, mailoutbox, django_capture_on_commit_callbacks
):
    record_id = complete_worker.worker_record_id
    worker_submit(record_id=record_id, actor=complete_worker)
    with django_capture_on_commit_callbacks(execute=True):
        record_transition(
            record_id=record_id, to=Status.NEEDS_REVISION, actor=operator, reason="SK buram, unggah ulang."
        )
    assert "SK buram, unggah ulang." in mailoutbox[-1].body
    html = worker_client.get(reverse("worker:home")).content.decode()
    assert "SK buram, unggah ulang." in html
    assert worker_client.post(reverse("worker:biodata"), BIODATA).status_code == 302
    worker_client.post(reverse("worker:submit"))
    assert WorkerRecord.objects.get(pk=record_id).status == Status.SUBMITTED


def test_after_a_decision_everything_is_read_only(worker_client, complete_worker, operator):
    record_id = complete_worker.worker_record_id
    worker_submit(record_id=record_id, actor=complete_worker)
    record_transition(record_id=record_id, to=Status.ELIGIBLE, actor=operator)
    before = WorkerRecord.objects.get(pk=record_id).sk_number
    worker_client.post(reverse("worker:biodata"), BIODATA)
    assert WorkerRecord.objects.get(pk=record_id).sk_number == before
    with pytest.raises(NotEditable):
        worker_details_update(record_id=record_id, changes={"phone": "081211112222"}, actor=complete_worker)


def test_after_prefinalisation_everything_is_read_only(worker_client, worker):
    AgencySubmission.objects.filter(agency=worker.worker_record.agency).update(phase="prefinalised")
    html = worker_client.get(reverse("worker:biodata")).content.decode()
    assert 'id="read-only-notice"' in html
    worker_client.post(reverse("worker:biodata"), BIODATA)
    worker_client.post(reverse("worker:history"), _history_post([_row(2019)]))
    worker_client.post(reverse("worker:documents"), {"kind": "selfie", "file": b""})
    record = WorkerRecord.objects.get(pk=worker.worker_record_id)
    assert record.sk_number != "800/55/2018"
    assert record.work_history.count() == 0
    assert not record.documents.filter(kind="selfie").exists()


def test_after_the_input_deadline_everything_is_read_only(worker):
    Period.objects.filter(pk=worker.worker_record.period_id).update(
        input_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    with pytest.raises(NotEditable):
        worker_details_update(
            record_id=worker.worker_record_id, changes={"phone": "081211112222"}, actor=worker
        )


def test_status_page_shows_status_and_missing_count(worker_client, worker):
    html = worker_client.get(reverse("worker:home")).content.decode()
    assert "akun dibuat" in html.lower()
    assert "isian masih kurang" in html


def test_complete_helper_really_completes(worker):
    assert missing_items(complete(worker.worker_record, worker)) == []

"""Issue 16, point 10: the worker's own saves that change nothing write no audit row (the biodata
and education sections, the work history, the contact data given at "Buat Akun")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import AuditEvent, WorkerRecord
from tests.accounts.support import identity_post, jpeg_bytes, pdf_bytes, upload
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _biodata(record: WorkerRecord, **overrides) -> dict:
    data = {
        "phone": record.phone,
        "email": record.email,
        "address": "Jl. Asia Afrika 10, Bandung",
        "sk_number": record.sk_number,
        "sk_date": record.sk_date.isoformat() if record.sk_date else "",
        "sk_signer_position": record.sk_signer_position,
        "start_date": record.start_date.isoformat() if record.start_date else "",
        "end_date": "",
        "monthly_pay": record.monthly_pay or "",
    }
    data.update(overrides)
    return data


def test_biodata_saved_again_unchanged_writes_no_audit_row(worker_client, worker):
    record = WorkerRecord.objects.get(pk=worker.worker_record_id)
    worker_client.post(reverse("worker:biodata"), _biodata(record))
    rows = AuditEvent.objects.filter(record=record, action="record:worker_update").count()
    record.refresh_from_db()
    response = worker_client.post(
        reverse("worker:biodata"), _biodata(record, email=record.email.upper()), follow=True
    )
    assert "Tidak ada yang berubah." in response.content.decode()
    assert AuditEvent.objects.filter(record=record, action="record:worker_update").count() == rows


def test_work_history_saved_again_unchanged_writes_no_audit_row(worker_client, worker):
    entry = {
        "history-TOTAL_FORMS": "1",
        "history-INITIAL_FORMS": "0",
        "history-0-start_date": "2018-07-01",
        "history-0-end_date": "",
        "history-0-sk_number": "800/55/2018",
        "history-0-position": "Guru",
        "history-0-unit": "SD Negeri 1",
    }
    worker_client.post(reverse("worker:history"), entry)
    # The page now renders the stored entry as the formset's initial form; saved again as it is.
    worker_client.post(reverse("worker:history"), {**entry, "history-INITIAL_FORMS": "1"})
    record_id = worker.worker_record_id
    assert AuditEvent.objects.filter(record_id=record_id, action="record:work_history").count() == 1


def test_an_account_given_the_e_mail_the_agency_entered_audits_no_contact_change(client, registered):
    WorkerRecord.objects.filter(pk=registered.pk).update(phone="081234567890", email="Siti@Example.test")
    assert client.post("/akun/buat/", identity_post(registered)).status_code == 302
    client.post(
        reverse("worker:register-step2"),
        {
            "password1": PASSWORD,
            "password2": PASSWORD,
            "ktp": upload(pdf_bytes(1), "ktp.pdf", "application/pdf"),
            "photo": upload(jpeg_bytes((900, 1200)), "foto.jpg"),
        },
    )
    assert AuditEvent.objects.filter(record=registered, action="status:account_created").exists()
    assert not AuditEvent.objects.filter(record=registered, action="account:create").exists()


def test_an_account_given_another_phone_audits_only_the_phone(client, registered):
    WorkerRecord.objects.filter(pk=registered.pk).update(phone="081111111111", email="siti@example.test")
    client.post("/akun/buat/", identity_post(registered))
    client.post(
        reverse("worker:register-step2"),
        {
            "password1": PASSWORD,
            "password2": PASSWORD,
            "ktp": upload(pdf_bytes(1), "ktp.pdf", "application/pdf"),
            "photo": upload(jpeg_bytes((900, 1200)), "foto.jpg"),
        },
    )
    event = AuditEvent.objects.get(record=registered, action="account:create")
    assert event.before == {"phone": "081111111111"}
    assert event.after["phone"] == "081234567890" and "email" not in event.after

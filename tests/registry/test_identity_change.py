"""An operator correcting the identity of a record whose worker has an account: reason, audit,
e-mail, and the worker still logs in (by the new NIK and by e-mail)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from registry.models import AuditEvent, WorkerRecord
from registry.validators import mask_number
from tests.accounts.support import make_worker
from tests.factories import PASSWORD, WorkerRecordFactory, make_kk, make_nik
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1991, 3, 14)


@pytest.fixture
def with_account(agency, period):
    record = WorkerRecordFactory(
        agency=agency,
        period=period,
        full_name="Siti Nurhaliza",
        birth_date=BIRTH,
        sex="F",
        nik=make_nik(BIRTH, "F", serial=4321),
        kk=make_kk(serial=1234),
    )
    make_worker(record, email="siti@example.test")
    record.refresh_from_db()
    return record


def edit_post(record: WorkerRecord, **overrides) -> dict:
    data = worker_fields(
        nik=record.nik,
        kk=record.kk,
        full_name=record.full_name,
        birth_place=record.birth_place,
        birth_date=record.birth_date.isoformat(),
        sex=record.sex,
        email=record.email,
        phone=record.phone,
        start_date="2019-01-02",
        sk_date="2019-01-02",
    )
    data.update(overrides)
    return data


NEW_NIK = make_nik(BIRTH, "F", serial=9876)


def test_edit_page_warns_and_asks_a_reason_for_a_record_with_an_account(login, operator, with_account):
    page = login(operator).get(reverse("registry:worker-edit", args=[with_account.pk])).content.decode()
    assert "Pegawai ini sudah memiliki akun." in page
    assert 'name="reason"' in page


def test_edit_page_of_a_record_without_account_has_no_reason_field(login, operator, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    page = login(operator).get(reverse("registry:worker-edit", args=[record.pk])).content.decode()
    assert "Pegawai ini sudah memiliki akun." not in page
    assert 'name="reason"' not in page


def test_identity_change_without_reason_is_refused_at_the_reason_field(login, operator, with_account):
    client = login(operator)
    response = client.post(
        reverse("registry:worker-edit", args=[with_account.pk]), edit_post(with_account, nik=NEW_NIK)
    )
    assert response.status_code == 200
    assert "sudah memiliki akun: tuliskan alasan" in " ".join(response.context["form"].errors["reason"])
    with_account.refresh_from_db()
    assert with_account.nik != NEW_NIK


def test_non_identity_change_needs_no_reason(login, operator, with_account):
    client = login(operator)
    response = client.post(
        reverse("registry:worker-edit", args=[with_account.pk]),
        edit_post(with_account, position="Pustakawan"),
    )
    assert response.status_code == 302
    with_account.refresh_from_db()
    assert with_account.position == "Pustakawan"


def test_identity_change_with_reason_is_audited_masked_mailed_and_the_worker_still_logs_in(
    login, operator, with_account, django_capture_on_commit_callbacks
):
    old_nik = with_account.nik
    client = login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:worker-edit", args=[with_account.pk]),
            edit_post(with_account, nik=NEW_NIK, full_name="Siti Nurhaliza Putri", reason="Salah ketik NIK"),
        )
    assert response.status_code == 302
    with_account.refresh_from_db()
    assert with_account.nik == NEW_NIK
    event = AuditEvent.objects.get(record=with_account, action="record:update")
    assert event.reason == "Salah ketik NIK"
    assert event.before["nik"] == mask_number(old_nik)
    assert event.after["nik"] == mask_number(NEW_NIK)
    assert old_nik not in str(event.before) and NEW_NIK not in str(event.after)
    identity_mails = [m for m in mail.outbox if "identitas" in m.subject.lower()]
    assert len(identity_mails) == 1
    assert identity_mails[0].to == ["siti@example.test"]
    assert "Salah ketik NIK" in identity_mails[0].body
    assert NEW_NIK not in identity_mails[0].body  # masked in the mail
    # The login follows the record: the new NIK and the e-mail work, the old NIK no longer does.
    user_id = with_account.account.pk
    for username, logged_in in ((NEW_NIK, True), ("siti@example.test", True), (old_nik, False)):
        worker_client = Client()
        worker_client.post("/akun/masuk/", {"username": username, "password": PASSWORD})
        assert (worker_client.session.get("_auth_user_id") == str(user_id)) is logged_in, username
    with_account.account.refresh_from_db()
    assert with_account.account.first_name == "Siti Nurhaliza Putri"

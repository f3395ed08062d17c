"""The national admin's Django admin: agencies, periods, users, records (by NIK), audit (read-only)."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role, User
from registry.models import AuditEvent
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, national_admin):
    client.force_login(national_admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/registry/agency/",
        "/admin/registry/period/",
        "/admin/registry/agencysubmission/",
        "/admin/registry/workerrecord/",
        "/admin/registry/auditevent/",
        "/admin/accounts/user/",
    ],
)
def test_national_admin_sees_each_list(admin_client, agency, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"<table" in response.content or b"0 " in response.content


def test_records_are_found_by_full_nik_and_listed_masked(admin_client, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period, full_name="Siti Rahmawati")
    WorkerRecordFactory(agency=agency, period=period, full_name="Budi Santoso")
    page = admin_client.get("/admin/registry/workerrecord/", {"q": record.nik}).content.decode()
    assert "Siti Rahmawati" in page
    assert "Budi Santoso" not in page
    start = page.index("<tbody>", page.index('id="result_list"'))
    results = re.sub(r"<[^>]+>", " ", page[start : page.index("</tbody>", start)])  # the text people read
    assert record.masked_nik in results
    assert record.nik not in results  # the list itself shows the NIK masked


def test_records_filter_by_agency_and_status(admin_client, agency, other_agency, period):
    WorkerRecordFactory(agency=agency, period=period, full_name="Di Instansi Satu")
    WorkerRecordFactory(agency=other_agency, period=period, full_name="Di Instansi Dua", status="submitted")
    page = admin_client.get(
        "/admin/registry/workerrecord/", {"agency__id__exact": agency.pk}
    ).content.decode()
    assert "Di Instansi Satu" in page and "Di Instansi Dua" not in page
    page = admin_client.get("/admin/registry/workerrecord/", {"status__exact": "submitted"}).content.decode()
    assert "Di Instansi Dua" in page and "Di Instansi Satu" not in page


def test_national_admin_creates_an_agency_admin(admin_client, agency):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "admin.baru",
            "email": "admin.baru@instansi.go.id",
            "role": Role.AGENCY_ADMIN,
            "agency": agency.pk,
            "usable_password": "true",
            "password1": "Sangat-Rahasia-2022",
            "password2": "Sangat-Rahasia-2022",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="admin.baru")
    assert (user.role, user.agency) == (Role.AGENCY_ADMIN, agency)
    assert user.check_password("Sangat-Rahasia-2022")


def test_agency_admin_without_agency_is_refused(admin_client):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "tanpa.instansi",
            "role": Role.AGENCY_ADMIN,
            "usable_password": "true",
            "password1": "Sangat-Rahasia-2022",
            "password2": "Sangat-Rahasia-2022",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="tanpa.instansi").exists()


def test_audit_events_cannot_be_changed_or_deleted(admin_client, agency, period, national_admin):
    record = WorkerRecordFactory(agency=agency, period=period)
    event = AuditEvent.log(actor=national_admin, action="record:register", obj=record)
    assert admin_client.get(f"/admin/registry/auditevent/{event.pk}/delete/").status_code == 403
    admin_client.post(f"/admin/registry/auditevent/{event.pk}/change/", {"action": "tampered"})
    event.refresh_from_db()
    assert event.action == "record:register"


def test_agency_staff_cannot_enter_the_admin(client, operator):
    client.force_login(operator)
    response = client.get("/admin/registry/workerrecord/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

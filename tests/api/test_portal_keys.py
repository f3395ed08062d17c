"""The agency admin's API keys in the portal, and the "how to connect" page."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from api.models import ApiKey
from registry.models import AuditEvent
from tests.api.support import ApiClient, make_key


def _create(client, **overrides):
    data = {
        "name": "SIMPEG Kota",
        "scope": "write",
        "expires_on": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        **overrides,
    }
    return client.post("/instansi/api/kunci/", data)


def test_the_agency_admin_creates_a_key_shown_once_that_works(client, agency, agency_admin, period):
    client.force_login(agency_admin)
    page = _create(client).content.decode()
    token = re.search(r'<code id="new-key">(nasn_[^<]+)</code>', page).group(1)
    key = ApiKey.objects.get(agency=agency)
    assert (key.name, key.scope, key.created_by) == ("SIMPEG Kota", "write", agency_admin)
    assert ApiClient(token).get("/api/v1/agency/").status_code == 200
    assert token not in client.get("/instansi/api/kunci/").content.decode()
    assert AuditEvent.objects.filter(action="api:key_create", agency=agency).exists()


def test_an_expiry_in_the_past_is_refused_next_to_the_field(client, agency_admin):
    client.force_login(agency_admin)
    page = _create(client, expires_on="2020-01-01").content.decode()
    assert "Tanggal kedaluwarsa harus di masa depan" in page
    assert not ApiKey.objects.exists()


def test_the_agency_admin_revokes_a_key(client, agency, agency_admin, period):
    key, token = make_key(agency=agency, actor=agency_admin)
    client.force_login(agency_admin)
    client.post(f"/instansi/api/kunci/{key.pk}/cabut/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert ApiClient(token).get("/api/v1/agency/").status_code == 401


def test_another_agency_s_key_cannot_be_revoked(client, other_agency, agency_admin, national_admin):
    key, _token = make_key(agency=other_agency, actor=national_admin)
    client.force_login(agency_admin)
    assert client.post(f"/instansi/api/kunci/{key.pk}/cabut/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_the_key_list_shows_only_the_agency_s_keys_with_last_use(
    client, agency, other_agency, agency_admin, national_admin
):
    own, token = make_key(agency=agency, actor=agency_admin, name="Milik Sendiri")
    make_key(agency=other_agency, actor=national_admin, name="Milik Lain")
    ApiKey.objects.filter(pk=own.pk).update(last_used_at=timezone.now())
    client.force_login(agency_admin)
    page = client.get("/instansi/api/kunci/").content.decode()
    assert "Milik Sendiri" in page and "Milik Lain" not in page
    assert timezone.localtime().strftime("%d-%m-%Y") in page


def test_operators_cannot_manage_keys(client, operator):
    client.force_login(operator)
    assert client.get("/instansi/api/kunci/").status_code == 403


def test_the_connect_page_shows_the_examples(client, operator):
    client.force_login(operator)
    page = client.get("/instansi/api/").content.decode()
    assert "/api/v1/workers/bulk/" in page
    assert "urllib.request" in page
    assert "curl -sS" in page


def test_the_national_admin_creates_a_national_key_in_admin(client, national_admin, period):
    client.force_login(national_admin)
    response = client.post(
        "/admin/api/apikey/add/",
        {
            "name": "BKN SAPK",
            "scope": "read",
            "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
        follow=True,
    )
    key = ApiKey.objects.get(name="BKN SAPK")
    assert key.agency is None and key.scope == "read"
    token = re.search(r"(nasn_[0-9a-f]{10}_[A-Za-z0-9_-]+)", response.content.decode()).group(1)
    assert ApiClient(token).get("/api/v1/national/agencies/").status_code == 200

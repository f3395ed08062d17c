"""API keys: scope, expiry, revocation, the secret kept only as a hash, last use, machine accounts."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone

from accounts.models import User
from api.models import ApiKey, Scope
from api.services import api_key_revoke
from tests.api.support import ApiClient, make_key
from tests.registry.support import worker_fields


def test_no_key_answers_401_as_a_problem(client, period):
    response = client.get("/api/v1/workers/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_secret_with_a_known_prefix_is_refused(agency, agency_admin):
    key, token = make_key(agency=agency, actor=agency_admin)
    response = ApiClient(token[:-4] + "AAAA").get("/api/v1/agency/")
    assert response.status_code == 401
    assert response.json()["code"] == "key_unknown"


def test_the_secret_is_stored_only_as_its_hash(agency, agency_admin):
    key, token = make_key(agency=agency, actor=agency_admin)
    key.refresh_from_db()
    assert key.secret_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiKey.objects.filter(pk=key.pk).values().get())
    assert token.startswith(f"nasn_{key.prefix}_")


def test_an_expired_key_is_refused(agency, agency_admin, period):
    key, token = make_key(agency=agency, actor=agency_admin)
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = ApiClient(token).get("/api/v1/agency/")
    assert response.status_code == 401
    assert response.json()["code"] == "key_expired"


def test_a_revoked_key_is_refused_at_its_next_request(agency, agency_admin, period):
    key, token = make_key(agency=agency, actor=agency_admin)
    assert ApiClient(token).get("/api/v1/agency/").status_code == 200
    api_key_revoke(key_id=key.pk, actor=agency_admin)
    response = ApiClient(token).get("/api/v1/agency/")
    assert response.status_code == 401
    assert response.json()["code"] == "key_revoked"


def test_a_read_key_cannot_write(read_api, period):
    response = read_api.post("/api/v1/workers/", worker_fields())
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_key"
    assert read_api.post("/api/v1/workers/bulk/", {"items": [worker_fields()]}).status_code == 403
    assert read_api.get("/api/v1/workers/").status_code == 200


def test_a_national_key_reads_no_agency_endpoint(national_api, period):
    response = national_api.get("/api/v1/workers/")
    assert response.status_code == 403
    assert response.json()["code"] == "agency_key_required"


def test_an_agency_key_reads_no_national_endpoint(api, period):
    assert api.get("/api/v1/national/records/").status_code == 403
    assert api.get("/api/v1/national/agencies/").status_code == 403


def test_a_national_key_is_read_only(national_admin):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_key(agency=None, actor=national_admin, scope=Scope.WRITE)


def test_use_stamps_last_used(agency, agency_admin, period):
    key, token = make_key(agency=agency, actor=agency_admin)
    assert key.last_used_at is None
    ApiClient(token).get("/api/v1/agency/")
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_key_s_machine_account_is_not_listed_among_the_agency_s_users(client, agency, agency_admin):
    key, _token = make_key(agency=agency, actor=agency_admin)
    client.force_login(agency_admin)
    page = client.get("/instansi/akun/pengguna/").content.decode()
    assert agency_admin.username in page
    assert key.user.username not in page
    assert User.objects.people().filter(pk=key.user.pk).count() == 0


def test_a_key_s_machine_account_cannot_log_in(agency, agency_admin):
    key, token = make_key(agency=agency, actor=agency_admin)
    assert not key.user.has_usable_password()
    assert not key.user.check_password(token)

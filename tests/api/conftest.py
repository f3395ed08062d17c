from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from api.models import Scope
from api.services import api_key_create
from tests.registry.conftest import worker_fields  # noqa: F401 (the portal form's valid worker)


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.API_CHANGES_SETTLE_SECONDS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def make_key(*, agency, actor=None, scope=Scope.WRITE, days=30, name="SIMPEG"):
    return api_key_create(
        name=name,
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
        agency=agency,
        actor=actor,
    )


class ApiClient:
    """The test client sending the key as a real HR system does (Authorization: Bearer)."""

    def __init__(self, token: str):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, params=None, headers=None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def post(self, path, body=None, headers=None):
        return self.client.post(
            path, body or {}, content_type="application/json", headers=self._headers(headers)
        )

    def put(self, path, body=None, headers=None):
        return self.client.put(
            path, body or {}, content_type="application/json", headers=self._headers(headers)
        )

    def patch(self, path, body=None, headers=None):
        return self.client.patch(
            path, body or {}, content_type="application/json", headers=self._headers(headers)
        )


@pytest.fixture
def write_key(agency, agency_admin):
    return make_key(agency=agency, actor=agency_admin)


@pytest.fixture
def api(write_key):
    return ApiClient(write_key[1])


@pytest.fixture
def read_api(agency, agency_admin):
    return ApiClient(make_key(agency=agency, actor=agency_admin, scope=Scope.READ, name="Dashboard")[1])


@pytest.fixture
def national_api(national_admin):
    return ApiClient(make_key(agency=None, actor=national_admin, scope=Scope.READ, name="BKN")[1])


@pytest.fixture
def unit(agency):
    from registry.models import WorkUnit

    return WorkUnit.objects.create(agency=agency, name="Dinas Pendidikan")

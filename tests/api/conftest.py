from __future__ import annotations

import pytest

from api.models import Scope
from tests.api.support import ApiClient, make_key


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.API_CHANGES_SETTLE_SECONDS = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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

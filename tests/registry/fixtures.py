"""Fixtures of the registry's tests: logged-in clients, work units, tasks run inline (made available
by tests/registry/conftest.py, and by tests/security/conftest.py)."""

from __future__ import annotations

import pytest

from registry.models import WorkUnit


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)  # django-axes wants a request for password logins (tested in accounts)
        return client

    return _login


@pytest.fixture
def unit(agency):
    return WorkUnit.objects.create(agency=agency, name="Dinas Pendidikan")


@pytest.fixture
def blu_unit(agency):
    return WorkUnit.objects.create(agency=agency, name="RSUD Kota", is_blu=True)

# ruff: noqa: F401 - fixtures are imported by name so pytest finds them here
"""The security suite's fixtures: the worker-side ones of tests/accounts, the registry's, and
tasks run inline with the captcha in test mode (as on every test of the public site)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.accounts.fixtures import (
    _worker_settings,
    complete_worker,
    phone_jpeg,
    registered,
    worker,
    worker_client,
)
from tests.registry.fixtures import login, unit


@pytest.fixture(autouse=True)
def _security_defaults(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    yield
    cache.clear()

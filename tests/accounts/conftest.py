# ruff: noqa: F401 - fixtures are imported by name so pytest finds them here
"""The worker self-registration tests' fixtures (tests/accounts/fixtures.py)."""

from tests.accounts.fixtures import (
    _worker_settings,
    complete_worker,
    phone_jpeg,
    registered,
    worker,
    worker_client,
)

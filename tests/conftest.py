from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import AgencyFactory, PeriodFactory, SubmissionFactory, UserFactory

# The suite runs nonasn.settings as production does (DEBUG off); only these switches differ, and
# they live here rather than in the settings file.
TEST_SETTINGS = {
    # Speed only: a real hasher costs ~0.3 s per login or account; never outside tests.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # The test client and the browser tests' live server speak plain HTTP.
    "SECURE_SSL_REDIRECT": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    # No collectstatic before the tests: serve static files unhashed.
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}


def pytest_configure(config):
    from django.conf import settings

    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request with the English cookie leaves English
    active in the thread (as the language middleware does between requests), which must not reach
    the next test's service messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _forget_process_memos():
    """Each test's database starts again from nothing: an active period or a published version
    (announcements.public_list) seen by an earlier test may name other rows now, so the per-process
    memos and the cache start empty."""
    from django.core.cache import cache

    from registry.services.memos import forget_memos

    forget_memos()
    cache.clear()
    yield
    forget_memos()
    cache.clear()


@pytest.fixture
def period(db):
    return PeriodFactory()


@pytest.fixture
def agency(db, period):
    agency = AgencyFactory()
    SubmissionFactory(agency=agency, period=period)
    return agency


@pytest.fixture
def other_agency(db, period):
    agency = AgencyFactory()
    SubmissionFactory(agency=agency, period=period)
    return agency


@pytest.fixture
def operator(agency):
    return UserFactory(role=Role.OPERATOR, agency=agency)


@pytest.fixture
def agency_admin(agency):
    return UserFactory(role=Role.AGENCY_ADMIN, agency=agency)


@pytest.fixture
def helpdesk(agency):
    return UserFactory(role=Role.HELPDESK, agency=agency)


@pytest.fixture
def national_admin(db):
    return UserFactory(role=Role.NATIONAL_ADMIN, agency=None, is_staff=True, is_superuser=True)

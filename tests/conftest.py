from __future__ import annotations

import gc
import itertools
import os

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
    # Speed only: each test client builds its own middleware, and whitenoise would index every file
    # under STATIC_ROOT (a checkout that ran `make bench` or `make serve` has ~1,000) at each build;
    # with this it looks a requested file up when it is asked for.
    "WHITENOISE_AUTOREFRESH": True,
    # No collectstatic before the tests: serve static files unhashed.
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}


# Speed only: a commit does not wait for its WAL record to reach the disk (a crash of the test
# server could lose the last commits, which no test needs); what a transaction sees is unchanged.
TEST_CONNECTION_OPTIONS = "-c synchronous_commit=off"


def pytest_configure(config):
    from django.conf import settings
    from django.db import connections

    # Without DATABASE_URL the suite starts a cluster of its own, never `make run`'s var/postgres, and
    # makes it non-durable (its databases are thrown away): see nonasn/embedded_db.py.
    os.environ.setdefault("EMBEDDED_POSTGRES_DIR", str(settings.BASE_DIR / "var" / "postgres-test"))
    os.environ.setdefault("EMBEDDED_POSTGRES_NON_DURABLE", "1")
    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)
    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options"), TEST_CONNECTION_OPTIONS]))
    # Speed only: the settings' engine, whose flush deletes rows instead of truncating tables
    # (tests/db_backend). Every alias uses the same engine (the replica mirrors the default).
    os.environ.setdefault("TEST_DATABASE_BASE_ENGINE", settings.DATABASES["default"]["ENGINE"])
    for alias, database in settings.DATABASES.items():
        database["ENGINE"] = "tests.db_backend"
        try:  # made (not opened) by django.setup(): a model class asks it for the longest name
            del connections[alias]
        except AttributeError:
            pass


# The tests that take much longer than the others, longest first. They start first, so that the
# parallel workers finish together instead of one of them running a long test alone at the end.
# Order only: nothing is selected or skipped by this list.
SLOW_FIRST = (
    "tests/e2e/test_whole_journey.py::test_the_whole_journey_through_the_pages",
    "tests/e2e/test_light_pages.py::",
    "tests/security/test_every_url_foreign_ids.py::test_foreign_users_see_nothing_of_agency_a_and_change_nothing[admin]",
    "tests/e2e/test_whole_journey.py::",
    "tests/registry/test_import_worker_restart.py::",
    "tests/api/test_schema_fuzz.py::",
    "tests/security/test_every_url_foreign_ids.py::test_foreign_users_see_nothing_of_agency_a_and_change_nothing",
    "tests/e2e/test_verification_decisions.py::",
    "tests/e2e/test_phases.py::",
    "tests/test_run_dev_stops.py::",
    "tests/demo/test_seed_demo.py::",
    "tests/verification/test_phases_seed_demo.py::",
    "tests/registry/test_import.py::test_ten_thousand_rows_with_a_few_bad_ones",
    "tests/test_serve.py::",
    "tests/registry/test_import_constraints.py::test_a_nik_registered_through_the_form_during_the_import",
    "tests/test_production_settings.py::",
    "tests/test_settings.py::test_deploy_check",
    "tests/security/test_limits_under_parallel_load.py::",
    "tests/verification/test_phases_locked_after_finalisation.py::",
    "tests/announcements/test_complaint_seed.py::",
)


def _slowness(item) -> int:
    return next((n for n, prefix in enumerate(SLOW_FIRST) if item.nodeid.startswith(prefix)), len(SLOW_FIRST))


def _waits_on_a_browser(item) -> bool:
    return item.get_closest_marker("e2e") is not None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slow tests first; then the browser tests spread evenly among the others.

    A browser test's work is mostly Chromium's, with waits between its steps, the others' is this
    process's; side by side on the parallel workers, one kind fills the other's gaps, where a run
    of browser tests at the end would have both workers waiting on Chromium. This sets aside
    pytest-django's order (tests in a transaction before the transactional ones, which empty the
    tables after each test): every test here starts from the migrated, empty database either way,
    since those tables are emptied, not left with rows."""
    slow = sorted((item for item in items if _slowness(item) < len(SLOW_FIRST)), key=_slowness)
    rest = [item for item in items if _slowness(item) == len(SLOW_FIRST)]
    browser = [item for item in rest if _waits_on_a_browser(item)]
    others = [item for item in rest if not _waits_on_a_browser(item)]
    items[:] = slow + _interleave(others, browser)


def _interleave(many: list, few: list) -> list:
    """`few` spread evenly through `many`, each keeping its order. They go in between modules of
    `many`, never inside one: a module's tests stay together, so its module-scoped fixtures are
    set up once."""
    if not few:
        return list(many)
    merged, placed = [], 0
    for _module, tests in itertools.groupby(many, key=lambda item: item.path):
        merged.extend(tests)
        due = round(len(few) * (len(merged) - placed) / len(many))
        merged.extend(few[placed:due])
        placed = max(placed, due)
    return merged + few[placed:]


def pytest_collection_finish(session):
    """What a test process holds once it has collected (Django, the apps, every test module,
    Hypothesis's strategies: a few million objects) lives until it exits, so it is moved out of the
    garbage collector's passes (`gc.freeze`, as the app servers do after their warm-up), which
    walked all of it, ~250 ms a pass: the suite's full passes cost ~10 s of CPU instead of ~14 s.
    What the tests allocate is collected as before, in larger steps: a young pass every 10,000
    new objects instead of 700 (a test allocates hundreds of thousands), which also makes the
    full passes rarer; the collector's CPU over the suite ~10.6 s → ~5.9 s (docs/performance.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


_media_folders = itertools.count()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Each test its own media folder, created only when a file is stored (most tests store none,
    and a folder per test is thousands of folders to create and delete)."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media" / str(next(_media_folders))


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

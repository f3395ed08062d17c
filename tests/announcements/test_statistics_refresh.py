"""/statistik/ never builds its tables in a visitor's request: the task worker builds them (once
they are due, or before the first build), and the page serves the last build meanwhile."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from announcements.models import StatisticsBuild
from announcements.services.statistics import (
    REFRESH_SECONDS,
    _cache_key,
    build_statistics,
    current_statistics,
    statistics_refresh,
)
from registry.models import RecordTally, Status
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)
REFRESH_TASK = "announcements.tasks.refresh_statistics"
TALLY_TABLE = RecordTally._meta.db_table


@pytest.fixture(autouse=True)
def tasks_in_the_database(settings):
    """As deployed: a queued task waits for the task worker (nothing runs it in the request)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def records(other_agency, period):
    return WorkerRecordFactory.create_batch(7, agency=other_agency, period=period, status=Status.REGISTERED)


def _total(client) -> int:
    response = client.get(reverse("statistics:json", args=["progress"]))
    assert response.status_code == 200
    return json.loads(response.content)["rows"][-1]["records"]


def _queued() -> int:
    return DBTaskResult.objects.filter(task_path=REFRESH_TASK, status="READY").count()


def _time_passes(seconds: int, *, fragments_kept: bool = False) -> None:
    """The stored build gets older (and the app servers' copies of it expire with it; the page's
    drawn fragments too, unless `fragments_kept`)."""
    build = StatisticsBuild.objects.get()
    StatisticsBuild.objects.filter(pk=build.pk).update(
        taken_at=build.taken_at - dt.timedelta(seconds=seconds)
    )
    if fragments_kept:
        cache.delete(_cache_key(build.period_id))
    else:
        cache.clear()


def test_before_the_first_build_the_page_says_the_figures_are_being_prepared_and_asks_the_worker(
    client, records
):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("statistics:page"))
    assert response.status_code == 503 and response["Retry-After"]
    assert 'id="statistics-pending"' in response.content.decode()
    assert not StatisticsBuild.objects.exists()
    assert not [q["sql"] for q in queries if TALLY_TABLE in q["sql"]]  # nothing counted here
    assert _queued() == 1

    call_command("task_worker", "--batch")

    assert _total(client) == 7
    assert client.get(reverse("statistics:page")).status_code == 200


def test_a_page_request_never_builds_the_statistics_even_when_they_are_due(client, records, period):
    statistics_refresh(period=period)
    _time_passes(REFRESH_SECONDS + 1)
    taken_at = StatisticsBuild.objects.get().taken_at

    with CaptureQueriesContext(connection) as queries:
        for name in ("page", "json", "csv"):
            args = [] if name == "page" else ["agencies"]
            assert client.get(reverse(f"statistics:{name}", args=args)).status_code == 200
    assert not [q["sql"] for q in queries if TALLY_TABLE in q["sql"]]
    assert StatisticsBuild.objects.get().taken_at == taken_at
    assert _queued() == 1  # asked once, however many requests


def test_due_statistics_are_rebuilt_by_the_worker_and_served_meanwhile(client, records, other_agency, period):
    statistics_refresh(period=period)
    assert _total(client) == 7
    WorkerRecordFactory.create_batch(5, agency=other_agency, period=period, status=Status.REGISTERED)
    assert _total(client) == 7  # within the refresh window
    assert _queued() == 0

    _time_passes(REFRESH_SECONDS + 1)
    assert _total(client) == 7  # due: still the last build, and the worker is asked
    assert _queued() == 1

    call_command("task_worker", "--batch")

    assert _total(client) == 12
    assert StatisticsBuild.objects.get().taken_at > dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


def test_the_worker_does_not_build_again_while_the_last_build_is_fresh(records, period):
    assert statistics_refresh(period=period) is True
    assert statistics_refresh(period=period) is False
    _time_passes(REFRESH_SECONDS - 60)
    assert statistics_refresh(period=period) is False
    _time_passes(61)
    assert statistics_refresh(period=period) is True


def _chart_in_progress(client, query: str = "") -> str:
    html = client.get(reverse("statistics:page") + query).content.decode()
    return re.search(r'data-key="in_progress">\s*<th[^>]*>[^<]*</th>\s*<td[^>]*>([^<]+)</td>', html).group(1)


def test_the_charts_drawn_once_per_build_show_a_new_builds_figures(client, records, other_agency, period):
    statistics_refresh(period=period)
    assert _chart_in_progress(client) == "7"
    assert _chart_in_progress(client, "?sort=-records&page=1") == "7"  # the same drawing, another table view
    WorkerRecordFactory.create_batch(5, agency=other_agency, period=period, status=Status.REGISTERED)
    _time_passes(REFRESH_SECONDS + 1, fragments_kept=True)
    assert _chart_in_progress(client) == "7"  # the last build, while the worker is asked
    call_command("task_worker", "--batch")

    assert _chart_in_progress(client) == "12"


def test_a_process_serves_the_build_it_holds_without_copying_it_per_request(records, period):
    # The tables (a row per agency) are read once per build and process; each request asks the
    # cache only which build is current. A copy per request was freed only by the garbage
    # collector's full passes, which then cost their request 20-100 ms.
    statistics_refresh(period=period)
    first = current_statistics(period=period)
    with CaptureQueriesContext(connection) as queries:
        again = current_statistics(period=period)
    assert again is first
    assert not [q["sql"] for q in queries if StatisticsBuild._meta.db_table in q["sql"]]


def test_a_process_serves_the_build_the_cache_names_not_the_one_it_holds(records, other_agency, period):
    # Another app server's process (here: the worker's build written behind this process's back)
    # stores a new build and names it in the shared cache: this process reads it then.
    statistics_refresh(period=period)
    held = current_statistics(period=period)
    WorkerRecordFactory.create_batch(5, agency=other_agency, period=period, status=Status.REGISTERED)
    newer = build_statistics(period=period)
    StatisticsBuild.objects.filter(period=period).update(
        taken_at=newer.taken_at, digest=newer.digest, tables=newer.tables
    )
    cache.set(_cache_key(period.pk), (newer.taken_at, newer.digest), REFRESH_SECONDS)
    served = current_statistics(period=period)
    assert served is not held and served.digest == newer.digest != held.digest
    assert served.tables["progress"][-1]["records"] == 12

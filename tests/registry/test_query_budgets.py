"""Query budgets of the agency portal's busiest pages, pinned so that a per-row query cannot creep in.

The numbers do not grow with the number of records: each page below holds more rows than one page
and every row has a work unit and flags.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from registry import listing
from registry.models import ImportJob, WorkUnit
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def many(agency, period, operator):
    units = [WorkUnit.objects.create(agency=agency, name=f"Dinas {i}") for i in range(3)]
    for i in range(40):
        WorkerRecordFactory(
            agency=agency,
            period=period,
            work_unit=units[i % 3],
            flags=["age", "service"] if i % 3 else [],
            status="submitted" if i % 2 else "registered",
        )
    for i in range(6):
        ImportJob.objects.create(
            agency=agency, period=period, created_by=operator, original_name=f"f{i}.xlsx"
        )


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "Pegawai", "status": "submitted", "flag": "age", "sort": "newest"}, {"q": "320101"}],
)
def test_worker_list_query_budget(login, operator, many, django_assert_max_num_queries, params):
    client = login(operator)
    # 1 session, 2 user, 3 active period, 4 the user's agency (scoping), 5 the agency's work units
    # (filter form), 6 the page of records with their work units (one join), then the bounded
    # count: 7 savepoint, 8 SET LOCAL statement_timeout, 9 the count, 10 reset, 11 release. A search
    # by name reads its page under a time limit of its own (registry.listing.search_page): 4 more
    # (savepoint, SET LOCAL, reset, release), and the page again only if the walk was cancelled.
    budget = 15 if listing.name_searched(params.get("q", "")) else 11
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("registry:worker-list"), params)
    assert response.status_code == 200
    assert response.context["page"].rows


def test_worker_list_page_two_query_budget(login, operator, many, django_assert_max_num_queries):
    client = login(operator)
    cursor = client.get(reverse("registry:worker-list")).context["page"].next_cursor
    # The same eleven as page 1: the cursor adds a condition, not a query.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("registry:worker-list"), {"after": cursor})
    assert len(response.context["page"].rows) == 15


def test_dashboard_query_budget(login, operator, many, django_assert_max_num_queries):
    client = login(operator)
    # 1 session, 2 the user with their agency, 3 active period, 4 every count (the tally of
    # records per status and flag), 5 the agency's submission, 6 the five latest imports,
    # 7 the menu's write permission (the agency's submission).
    with django_assert_max_num_queries(8):
        response = client.get(reverse("registry:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="active-total">40<' in page
    assert 'data-testid="flagged-total">26<' in page
    assert page.count("f5.xlsx") + page.count("f1.xlsx") == 2


def test_the_dashboards_counts_are_exact_on_every_visit(login, operator, many, agency, period):
    client = login(operator)
    assert 'data-testid="active-total">40<' in client.get(reverse("registry:dashboard")).content.decode()
    WorkerRecordFactory(agency=agency, period=period, flags=["age", "service"])
    page = client.get(reverse("registry:dashboard")).content.decode()
    assert 'data-testid="active-total">41<' in page  # the tally moved with the insert
    assert 'data-testid="flagged-total">27<' in page  # two flags, one flagged record


def test_a_big_lists_count_is_kept_for_a_few_seconds(login, operator, many, agency, period, monkeypatch):
    from registry import listing

    monkeypatch.setattr(listing, "COUNT_CACHE_FROM", 10)
    client = login(operator)
    assert client.get(reverse("registry:worker-list")).context["page"].count == 40
    WorkerRecordFactory(agency=agency, period=period)
    assert client.get(reverse("registry:worker-list")).context["page"].count == 40
    # Another filter is another count.
    assert client.get(reverse("registry:worker-list"), {"category": "non_asn"}).context["page"].count == 41

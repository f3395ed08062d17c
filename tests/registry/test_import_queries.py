"""Query budgets of the import pages, each expected query named (healthchecks' style). The numbers
do not grow with the number of imports, rows or errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.services.imports import import_run, import_start
from tests.registry.support import import_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(agency, period, operator):
    made = []
    for n in range(6):
        rows = [import_row(serial=10 * n + i, full_name=f"Pegawai {n}-{i}") for i in range(1, 4)]
        rows += [import_row(serial=90 + n, nik="12")]  # one refused row each
        job = import_start(agency=agency, period=period, upload=upload(xlsx_bytes(rows)), actor=operator)
        made.append(import_run(job_id=job.pk))
    return made


def test_import_list_page_query_budget(login, operator, jobs, django_assert_max_num_queries):
    client = login(operator)
    # 1 session, 2 user, 3 active period, 4 the user's agency, 5 the agency's submission (is it open?),
    # 6 the last 20 imports with their uploaders (one join; error lists deferred)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("registry:import-list"))
    assert response.status_code == 200
    assert response.content.decode().count("/instansi/impor/") >= len(jobs)


def test_import_detail_page_query_budget(login, operator, jobs, django_assert_max_num_queries):
    client = login(operator)
    # 1 session, 2 user, 3 the user's agency (scoping), 4 the job with its uploader, 5 the menu's write permission (the agency's submission)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("registry:import-detail", args=[jobs[-1].pk]))
    assert 'data-testid="refused-rows">1<' in response.content.decode()


def test_import_progress_query_budget(login, operator, jobs, django_assert_max_num_queries):
    client = login(operator)
    # 1 session, 2 user, 3 the user's agency (scoping), 4 the job (error lists deferred)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("registry:import-progress", args=[jobs[-1].pk]))
    assert response.json()["valid"] == 3

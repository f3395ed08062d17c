"""The worker page reads the record with its period, agency and unit at once, and looks for similar
records only when the record is flagged (the only case its page shows them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from registry.models import Flag, WorkUnit
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db


def test_a_flagged_record_lists_its_similar_records(login, operator, agency, other_agency, period):
    born = dt.date(1988, 3, 4)
    record = WorkerRecordFactory(
        agency=agency,
        period=period,
        full_name="Siti Rahmawati",
        birth_date=born,
        flags=[Flag.POSSIBLE_DUPLICATE],
    )
    twin = WorkerRecordFactory(agency=agency, period=period, full_name="Siti Rahmawaty", birth_date=born)
    WorkerRecordFactory(agency=other_agency, period=period, full_name="Siti Rahmawati", birth_date=born)
    page = login(operator).get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    assert f'<a href="{reverse("registry:worker-detail", args=[twin.pk])}">Siti Rahmawaty</a>' in page
    assert "1 di instansi lain" in page


def test_worker_page_query_budget(login, operator, agency, period, django_assert_max_num_queries):
    unit = WorkUnit.objects.create(agency=agency, name="Dinas Pendidikan")
    record = WorkerRecordFactory(agency=agency, period=period, work_unit=unit)
    client = login(operator)
    # 1 session, 2 user, 3 the user's agency (scoping), 4 the record with its period, agency and
    # unit, 5 the agency's submission, 6 documents, 7 work history, 8 audit events with their actors,
    # 9 the menu's write permission (the agency's submission).
    with django_assert_max_num_queries(9):
        page = client.get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    assert "Dinas Pendidikan" in page and record.nik in page

"""The agency's worker page: what the worker changed in the timeline, one "Akun pegawai dibuat",
a pinned query budget, and the Kategori choice on the agency form."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from registry.models import Category, WorkerRecord
from registry.services.worker_data import worker_details_update
from registry.validators import mask_number
from tests.accounts.support import make_worker
from tests.factories import WorkerRecordFactory
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def with_account(agency, period):
    record = WorkerRecordFactory(agency=agency, period=period, sk_number="", sk_date=None, phone="")
    user = make_worker(record, email="pegawai@example.test")
    record.refresh_from_db()
    return record, user


def test_timeline_shows_what_the_worker_changed_with_label_before_and_after(login, operator, with_account):
    record, user = with_account
    worker_details_update(
        record_id=record.pk,
        changes={"sk_number": "800/9/SK/2020", "sk_date": dt.date(2020, 2, 3)},
        actor=user,
    )
    page = text(login(operator).get(reverse("registry:worker-detail", args=[record.pk])))
    assert "Data diubah oleh pegawai" in page
    # The agency left the SK empty; the worker completed it (what the agency entered stays read-only).
    assert "Nomor SK:" in page and "800/9/SK/2020" in page
    assert "Tanggal SK:" in page and "03-02-2020" in page


def test_timeline_masks_nik_and_kk_changes(login, operator, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    old_nik = record.nik
    data = worker_fields(kk=record.kk, serial=2468)
    login(operator).post(reverse("registry:worker-edit", args=[record.pk]), data)
    record.refresh_from_db()
    assert record.nik != old_nik
    page = login(operator).get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    timeline = page[page.index("timeline") :]
    assert old_nik not in timeline and record.nik not in timeline
    assert f"{mask_number(old_nik)} → {mask_number(record.nik)}" in text_of(timeline)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_account_created_appears_exactly_once(login, operator, with_account):
    record, _user = with_account
    page = text(login(operator).get(reverse("registry:worker-detail", args=[record.pk])))
    assert page.count("Akun pegawai dibuat") == 1


def test_detail_page_query_budget(login, operator, with_account, django_assert_max_num_queries):
    record, user = with_account
    worker_details_update(record_id=record.pk, changes={"phone": "081299990000"}, actor=user)
    client = login(operator)
    client.get(reverse("registry:worker-detail", args=[record.pk]))  # warm the session and the caches
    with django_assert_max_num_queries(8):
        # 1 session, 2 user, 3 the user's agency (access helper), 4 record with period, agency and
        # work unit (one join), 5 submission (is the agency open), 6 documents, 7 work history,
        # 8 timeline with actors.
        # Possible duplicates are read only when the record carries the flag.
        response = client.get(reverse("registry:worker-detail", args=[record.pk]))
    assert response.status_code == 200
    assert record.full_name in response.content.decode()


def test_detail_page_loads_period_agency_and_unit_in_the_record_query(
    login, operator, agency, period, unit, django_assert_max_num_queries
):
    record = WorkerRecordFactory(agency=agency, period=period, work_unit=unit)
    client = login(operator)
    client.get(reverse("registry:worker-detail", args=[record.pk]))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("registry:worker-detail", args=[record.pk]))
    record_queries = [
        q["sql"] for q in captured.captured_queries if 'FROM "registry_workerrecord"' in q["sql"]
    ]
    assert len(record_queries) == 1
    assert '"registry_period"' in record_queries[0] and '"registry_workunit"' in record_queries[0]
    assert not [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith('SELECT "registry_period"')
    ]


def test_kategori_has_no_preselected_value_and_must_be_chosen(login, operator, period):
    client = login(operator)
    page = client.get(reverse("registry:worker-create")).content.decode()
    select = page[page.index('name="category"') : page.index("</select>", page.index('name="category"'))]
    assert '<option value="" selected>— pilih kategori —</option>' in select
    assert '"thk2" selected' not in select and '"non_asn" selected' not in select
    response = client.post(reverse("registry:worker-create"), worker_fields(category=""))
    assert response.status_code == 200
    assert response.context["form"].errors["category"] == ["Pilih kategori: THK-II atau Non-ASN."]
    assert not WorkerRecord.objects.exists()
    response = client.post(
        reverse("registry:worker-create"), worker_fields(category=Category.THK2, thk2_number="K2-1")
    )
    assert WorkerRecord.objects.get().category == Category.THK2


def test_edit_form_keeps_the_records_category(login, operator, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period, category=Category.THK2)
    page = login(operator).get(reverse("registry:worker-edit", args=[record.pk])).content.decode()
    assert '<option value="thk2" selected>' in page

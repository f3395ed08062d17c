"""The verification queue: oldest submission first, filters, keyset pages, resubmissions, query budgets."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registry.models import Flag, Status, WorkUnit
from registry.services.transitions import record_transition
from registry.services.worker_data import document_store, worker_submit
from tests.accounts.support import complete, jpeg_bytes, make_worker, pdf_bytes, upload
from tests.factories import WorkerRecordFactory
from tests.verification.decisions_helpers import make_submitted

pytestmark = pytest.mark.django_db


def _names(html: str) -> list[str]:
    return re.findall(r'class="fw-semibold text-decoration-none" href="[^"]+">([^<]+)</a>', html)


def test_queue_lists_submitted_records_oldest_first(client, agency, period, operator):
    make_submitted(agency, period, full_name="Kedua", minutes_ago=20)
    make_submitted(agency, period, full_name="Pertama", minutes_ago=90)
    make_submitted(agency, period, full_name="Ketiga", minutes_ago=5)
    make_submitted(agency, period, full_name="Sudah Diputus", status=Status.ELIGIBLE)
    WorkerRecordFactory(agency=agency, period=period, full_name="Belum Dikirim")
    client.force_login(operator)
    html = client.get(reverse("verify:queue")).content.decode()
    assert _names(html) == ["Pertama", "Kedua", "Ketiga"]


def test_queue_filters_by_flag_and_unit(client, agency, period, operator):
    unit = WorkUnit.objects.create(agency=agency, name="Dinas Kesehatan")
    make_submitted(agency, period, full_name="Usia Bertanda", flags=[Flag.AGE])
    make_submitted(agency, period, full_name="Bersih", work_unit=unit)
    make_submitted(agency, period, full_name="Dinkes Bertanda", work_unit=unit, flags=[Flag.PAY_SOURCE])
    client.force_login(operator)
    assert _names(client.get(reverse("verify:queue"), {"flag": "age"}).content.decode()) == ["Usia Bertanda"]
    assert set(_names(client.get(reverse("verify:queue"), {"flag": "any"}).content.decode())) == {
        "Usia Bertanda",
        "Dinkes Bertanda",
    }
    by_unit = client.get(reverse("verify:queue"), {"unit": unit.pk, "flag": "none"}).content.decode()
    assert _names(by_unit) == ["Bersih"]


def test_queue_can_show_decided_records_to_reopen(client, agency, period, operator):
    make_submitted(agency, period, full_name="Menunggu")
    make_submitted(agency, period, full_name="Sudah MS", status=Status.ELIGIBLE)
    client.force_login(operator)
    html = client.get(reverse("verify:queue"), {"status": "eligible"}).content.decode()
    assert _names(html) == ["Sudah MS"]
    assert 'id="bulk-ms"' not in html  # bulk MS only over records waiting for a decision


def test_queue_pages_forward_and_back_by_keyset(client, agency, period, operator, settings):
    for i in range(30):
        make_submitted(agency, period, full_name=f"Pegawai {i:02d}", minutes_ago=100 - i)
    client.force_login(operator)
    first = client.get(reverse("verify:queue")).content.decode()
    assert _names(first) == [f"Pegawai {i:02d}" for i in range(25)]
    after = re.search(r"after=([\w-]+)", first).group(1)
    second = client.get(reverse("verify:queue"), {"after": after}).content.decode()
    assert _names(second) == [f"Pegawai {i:02d}" for i in range(25, 30)]
    before = re.search(r"before=([\w-]+)", second).group(1)
    assert _names(client.get(reverse("verify:queue"), {"before": before}).content.decode()) == _names(first)


def test_a_returned_record_comes_back_to_the_queue_when_the_worker_resubmits(
    client, agency, period, operator, worker_factory_record
):
    record, worker = worker_factory_record
    record_transition(record_id=record.pk, to=Status.NEEDS_REVISION, actor=operator, reason="Perbaiki SK")
    client.force_login(operator)
    assert record.full_name not in _names(client.get(reverse("verify:queue")).content.decode())
    worker_submit(record_id=record.pk, actor=worker)
    assert _names(client.get(reverse("verify:queue")).content.decode()) == [record.full_name]


@pytest.fixture
def worker_factory_record(agency, period):
    record = WorkerRecordFactory(
        agency=agency, period=period, full_name="Siti Kembali", email="siti@example.test"
    )
    worker = make_worker(record)
    complete(record, worker)
    worker_submit(record_id=record.pk, actor=worker)
    record.refresh_from_db()
    return record, worker


def test_queue_stays_within_its_query_budget(client, agency, period, operator, django_assert_max_num_queries):
    unit = WorkUnit.objects.create(agency=agency, name="Dinas Pendidikan")
    for i in range(30):
        make_submitted(agency, period, work_unit=unit, flags=[Flag.AGE] if i % 3 else [])
    client.force_login(operator)
    # session, user, active period, the user's agency, units of the filter, the page's rows with their
    # units, the bounded count (savepoint, timeout, count, reset, release), submission (may decide?).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("verify:queue"), {"flag": "any", "unit": unit.pk})
    assert len(_names(response.content.decode())) == 20


def test_record_page_stays_within_its_query_budget(
    client, agency, period, operator, django_assert_max_num_queries
):
    record = make_submitted(agency, period, flags=[Flag.AGE])
    for kind in ("ktp", "kk", "photo", "selfie", "diploma", "pay_proof"):
        document_store(
            record=record, kind=kind, upload=upload(jpeg_bytes()), actor=operator, check_editable=False
        )
    document_store(
        record=record,
        kind="sk",
        upload=upload(pdf_bytes(1), "sk.pdf", "application/pdf"),
        actor=operator,
        check_editable=False,
    )
    client.force_login(operator)
    # session, user, the user's agency, record (+period, agency, decider), units of the queue filter,
    # submission (may decide?), documents, work history, audit events with their actors,
    # the menu's write permission (the agency's submission).
    with django_assert_max_num_queries(10):
        response = client.get(reverse("verify:record", args=[record.pk]))
    assert response.content.decode().count('class="img-fluid doc-image"') == 6

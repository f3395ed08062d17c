"""Issue 16, point 8: one rule answers "may this user do this now, and if not, why" for the page and
the POST (registry.services.phase.agency_write_permission / record_edit_permission): what cannot be
done is not offered, and the refusal is shown once, before anything is typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AgencySubmission, Status, WorkerRecord
from tests.factories import WorkerRecordFactory
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db


def test_after_the_input_deadline_the_add_form_says_so_before_anything_is_typed(client, operator, period):
    period.input_deadline = timezone.now() - dt.timedelta(minutes=5)
    period.save()
    client.force_login(operator)
    body = client.get(reverse("registry:worker-create")).content.decode()
    deadline = timezone.localtime(period.input_deadline).strftime("%d-%m-%Y %H:%M")
    assert f"Batas waktu input ({deadline}) sudah lewat" in body
    assert 'name="nik"' not in body  # no form to fill in vain


def test_a_decided_record_offers_no_edit_and_its_edit_page_refuses_once_before_the_form(
    client, operator, agency, period
):
    record = WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE, position="Guru")
    client.force_login(operator)
    detail = client.get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    assert reverse("registry:worker-edit", args=[record.pk]) not in detail
    page = client.get(reverse("registry:worker-edit", args=[record.pk])).content.decode()
    assert 'name="nik"' not in page and "tidak dapat diubah lagi" in page
    response = client.post(
        reverse("registry:worker-edit", args=[record.pk]), worker_fields(position="Kepala")
    )
    body = response.content.decode()
    assert body.count("tidak dapat diubah lagi") == 1
    assert WorkerRecord.objects.get(pk=record.pk).position == "Guru"


def test_a_prefinalised_agency_is_told_why_on_the_add_form(client, operator, agency, period):
    AgencySubmission.objects.filter(agency=agency, period=period).update(phase="prefinalised")
    client.force_login(operator)
    body = client.get(reverse("registry:worker-create")).content.decode()
    assert "Pendataan instansi sudah tidak terbuka" in body and 'name="nik"' not in body


def test_after_the_input_deadline_the_import_page_says_so_instead_of_the_upload_form(
    client, operator, period
):
    period.input_deadline = timezone.now() - dt.timedelta(minutes=5)
    period.save()
    client.force_login(operator)
    body = client.get(reverse("registry:import-list")).content.decode()
    deadline = timezone.localtime(period.input_deadline).strftime("%d-%m-%Y %H:%M")
    assert f"Batas waktu input ({deadline}) sudah lewat" in body
    assert reverse("registry:import-upload") not in body


def test_an_import_posted_after_the_input_deadline_is_refused_once_with_the_reason(client, operator, period):
    from registry.models import ImportJob
    from tests.registry.support import import_row, upload, xlsx_bytes

    period.input_deadline = timezone.now() - dt.timedelta(minutes=5)
    period.save()
    client.force_login(operator)
    response = client.post(
        reverse("registry:import-upload"), {"file": upload(xlsx_bytes([import_row()]))}, follow=True
    )
    body = response.content.decode()
    assert 'id="import-closed">Batas waktu input' in body
    assert 'role="alert">Batas waktu input' not in body  # not a second time as an error
    assert not ImportJob.objects.exists()


def test_a_decided_record_offers_no_release_and_its_post_is_refused_with_the_rules_reason(
    client, operator, agency, period
):
    record = WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE)
    client.force_login(operator)
    detail = client.get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    assert 'id="release-form"' not in detail
    response = client.post(
        reverse("registry:worker-release", args=[record.pk]), {"reason": "Pindah"}, follow=True
    )
    assert response.content.decode().count("tidak dapat dilepas") == 1
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.ELIGIBLE

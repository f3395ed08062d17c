"""The worker's home page: where they are in the period, what is missing, why TMS and whom to ask."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AgencySubmission, Status, WorkerRecord
from registry.services.contacts import contact_save

pytestmark = pytest.mark.django_db


def test_home_shows_the_timeline_with_the_agencys_input_deadline(worker_client, registered):
    page = worker_client.get(reverse("worker:home")).content.decode()
    assert 'id="period-timeline"' in page and 'id="timeline-today"' in page
    deadline = timezone.localtime(registered.period.input_deadline).strftime("%d-%m-%Y")
    assert deadline in page
    assert 'id="missing-all"' in page  # what is still missing


def test_home_shows_the_agencys_contact(worker_client, registered):
    contact_save(agency=registered.agency, data={"phone": "022 4200 123"}, actor=None)
    page = worker_client.get(reverse("worker:home")).content.decode()
    assert "022 4200 123" in page


def test_a_tms_worker_reads_the_reason_and_may_complain_during_the_public_test(worker_client, registered):
    WorkerRecord.objects.filter(pk=registered.pk).update(
        status=Status.INELIGIBLE, decision_reason="Masa kerja kurang dari 1 tahun"
    )
    AgencySubmission.objects.filter(agency=registered.agency).update(
        phase="prefinalised", prefinalised_at=timezone.now() - dt.timedelta(days=1)
    )
    page = worker_client.get(reverse("worker:home")).content.decode()
    assert "Masa kerja kurang dari 1 tahun" in page
    complaint = reverse("complaints:file", args=[registered.agency.code]) + f"?record={registered.pk}"
    assert f'href="{complaint}"' in page


def test_a_tms_worker_outside_the_public_test_is_sent_to_the_agency(worker_client, registered):
    WorkerRecord.objects.filter(pk=registered.pk).update(status=Status.INELIGIBLE, decision_reason="Usia")
    page = worker_client.get(reverse("worker:home")).content.decode()
    assert 'id="tms-reason"' in page and 'id="tms-complaint"' not in page


def test_home_shows_the_contact_once_and_not_in_the_title(worker_client, registered):
    contact_save(agency=registered.agency, data={"phone": "022 4200 123"}, actor=None)
    page = worker_client.get(reverse("worker:home")).content.decode()
    assert page.count('class="card mb-3 agency-contact"') == 1
    assert "agency-contact" not in page[page.index("<title>") : page.index("</title>")]

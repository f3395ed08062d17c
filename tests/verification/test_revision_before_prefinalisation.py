"""Issue 16, point 2: workers asked to revise are not locked out. Prefinalisation is refused while a
record awaits its worker's revision (listed with links, like undecided records), and what a worker
is told they may do is what they can do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from registry.models import AgencySubmission, Status
from tests.factories import UserFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase


def test_prefinalisation_is_refused_while_a_record_awaits_its_workers_revision(
    client, agency, period, agency_admin
):
    waiting = WorkerRecordFactory(
        agency=agency, period=period, status=Status.NEEDS_REVISION, full_name="Rina Perbaiki"
    )
    client.force_login(agency_admin)
    page = client.get(reverse("phases:prefinalise")).content.decode()
    assert "1 data menunggu perbaikan oleh pegawainya" in page
    assert reverse("registry:worker-detail", args=[waiting.pk]) in page and "Rina Perbaiki" in page
    response = client.post(reverse("phases:prefinalise"))
    assert response.status_code == 400
    assert "1 data menunggu perbaikan oleh pegawainya" in response.content.decode()
    assert AgencySubmission.objects.get(agency=agency, period=period).phase == Phase.OPEN


def test_a_worker_whose_data_cannot_change_is_not_told_to_change_it(client, agency, period):
    record = WorkerRecordFactory(agency=agency, period=period, status=Status.NEEDS_REVISION)
    worker = UserFactory(role=Role.WORKER, agency=None, worker_record=record)
    AgencySubmission.objects.filter(agency=agency, period=period).update(phase=Phase.PREFINALISED)
    client.force_login(worker)
    body = client.get(reverse("worker:home")).content.decode()
    assert "Ubah data Anda lalu kirim ulang" not in body
    assert "hubungi instansi Anda" in body

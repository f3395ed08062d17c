"""A registration number drawn twice is drawn again (one savepoint per try) on every path."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from registry.models import WorkerRecord
from registry.services import records as records_service
from tests.factories import WorkerRecordFactory
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def collide_once(monkeypatch, agency, period):
    taken = WorkerRecordFactory(agency=agency, period=period, registration_number="NA2022-TAKEN0000001")
    real = records_service.new_registration_number
    draws: list[str] = []

    def draw(p):
        number = taken.registration_number if not draws else real(p)
        draws.append(number)
        return number

    monkeypatch.setattr(records_service, "new_registration_number", draw)
    return draws


def test_form_path_retries_a_taken_registration_number(login, operator, collide_once):
    response = login(operator).post(reverse("registry:worker-create"), worker_fields(serial=77))
    assert response.status_code == 302
    record = WorkerRecord.objects.get(full_name="Budi Santoso")
    assert len(collide_once) == 2
    assert record.registration_number == collide_once[1] != collide_once[0]


def test_insert_gives_up_with_an_error_after_repeated_collisions(monkeypatch, agency, period, operator):
    taken = WorkerRecordFactory(agency=agency, period=period)
    monkeypatch.setattr(records_service, "new_registration_number", lambda p: taken.registration_number)
    # Five draws of the same number is a real fault: it is raised, not retried forever.
    with pytest.raises(IntegrityError):
        records_service.record_insert(WorkerRecordFactory.build(agency=agency, period=period))
    assert WorkerRecord.objects.count() == 1

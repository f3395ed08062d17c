"""The dashboard's input deadline is the agency's own: the national admin's extension when it has one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AgencySubmission

pytestmark = pytest.mark.django_db


def _deadline_box(page: str) -> str:
    start = page.index('data-testid="input-deadline"')
    return page[start : start + 400]


def test_the_dashboard_shows_the_periods_deadline_or_the_agencys_extension(login, agency, period, operator):
    client = login(operator)
    period_deadline = timezone.localtime(period.input_deadline)
    box = _deadline_box(client.get(reverse("registry:dashboard")).content.decode())
    assert f"{period_deadline:%d-%m-%Y}" in box
    extended = timezone.now() + dt.timedelta(days=45, hours=1)
    AgencySubmission.objects.filter(agency=agency, period=period).update(input_deadline_override=extended)
    box = _deadline_box(client.get(reverse("registry:dashboard")).content.decode())
    assert f"{timezone.localtime(extended):%d-%m-%Y}" in box
    assert "Sisa 45 hari" in box


def test_a_prefinalised_dashboard_says_input_is_closed_instead_of_counting_down(
    login, agency, period, operator
):
    AgencySubmission.objects.filter(agency=agency, period=period).update(
        phase=AgencySubmission.Phase.PREFINALISED, prefinalised_at=timezone.now()
    )
    box = _deadline_box(login(operator).get(reverse("registry:dashboard")).content.decode())
    assert "Input ditutup: instansi sudah melewati tahap input." in box
    assert "Sisa" not in box

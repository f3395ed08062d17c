"""The portal's menu offers registering and importing only while the agency may write, and says why
not otherwise: the same rule (agency_write_permission) the services ask before a write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AgencySubmission
from tests.html import parse

pytestmark = pytest.mark.django_db


def _menu_links(client) -> set[str]:
    page = client.get(reverse("registry:dashboard")).content.decode()
    return {a.attrs.get("href") for a in parse(page).one("ul", cls="portal-nav").select("a")}


def test_an_open_agency_is_offered_registration_and_import(login, operator):
    links = _menu_links(login(operator))
    assert reverse("registry:worker-create") in links and reverse("registry:import-list") in links


def test_a_prefinalised_agency_is_not_offered_registration_or_import_and_is_told_why(
    login, agency, period, operator
):
    AgencySubmission.objects.filter(agency=agency, period=period).update(
        phase=AgencySubmission.Phase.PREFINALISED, prefinalised_at=timezone.now()
    )
    client = login(operator)
    links = _menu_links(client)
    assert reverse("registry:worker-create") not in links and reverse("registry:import-list") not in links
    page = client.get(reverse("registry:dashboard")).content.decode()
    reason = parse(page).one("p", data_testid="writes-closed-reason").text
    assert "sudah tidak terbuka" in reason


def test_after_the_input_deadline_the_menu_names_the_deadline(login, agency, period, operator):
    passed = timezone.now() - dt.timedelta(hours=1)
    AgencySubmission.objects.filter(agency=agency, period=period).update(input_deadline_override=passed)
    page = login(operator).get(reverse("registry:dashboard")).content.decode()
    assert (
        f"{timezone.localtime(passed):%d-%m-%Y %H:%M}"
        in page.split('data-testid="writes-closed-reason"')[1][:400]
    )

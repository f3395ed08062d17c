"""The worker's home shows the status badge the agency pages show (registry_tags.status_badge)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.html import parse

pytestmark = pytest.mark.django_db


def test_the_workers_home_shows_the_status_badge_of_the_agency_pages(worker_client):
    status = parse(worker_client.get(reverse("worker:home")).content).one(id="record-status")
    badge = status.one("span", cls="status-badge")
    assert (badge.classes, badge.text) == ({"badge", "status-badge", "status-account_created"}, "Akun Dibuat")

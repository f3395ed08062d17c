"""seed_demo's complaints: a few in each state for the agency in its public test."""

from __future__ import annotations

import random

import pytest

from accounts.models import Role
from announcements.models import Complaint
from demo.management.commands.seed_demo import seed_complaints
from registry.models import Status, WorkerRecord
from tests.announcements.complaints_support import listed, prefinalise
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_seed_complaints_leaves_some_open_accepted_and_rejected(agency, period, mailoutbox):
    UserFactory(role=Role.OPERATOR, agency=agency)
    prefinalise(agency, period)
    records = [listed(agency, period) for _ in range(4)]
    seed_complaints(agency=agency, records=records, rng=random.Random(1))
    seed_complaints(agency=agency, records=records, rng=random.Random(1))  # re-running replaces them

    complaints = Complaint.objects.filter(agency=agency)
    states = sorted(complaints.values_list("kind", "status"))
    assert states == [
        ("complaint", "accepted"),
        ("complaint", "open"),
        ("complaint", "open"),
        ("complaint", "rejected"),
        ("unlisted", "open"),
    ]
    accepted = complaints.get(status=Complaint.Status.ACCEPTED)
    assert WorkerRecord.objects.get(pk=accepted.record_id).status == Status.INELIGIBLE


def test_seed_complaints_does_nothing_outside_the_public_test(agency, period):
    records = [listed(agency, period)]
    seed_complaints(agency=agency, records=records, rng=random.Random(1))
    assert not Complaint.objects.exists()


def test_seed_demo_adds_complaints_when_it_leaves_an_agency_prefinalised(monkeypatch):
    """After the merge with the phases work seed_demo leaves Sleman prefinalised; simulated here."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from demo.management.commands import seed_demo
    from registry.models import AgencySubmission

    original = seed_demo.Command.seed

    def seed_then_prefinalise(self, **kwargs):
        lines = original(self, **kwargs)
        sleman = AgencySubmission.objects.get(agency__code="B3404", period__is_active=True)
        WorkerRecord.objects.filter(agency=sleman.agency, status=Status.SUBMITTED).update(
            status=Status.ELIGIBLE
        )
        AgencySubmission.objects.filter(pk=sleman.pk).update(
            phase=AgencySubmission.Phase.PREFINALISED, prefinalised_at=timezone.now()
        )
        return lines

    monkeypatch.setattr(seed_demo.Command, "seed", seed_then_prefinalise)
    call_command("seed_demo", "--force", "--workers", "8", stdout=StringIO())
    statuses = set(Complaint.objects.filter(agency__code="B3404").values_list("status", flat=True))
    assert statuses == {"open", "accepted", "rejected"}
    assert not Complaint.objects.exclude(agency__code="B3404").exists()

"""seed_demo's complaints: a few in each state for the agency in its public test."""

from __future__ import annotations

import random

import pytest

from accounts.models import Role
from announcements.models import Complaint
from registry.management.commands.seed_demo import seed_complaints
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

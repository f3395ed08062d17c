"""One timeline of the period for the worker's home page and the agency dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AgencySubmission
from registry.timeline import CURRENT, DONE, UPCOMING, period_timeline

pytestmark = pytest.mark.django_db


def _states(timeline):
    return {m.key: m.state for m in timeline.milestones}


def test_an_open_agency_is_in_its_input_with_today_before_the_public_test(agency, period):
    submission = AgencySubmission.objects.get(agency=agency)
    timeline = period_timeline(submission=submission)
    assert _states(timeline) == {"input": CURRENT, "public_test": UPCOMING, "finalisation": UPCOMING}
    assert timeline.today_index == 0
    assert timeline.milestones[0].end == period.input_deadline


def test_the_timeline_reads_the_agencys_extended_input_deadline(agency):
    submission = AgencySubmission.objects.get(agency=agency)
    extended = timezone.now() + dt.timedelta(days=45)
    submission.input_deadline_override = extended
    timeline = period_timeline(submission=submission)
    assert timeline.milestones[0].end == extended


def test_a_prefinalised_agency_is_in_its_public_test_with_its_dates(agency, period):
    submission = AgencySubmission.objects.get(agency=agency)
    submission.phase = AgencySubmission.Phase.PREFINALISED
    submission.prefinalised_at = timezone.now() - dt.timedelta(days=1)
    timeline = period_timeline(submission=submission)
    assert _states(timeline) == {"input": DONE, "public_test": CURRENT, "finalisation": UPCOMING}
    start, end = submission.public_test_dates()
    test = timeline.milestones[1]
    assert (test.start, test.end) == (start, end)
    assert timeline.public_test_open
    assert (
        "jawab setiap aduan" in str(timeline.next_step).lower()
        or "answer every complaint" in timeline.next_step
    )


def test_after_the_public_test_the_agency_is_told_to_finalise(agency):
    submission = AgencySubmission.objects.get(agency=agency)
    submission.phase = AgencySubmission.Phase.PREFINALISED
    submission.prefinalised_at = timezone.now() - dt.timedelta(days=10)
    timeline = period_timeline(submission=submission)
    assert _states(timeline) == {"input": DONE, "public_test": DONE, "finalisation": CURRENT}
    assert not timeline.public_test_open


def test_a_completed_agency_has_every_milestone_done_and_today_after_them(agency):
    submission = AgencySubmission.objects.get(agency=agency)
    submission.phase = AgencySubmission.Phase.COMPLETED
    submission.prefinalised_at = timezone.now() - dt.timedelta(days=20)
    timeline = period_timeline(submission=submission)
    assert set(_states(timeline).values()) == {DONE}
    assert timeline.today_index == 3


def test_the_dashboard_shows_the_timeline_and_the_next_step(client, operator):
    client.force_login(operator)
    page = client.get(reverse("registry:dashboard")).content.decode()
    assert 'id="period-timeline"' in page and 'id="timeline-today"' in page
    assert 'id="next-step"' in page and "prafinalisasi paling lambat" in page

"""The reads written in SQL behind the models (AgencySubmission.objects.of and held_for_share) give
what the ORM query they stand for gives (a record's timeline: test_record_timeline.py; the session's
user: tests/accounts/test_session_user.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registry.models import AgencySubmission, Period
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def submission(agency, period):
    submission = AgencySubmission.objects.get(agency=agency, period=period)
    submission.phase = AgencySubmission.Phase.PREFINALISED
    submission.prefinalised_at = timezone.now()
    submission.input_deadline_override = timezone.now() + dt.timedelta(days=3)
    submission.save()
    return submission


def test_of_is_the_orms_row_with_the_agency_and_period_it_was_given_in_one_query(submission, agency, period):
    expected = AgencySubmission.objects.filter(agency=agency, period=period).first()
    with CaptureQueriesContext(connection) as queries:
        found = AgencySubmission.objects.of(agency=agency, period=period)
        assert found.agency is agency and found.period is period  # attached, no query of their own
    assert len(queries) == 1
    assert fields(found) == fields(expected)
    assert found._state.adding is False and found._state.db == "default"


def test_of_an_agency_outside_the_period_is_none_as_with_the_orm(period):
    outside = AgencyFactory()
    assert AgencySubmission.objects.filter(agency=outside, period=period).first() is None
    assert AgencySubmission.objects.of(agency=outside, period=period) is None


def test_of_with_a_stand_in_period_loads_the_real_one_when_asked(submission, agency, period):
    found = AgencySubmission.objects.of(agency=agency, period=Period(pk=period.pk))
    assert fields(found.period) == fields(Period.objects.get(pk=period.pk))


def test_held_for_share_is_the_orms_row_with_its_whole_period(submission, agency, period):
    expected = AgencySubmission.objects.select_related("period").get(agency=agency, period=period)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        found = AgencySubmission.objects.held_for_share(agency_id=agency.pk, period_id=period.pk)
        period_fields = fields(found.period)
    assert len(queries) == 1 and "FOR SHARE" in queries[0]["sql"]
    assert fields(found) == fields(expected)
    assert period_fields == fields(expected.period)  # every field, not a stand-in with some set
    assert found.deadline("input") == expected.deadline("input")


def test_held_for_share_of_an_agency_outside_the_period_is_none(period):
    outside = AgencyFactory()
    with transaction.atomic():
        assert AgencySubmission.objects.held_for_share(agency_id=outside.pk, period_id=period.pk) is None

"""scoped() asks each agency-scoped model's QuerySet.for_agency() instead of guessing by field name."""

from __future__ import annotations

import pytest
from django.db import models

from accounts.access import scoped
from accounts.models import User
from registry.models import (
    Agency,
    AgencySubmission,
    AuditEvent,
    Document,
    ImportJob,
    Period,
    WorkerRecord,
    WorkHistory,
    WorkUnit,
)
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db
SCOPED_MODELS = [
    Agency,
    AgencySubmission,
    AuditEvent,
    Document,
    ImportJob,
    WorkerRecord,
    WorkHistory,
    WorkUnit,
    User,
]


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_every_agency_scoped_model_says_how_it_is_scoped(model):
    assert callable(getattr(model.objects.all(), "for_agency", None))


def test_scoped_uses_the_querysets_own_rule(operator, monkeypatch):
    seen = []
    original = WorkerRecord.objects.all().__class__.for_agency

    def spy(self, agency):
        seen.append(agency)
        return original(self, agency)

    monkeypatch.setattr(WorkerRecord.objects.all().__class__, "for_agency", spy)
    scoped(operator, WorkerRecord.objects.all())
    assert seen == [operator.agency]


def test_scoped_keeps_only_the_users_agency(operator, agency, other_agency, period):
    own = WorkerRecordFactory(agency=agency, period=period)
    WorkerRecordFactory(agency=other_agency, period=period)
    WorkHistory.objects.create(
        record=own, order=1, start_date="2019-01-01", sk_number="1", position="a", unit="b"
    )
    assert list(scoped(operator, WorkerRecord.objects.all())) == [own]
    assert list(scoped(operator, Agency.objects.all())) == [agency]
    assert scoped(operator, WorkHistory.objects.all()).get().record == own


def test_a_model_without_for_agency_cannot_be_scoped(operator):
    with pytest.raises(TypeError, match="for_agency"):
        scoped(operator, Period.objects.all())
    assert not hasattr(models.QuerySet, "for_agency")

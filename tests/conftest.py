from __future__ import annotations

import pytest

from accounts.models import Role
from tests.factories import AgencyFactory, PeriodFactory, SubmissionFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def period(db):
    return PeriodFactory()


@pytest.fixture
def agency(db, period):
    agency = AgencyFactory()
    SubmissionFactory(agency=agency, period=period)
    return agency


@pytest.fixture
def other_agency(db, period):
    agency = AgencyFactory()
    SubmissionFactory(agency=agency, period=period)
    return agency


@pytest.fixture
def operator(agency):
    return UserFactory(role=Role.OPERATOR, agency=agency)


@pytest.fixture
def agency_admin(agency):
    return UserFactory(role=Role.AGENCY_ADMIN, agency=agency)


@pytest.fixture
def helpdesk(agency):
    return UserFactory(role=Role.HELPDESK, agency=agency)


@pytest.fixture
def national_admin(db):
    return UserFactory(role=Role.NATIONAL_ADMIN, agency=None, is_staff=True, is_superuser=True)

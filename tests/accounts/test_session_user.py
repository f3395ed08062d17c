"""The session's user is loaded in one hand-written query: the same user the ORM would give."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import LoginBackend, session_user
from accounts.models import Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AGENCY_ADMIN, Role.NATIONAL_ADMIN, Role.WORKER])
def test_the_session_user_is_what_the_orm_gives_with_its_agency_in_one_query(role):
    made = UserFactory(role=role, first_name="Sri", email="sri@example.org")
    made.set_password("rahasia-123")
    made.save()
    expected = User.objects.select_related("agency").get(pk=made.pk)
    with CaptureQueriesContext(connection) as queries:
        user = LoginBackend().get_user(str(made.pk))
        agency = user.agency  # loaded with the user: no query of its own
    assert len(queries) == 1
    assert _fields(user) == _fields(expected)
    assert user.get_session_auth_hash() == expected.get_session_auth_hash()
    assert (agency and _fields(agency)) == (expected.agency and _fields(expected.agency))
    assert user._state.adding is False and user._state.db == "default"


def test_an_unknown_inactive_or_garbled_session_user_is_nobody():
    inactive = UserFactory(role=Role.OPERATOR, is_active=False)
    backend = LoginBackend()
    assert backend.get_user(str(inactive.pk)) is None
    assert backend.get_user("999999999") is None
    assert session_user("abc") is None and session_user(None) is None


def test_a_change_to_the_user_is_seen_on_the_next_request(client):
    user = UserFactory(role=Role.OPERATOR)
    client.force_login(user)
    assert client.get("/instansi/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)  # no signal: the next load reads it
    response = client.get("/instansi/")
    assert response.status_code == 302 and "/instansi/akun/" in response["Location"]

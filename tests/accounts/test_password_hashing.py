"""Passwords are stored with Argon2id at OWASP's parameters; older PBKDF2 hashes upgrade at login.

The suite swaps in MD5 for speed (tests/conftest.py), so these tests put the production hashers
back themselves, read from the settings module as production imports it.
"""

from __future__ import annotations

import argon2
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.urls import reverse

import nonasn.settings as production
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_passwords_are_hashed_with_argon2id_at_owasp_parameters(production_hashers):
    encoded = make_password("Sangat-Rahasia-2022")
    parameters = argon2.extract_parameters(encoded.removeprefix("argon2"))
    assert parameters.type is argon2.Type.ID
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19 * 1024, 2, 1)


def test_pbkdf2_hashes_are_still_accepted_after_argon2id(production_hashers):
    assert get_hasher("pbkdf2_sha256").algorithm == "pbkdf2_sha256"
    assert production.PASSWORD_HASHERS.index("django.contrib.auth.hashers.PBKDF2PasswordHasher") > 0


def test_a_pbkdf2_password_is_rehashed_with_argon2id_at_login(client, operator, production_hashers):
    operator.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    operator.save(update_fields=["password"])

    response = client.post(reverse("staff:login"), {"username": operator.username, "password": PASSWORD})

    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.password.startswith("argon2$argon2id$")
    parameters = argon2.extract_parameters(operator.password.removeprefix("argon2"))
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19 * 1024, 2, 1)
    assert operator.check_password(PASSWORD)


def test_an_argon2_hash_with_djangos_default_parameters_is_rehashed_at_login(
    client, operator, production_hashers
):
    django_default = Argon2PasswordHasher()  # 100 MiB, 8 lanes
    operator.password = django_default.encode(PASSWORD, django_default.salt())
    assert "m=102400" in operator.password
    operator.save(update_fields=["password"])

    client.post(reverse("staff:login"), {"username": operator.username, "password": PASSWORD})

    operator.refresh_from_db()
    assert "m=19456,t=2,p=1" in operator.password

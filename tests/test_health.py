"""/healthz: 200 with what works, 503 when the database is unreachable; nothing personal, no auth,
no dependence on the Host header or HTTPS (a load balancer probes each server by its address)."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.django_db
def test_health_check_reports_database_and_cache_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies  # no session, no CSRF cookie, no language cookie


@pytest.mark.django_db
def test_health_check_needs_no_login_no_allowed_host_and_no_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["pendataan.example.go.id"]
    response = client.get("/healthz/", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    # Any other page still gets the host check and the redirect.
    assert client.get("/", HTTP_HOST="10.0.0.7:8000").status_code == 400
    assert client.get("/", HTTP_HOST="pendataan.example.go.id").status_code == 301


@pytest.mark.django_db(transaction=True)
def test_health_check_is_503_when_the_database_is_unreachable(client):
    real_name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = "nonasn_health_no_such_database"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["NAME"] = real_name
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}
    # Back to normal once the database answers again.
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_an_unreachable_cache_is_reported_without_failing_the_check(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "error"}


@pytest.mark.django_db
def test_health_check_answers_only_get_and_head(client):
    assert client.head("/healthz").status_code == 200
    # A POST goes on to the normal stack (no such page there).
    assert client.post("/healthz").status_code == 404

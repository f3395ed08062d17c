"""Per-key rate limits counted in PostgreSQL, request size limits, no personal data in logs."""

from __future__ import annotations

import logging
import threading

from django.db import connection

from api.models import ApiKeyMinute
from api.services import rate_limit_hit
from tests.api.support import ApiClient, make_key
from tests.registry.support import worker_fields


def test_requests_beyond_the_minute_s_limit_answer_429_with_retry_after(api, settings, period):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    statuses = [api.get("/api/v1/agency/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    last = api.get("/api/v1/agency/")
    assert last["Content-Type"] == "application/problem+json"
    assert last.json()["code"] == "rate_limited"
    assert 0 < int(last["Retry-After"]) <= 60


def test_each_key_has_its_own_count(agency, agency_admin, settings, period):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    first = ApiClient(make_key(agency=agency, actor=agency_admin, name="A")[1])
    second = ApiClient(make_key(agency=agency, actor=agency_admin, name="B")[1])
    assert first.get("/api/v1/agency/").status_code == 200
    assert first.get("/api/v1/agency/").status_code == 429
    assert second.get("/api/v1/agency/").status_code == 200


def test_concurrent_requests_are_counted_exactly(transactional_db, agency, agency_admin):
    key, _token = make_key(agency=agency, actor=agency_admin)
    counts: list[int] = []

    def hit():
        try:
            for _ in range(10):
                counts.append(rate_limit_hit(key=key))
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Every count handed out once: no two requests saw the same number (minute boundaries aside).
    assert sum(row.count for row in ApiKeyMinute.objects.filter(key=key)) == 40
    assert len(set(counts)) == len(counts) or ApiKeyMinute.objects.filter(key=key).count() > 1


def test_a_body_over_the_size_limit_is_refused_with_413(api, settings, period):
    settings.API_MAX_BODY_BYTES = 1000
    response = api.post("/api/v1/workers/bulk/", {"items": [worker_fields(address="x" * 2000)]})
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_more_than_1000_items_are_refused(api, period):
    response = api.post("/api/v1/workers/bulk/", {"items": [{}] * 1001})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_items"


def test_no_nik_reaches_the_logs(api, period, caplog):
    fields = worker_fields()
    with caplog.at_level(logging.DEBUG):
        api.post("/api/v1/workers/", {**fields, "birth_date": "not a date"})
        api.get("/api/v1/workers/", {"q": fields["nik"]})
        api.get("/api/v1/workers/", {"status": "bogus", "q": fields["nik"]})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert fields["nik"] not in text


def test_a_nul_character_is_refused_as_a_problem(api, period):
    response = api.get("/api/v1/workers/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "nul_character"


def test_an_unknown_address_answers_a_problem_404_even_for_post(api, period):
    response = api.post("/api/v1/workers/abc/release/", {"reason": "x"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_an_api_answer_sets_no_session_cookie_and_stores_no_session(api, period):
    from django.contrib.sessions.models import Session

    response = api.get("/api/v1/workers/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.count() == 0
    assert "no-store" in response["Cache-Control"]

"""The shared cache's backend (nonasn.redis_cache) against a real Redis server."""

from __future__ import annotations

import os
import shutil

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore

from nonasn.redis_cache import RedisCache


@pytest.fixture(scope="module")
def redis_location():
    """A throw-away redis-server of its own (the one the load benchmark starts)."""
    from bench._load import redis_cache

    if shutil.which("redis-server") is None:
        if os.environ.get("CI_REQUIRE_BROWSER"):
            pytest.fail("redis-server is missing (scripts/system-deps.sh --with-browser installs it)")
        pytest.skip("redis-server is not installed")
    with redis_cache() as started:
        yield started[0]


def test_the_cache_keeps_one_client_and_still_works_as_a_cache(redis_location):
    cache = RedisCache(redis_location, {"KEY_PREFIX": "t"})
    cache.clear()
    assert cache._cache.get_client() is cache._cache.get_client(write=True)  # not one per operation
    cache.set("a", {"n": 1}, 30)
    assert cache.get("a") == {"n": 1}
    assert cache.add("a", 2) is False and cache.add("b", 2) is True
    assert cache.incr("b") == 3
    assert cache.get_many(["a", "b", "c"]) == {"a": {"n": 1}, "b": 3}
    cache.delete("a")
    assert cache.get("a") is None


def test_two_backends_share_the_server_not_their_clients(redis_location):
    one, two = RedisCache(redis_location, {}), RedisCache(redis_location, {})
    one.set("shared", "x", 30)
    assert two.get("shared") == "x"
    assert one._cache.get_client() is not two._cache.get_client()


@pytest.mark.django_db
def test_sessions_are_read_through_it(redis_location, settings):
    settings.CACHES = {"default": {"BACKEND": "nonasn.redis_cache.RedisCache", "LOCATION": redis_location}}
    from django.core.cache import caches

    caches["default"].clear()
    session = SessionStore()
    session["who"] = "operator"
    session.create()
    assert caches["default"].get(session.cache_key) is not None  # stored in Redis too
    assert SessionStore(session.session_key).load() == {"who": "operator"}

"""The shared cache's backend (nonasn.redis_cache) against a real Redis server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore

from nonasn.redis_cache import RedisCache


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_location():
    """A throw-away redis-server of its own, on a free port (so parallel test workers never share one)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI_REQUIRE_BROWSER"):
            pytest.fail("redis-server is missing (scripts/system-deps.sh --with-browser installs it)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


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

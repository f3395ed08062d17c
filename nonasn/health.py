"""`/healthz`: is this app server able to serve? For load balancers, supervisors and monitoring.

Answered by a middleware placed first, before the host check, the HTTPS redirect, sessions and
language: a load balancer probes each server by its address over plain HTTP, and the answer must
not depend on a Host header or create a session. It says only which dependency works; no personal
data, no versions, no auth:

    200 {"status": "ok", "database": "ok", "cache": "ok"}
    503 {"status": "error", "database": "error", "cache": "ok"}

The primary database decides the status (nothing works without it). The cache and the read
replica, when configured, are reported but do not fail the check: every app server shares them,
so taking all of them out of the load balancer would not help.
"""

from __future__ import annotations

import logging
import secrets

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import JsonResponse

from nonasn.db_router import REPLICA, replica_configured

logger = logging.getLogger("nonasn.health")

PATHS = ("/healthz", "/healthz/")


def _database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health check: database %s unreachable (%s)", alias, type(exc).__name__)
        # A broken connection must not be reused by the next request of this thread.
        connections[alias].close_if_unusable_or_obsolete()
        return "error"
    return "ok"


def _cache() -> str:
    key = f"healthz:{secrets.token_hex(4)}"
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:  # noqa: BLE001 - each cache backend raises its own errors
        logger.warning("Health check: cache unreachable (%s)", type(exc).__name__)
        return "error"
    return "ok" if ok else "error"


def health() -> tuple[int, dict[str, str]]:
    report = {"database": _database("default"), "cache": _cache()}
    if replica_configured():
        report["replica"] = _database(REPLICA)
    healthy = report["database"] == "ok"
    return (200 if healthy else 503), {"status": "ok" if healthy else "error", **report}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info not in PATHS or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        status, report = health()
        response = JsonResponse(report, status=status)
        response["Cache-Control"] = "no-store"
        return response

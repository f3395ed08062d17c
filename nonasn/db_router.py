"""Public reads to a PostgreSQL read replica (the "replica" alias), everything else to the primary.

On announcement day millions read the public lists; those reads can be served by streaming replicas
while the primary keeps the writes (agencies, workers, complaints). Only when DATABASE_REPLICA_URL
is set does the "replica" alias exist; without it every method here answers "default" or None and
Django behaves as with one database.

What reads the replica:
- every read of a model of the apps in settings.REPLICA_READ_APPS (default: "announcements": the
  published snapshots and lists);
- every read inside a path marked as public, with `@public_read` (a view) or `with public_reads():`
  (a block), e.g. the public list's agency and period look-ups.

What stays on the primary, even for those models:
- writes, and reads that lock (`select_for_update()`, `get_or_create`, ...: Django routes them as
  writes);
- reads inside a transaction on the primary (a service that reads and then writes must see the
  rows it is about to change, not a copy some milliseconds old);
- reads in a request after a write, and for REPLICA_PIN_SECONDS in the same browser after a
  POST (ReplicaPinningMiddleware), so whoever just filed a complaint sees their ticket at once
  although the replica may lag a little.

Migrations run only on the primary: the replica is a copy of it (PostgreSQL streaming replication).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "primary_pin"

_public = contextvars.ContextVar("nonasn_public_read", default=False)
_pinned = contextvars.ContextVar("nonasn_primary_pinned", default=False)
# Set by the middleware for the length of one request: whether it wrote (outside a request, in a
# task or a command, a write does not pin: their reads that matter run in transactions).
_request = contextvars.ContextVar("nonasn_replica_request", default=None)


class _RequestState:
    __slots__ = ("pinned",)

    def __init__(self, pinned: bool) -> None:
        self.pinned = pinned


def replica_configured() -> bool:
    """A replica alias exists and is another database (in tests it mirrors the primary: the same
    database, so the primary's own connection serves, inside the test's transaction)."""
    if REPLICA not in connections.settings:
        return False
    # The connections' own settings: a test mirror's is the primary's (set by Django's test set-up).
    replica, primary = connections[REPLICA].settings_dict, connections[PRIMARY].settings_dict
    return any(replica.get(key) != primary.get(key) for key in ("NAME", "HOST", "PORT"))


@contextlib.contextmanager
def public_reads() -> Iterator[None]:
    """Reads in this block may come from the replica (public pages that tolerate a second's lag)."""
    token = _public.set(True)
    try:
        yield
    finally:
        _public.reset(token)


def public_read(view: Callable) -> Callable:
    """Mark a public view: its reads may come from the replica."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with public_reads():
            return view(*args, **kwargs)

    return wrapper


@contextlib.contextmanager
def primary_only() -> Iterator[None]:
    """Every read in this block from the primary (read-your-writes)."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if not replica_configured() or _pinned.get():
            return None
        request = _request.get()
        if request is not None and request.pinned:
            return None
        if connections[PRIMARY].in_atomic_block:
            return None
        if _public.get() or model._meta.app_label in getattr(settings, "REPLICA_READ_APPS", ()):
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str:
        # A write pins the rest of this request to the primary.
        request = _request.get()
        if request is not None:
            request.pinned = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Both aliases hold the same data: an object read from the replica may point to one from
        # the primary.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == PRIMARY


class ReplicaPinningMiddleware:
    """Per request: start unpinned; a POST (or any write) pins reads to the primary for the rest of
    the request and, by a short cookie, for the browser's next requests (the redirect after a
    form, the page it shows)."""

    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response
        self.seconds = getattr(settings, "REPLICA_PIN_SECONDS", 5)

    def __call__(self, request):
        unsafe = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        recently_wrote = PIN_COOKIE in request.COOKIES  # read this browser's last write back
        state = _RequestState(pinned=unsafe or recently_wrote)
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if unsafe or (state.pinned and not recently_wrote):
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=self.seconds,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response

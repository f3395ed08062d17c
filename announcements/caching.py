"""Public pages cached per published version: the content hash is in every cache key and ETag.

A published version never changes, so a page rendered from it can be kept and served again for the
same address as long as the cache keeps it, and a browser or proxy that already has it gets a 304.
A new version has a new hash, hence new keys and ETags: it is never answered from the old one.

A public page holds nothing of its visitor (no CSRF token: the language switch needs none, see
nonasn/urls.py), so a stored page is the same bytes for everyone, and a numbered version's list
pages are answered before the session or CSRF machinery runs (PublicListMiddleware, by address).
Logged-in visitors (whose header shows their name) get a fresh page, never a shared one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers

# Bump when the public templates change in a way that must not be served from old entries.
PAGE_FORMAT = "2"
PAGE_TIMEOUT = 24 * 3600
MAX_AGE = 60


class Immutable:
    """A small per-process memory in front of the shared cache, for values that never change under
    their key (a numbered version's metadata, a frame keyed by the version's content hash).

    What it holds is never stale (the key names the content), so it needs no invalidation; it saves
    the shared cache's round trip and unpickling on every page that is not answered whole.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self.items: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
                return value
        value = cache.get(key)
        if value is not None:
            self._keep(key, value)
        return value

    def set(self, key: str, value: object, timeout: int | None) -> None:
        cache.set(key, value, timeout)
        self._keep(key, value)

    def _keep(self, key: str, value: object) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


immutable = Immutable()


def page_tag(request: HttpRequest, *parts: object) -> str:
    """The ETag value (and cache key) of a page: its content hash(es), page parameters, language, viewer kind."""
    anonymous = not request.user.is_authenticated
    raw = "|".join([PAGE_FORMAT, request.LANGUAGE_CODE, "anon" if anonymous else "user", *map(str, parts)])
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _not_modified(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return (
        any(value.strip().removeprefix("W/") == etag for value in header.split(",")) or header.strip() == "*"
    )


def _respond(request: HttpRequest, etag: str, body: bytes | None, render=None) -> HttpResponse:
    anonymous = not request.user.is_authenticated
    if _not_modified(request, etag):
        response = HttpResponseNotModified()
    elif body is not None:
        response = HttpResponse(body)
    else:
        response = render()
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}" if anonymous else "private, max-age=0"
    patch_vary_headers(response, ("Cookie",))
    return response


def address_key(request: HttpRequest, *parts: object) -> str:
    """A cache key from the address alone, for pages of a numbered (never changing) version."""
    return "announcements:address:" + page_tag(request, *parts)


def page_cache_enabled() -> bool:
    """ANNOUNCEMENTS_PAGE_CACHE=False renders every page (the benchmark's "uncached" rows)."""
    return settings.ANNOUNCEMENTS_PAGE_CACHE


def _generation_key(code: str) -> str:
    return f"announcements:agency-generation:{code}"


def agency_generation(code: str) -> str:
    """A token that changes whenever the agency changes phase (a reopening, a finalisation …).

    A numbered version's rows never change, but what its page says around them does: whether the
    public test is open, whether the list was withdrawn. Pages and the version's memo are keyed by it.
    """
    return cache.get(_generation_key(code)) or "0"


def agency_changed(code: str) -> None:
    """Called on every phase change of the agency: its stored pages are not answered any more."""
    cache.set(_generation_key(code), uuid.uuid4().hex, None)


def page_by_address(request: HttpRequest, key: str, code: str = "") -> HttpResponse | None:
    """The stored page for this address, without touching the database (None: render it)."""
    if request.user.is_authenticated or not page_cache_enabled():
        return None
    # One round trip: the page and the agency's generation (a page stored before a phase change is stale).
    found = cache.get_many([key, _generation_key(code)])
    entry = found.get(key)
    if entry is None:
        return None
    etag, body, valid_until, generation = entry
    if generation != (found.get(_generation_key(code)) or "0"):
        return None
    if valid_until is not None and timezone.now() >= valid_until:
        return None  # e.g. the objection window opened or closed since: the page changes
    return _respond(request, etag, body)


def cached_page(
    request: HttpRequest,
    tag: str,
    render: Callable[[], HttpResponse],
    *,
    cacheable: bool = True,
    address: str | None = None,
    valid_until: dt.datetime | None = None,
    generation: str = "0",
) -> HttpResponse:
    """Answer with a 304, the cached rendering, or a fresh one (stored for the next anonymous visitor).

    `render()` renders the page. `cacheable=False` (unusual parameters) skips the store.
    `address` (from `address_key`) also stores the page under its address until `valid_until`.
    """
    etag = f'"{tag}"'
    anonymous = not request.user.is_authenticated
    if _not_modified(request, etag) or not (anonymous and cacheable and page_cache_enabled()):
        return _respond(request, etag, None, render)
    key = f"announcements:page:{tag}"
    body = cache.get(key)
    if body is None:
        rendered = render()
        if rendered.status_code != 200:
            return rendered
        body = rendered.content
        cache.set(key, body, PAGE_TIMEOUT)
    if address:
        cache.set(address, (etag, body, valid_until, generation), PAGE_TIMEOUT)
    return _respond(request, etag, body)

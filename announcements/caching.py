"""HTTP caching of the public announcement pages: who may keep a page, for how long, and its ETag.

The pages are cached by standard HTTP, not inside the application: the app says in `Cache-Control`
what a browser and a shared cache (nginx with deploy/nginx.conf, or a CDN) may keep, and a browser
or proxy that has a page revalidates it with its ETag (a 304 without rendering).

- A numbered list version that is withdrawn or superseded never changes again: its list pages (and
  every version's "what changed" page) are `public, max-age=<a year>, immutable`. The newest version
  may still be withdrawn by a national reopening, so its pages are kept CURRENT_MAX_AGE at most; and a public-test list shows a complaint link
  per row while its objection window is open, so until the window next opens or closes the page is
  kept only until that moment.
- Pages that change by themselves are kept a short time (SHORT_MAX_AGE): the agency page, the
  newest-version ("current") addresses, and a numbered announcement page (it says when a newer
  version exists).

A page is shared only when nothing of its visitor is in it. Here: an anonymous visitor, and an
address whose every part is in the page's key (the list's own parameters; anything else answers
private). For every response of the site, nonasn.middleware.SharedCacheGuardMiddleware then turns a
public answer private and no-store when it sets a cookie, holds a message or answers a logged-in
person. Links in a shared page come from its key's parts only (the language switch's `next` is
`page_address`, never the raw query string); the host is checked by Django (ALLOWED_HOSTS) before
any view runs, and nginx answers only its own server names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

# Bump when the public templates change in a way that must not be answered 304 from old copies.
PAGE_FORMAT = "3"
LONG_MAX_AGE = 365 * 24 * 3600
SHORT_MAX_AGE = 60
# The newest numbered version of a list: it may still be withdrawn (a national reopen).
CURRENT_MAX_AGE = 300


def page_etag(request: HttpRequest, *parts: object) -> str:
    """The ETag of a page: its content hash(es), page parameters, language and viewer kind."""
    viewer = "user" if request.user.is_authenticated else "anon"
    raw = "|".join([PAGE_FORMAT, request.LANGUAGE_CODE, viewer, *map(str, parts)])
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:40] + '"'


def max_age_until(moment: dt.datetime | None) -> int:
    """LONG_MAX_AGE, or the seconds until `moment` when the page changes then (at least 1)."""
    if moment is None:
        return LONG_MAX_AGE
    return max(1, min(LONG_MAX_AGE, int((moment - timezone.now()).total_seconds())))


def public_page(
    request: HttpRequest,
    render: Callable[[], HttpResponse],
    *,
    etag_parts: tuple,
    max_age: int,
    immutable: bool = False,
    shareable: bool = True,
) -> HttpResponse:
    """A 304 when the visitor has this page already, else `render()`; with its ETag and the
    Cache-Control saying who may keep it.

    `shareable=False` (e.g. unusual parameters in the address) keeps the page out of shared
    caches. A logged-in visitor's page (their name in the header) is never shared either.
    """
    etag = page_etag(request, *etag_parts)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = render()
        if response.status_code != 200:
            return response
    response["ETag"] = etag
    if shareable and not request.user.is_authenticated:
        patch_cache_control(
            response, public=True, max_age=max_age, **({"immutable": True} if immutable else {})
        )
    else:
        patch_cache_control(response, private=True, max_age=0)
    patch_vary_headers(response, ("Cookie",))
    return response

"""A stored public list page answered before sessions, CSRF and authentication run.

On announcement day nearly every request is an anonymous visitor reading a page of a published
version's list. A numbered version never changes, so once its page is stored (announcements.caching,
keyed by the address, the language and the version's content hash) the answer needs no session, no
user and no database: this middleware returns it, with the same ETag / 304, Cache-Control, Vary,
Content-Language and X-Frame-Options as the view's answer. Anything else (a session cookie, another
page, a page not stored yet) goes on through the whole stack as before.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers

from announcements.caching import page_by_address
from nonasn.middleware import chosen_language

LIST_VIEW = "announcements:version-list"


class CachedListMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix: str | None = None

    def __call__(self, request):
        response = self._stored(request)
        return response if response is not None else self.get_response(request)

    def _stored(self, request):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None  # a session may be a logged-in person's: they get their own page
        if self.prefix is None:
            self.prefix = reverse("announcements:index")
        if not request.path_info.startswith(self.prefix):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name != LIST_VIEW:
            return None
        from announcements.views.lists import list_address

        # What the later middleware would set; they set it again if the view runs after all.
        request.user = AnonymousUser()
        request.LANGUAGE_CODE = chosen_language(request)
        address = list_address(request, **match.kwargs)
        response = page_by_address(request, address) if address else None
        if response is not None:
            patch_vary_headers(response, ("Cookie",))
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
            response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response

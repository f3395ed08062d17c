"""The public list pages of a published version answered before sessions, CSRF and authentication.

On announcement day nearly every request is an anonymous visitor reading a page of a published
version's list. Such a page holds nothing of its visitor (no form that needs a token, no name in the
header), so it needs no session, no user and no CSRF machinery: this middleware answers it right
after the security headers are in place —

- from the page cache when it is stored (announcements.caching, keyed by the address, the language
  and the version's content hash): no database at all;
- else by calling the list view itself, as an anonymous visitor, in the visitor's language: one
  indexed query for the rows (the version's metadata and the page frame come from memory).

Either way the answer carries the same ETag / 304, Cache-Control, Vary, Content-Language and
X-Frame-Options as through the whole stack. Anything else (a session cookie, which may be a
logged-in person's; a primary-pin cookie after a POST; another page; an unknown version) goes on
through the whole stack as before.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from announcements.caching import page_by_address
from nonasn.db_router import PIN_COOKIE
from nonasn.middleware import chosen_language

LIST_VIEW = "announcements:version-list"


class PublicListMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix: str | None = None

    def __call__(self, request):
        response = self._early(request)
        return response if response is not None else self.get_response(request)

    def _early(self, request):
        if request.method not in ("GET", "HEAD"):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or PIN_COOKIE in request.COOKIES:
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
        from announcements.views.lists import by_address, list_address

        if not by_address(request, match.kwargs.get("version")):
            return None  # the newest version, or unusual parameters: through the whole stack
        # What the later middleware would set; they set it again if the view runs after all.
        request.user = AnonymousUser()
        request.LANGUAGE_CODE = chosen_language(request)
        address = list_address(request, **match.kwargs)
        response = page_by_address(request, address, match.kwargs["code"]) if address else None
        if response is None:
            request.resolver_match = match
            try:
                with translation.override(request.LANGUAGE_CODE):
                    response = match.func(request, *match.args, **match.kwargs)
            except Http404:
                return None  # the whole stack answers it, with the site's 404 page
            if response.status_code != 200 and response.status_code != 304:
                return None
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response

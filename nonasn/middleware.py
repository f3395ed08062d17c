"""Indonesian unless the person chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, and many phones in Indonesia are
set to English; the users know this process in Indonesian. So the language comes only from the
choice made with the language switch (Django's language cookie), else LANGUAGE_CODE ("id").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _


def chosen_language(request) -> str:
    """The language the person chose with the switch (its cookie), else LANGUAGE_CODE."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return language if language in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# The HR-system API's addresses (api/urls.py, included by nonasn/urls.py): refusals there are JSON.
API_PATH = "/api/"


def api_problem(status: int, code: str, detail: str):
    """The HR-system API's answer to a refusal made before its views run: an RFC 9457 problem
    document, as the API's own refusals are (api/problems.py)."""
    from django.http import JsonResponse

    body = {
        "type": f"/api/v1/docs/#problem-{code}",
        "title": _("The request was refused"),
        "status": status,
        "code": code,
        "detail": detail,
    }
    return JsonResponse(body, status=status, content_type="application/problem+json")


class RejectNulMiddleware:
    """A NUL character in the path, the query string, a form field or a cookie answers 400.

    PostgreSQL cannot store or compare text containing NUL (psycopg refuses the query), so without
    this `/pengumuman/?q=a%00` or `/verifikasi/a%00/` would be a server error. No person types one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            if request.path.startswith(API_PATH):
                return api_problem(
                    400, "nul_character", _("The request holds a NUL character, which no field may contain.")
                )
            from django.shortcuts import render

            return render(request, "400.html", status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or "\x00" in request.path_info:
            return True
        sources = [request.GET, request.COOKIES]
        if request.method == "POST":
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists() if hasattr(source, "lists") else source.items():
                if "\x00" in key:
                    return True
                for value in values if isinstance(values, list) else [values]:
                    if isinstance(value, str) and "\x00" in value:
                        return True
        return False


# Files we send (documents, cards, exports, captcha images) are shown by the browser as documents of
# our origin when opened directly. Sandboxed, whatever HTML or script one might still hide cannot run
# with the site's cookies or reach its pages. Keyed on the response, so every view serving a file
# gets it, wherever that view lives. frame-ancestors 'self': our own pages may show a document beside
# the data (X-Frame-Options still decides per view).
DOWNLOAD_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"
)


class SandboxDownloadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.get("Content-Type", "").startswith("text/html"):
            response["Content-Security-Policy"] = DOWNLOAD_POLICY
        return response


class SharedCacheGuardMiddleware:
    """Nothing of a visitor ever goes into a shared cache.

    A view marks a page `Cache-Control: public` when the page is the same for every visitor of its
    address (announcements/caching.py). Whatever the view decided, a response that sets a cookie
    (a session, a CSRF token, a message being consumed), holds a message for its visitor, or answers
    a logged-in person is made `private, no-store` here, so neither nginx nor a browser shared by
    others keeps it. Placed before the session, CSRF and message middleware, so it sees the cookies
    they set on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "public" in get_cache_control(response) and self._personal(request, response):
            del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _personal(request, response) -> bool:
        if response.cookies:
            return True
        messages = get_messages(request)  # [] before the message middleware ran
        if getattr(messages, "used", False) or len(messages):
            return True
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)


def get_cache_control(response) -> set[str]:
    """The directive names of a response's Cache-Control header."""
    return {part.split("=", 1)[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}

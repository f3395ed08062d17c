"""Request bodies larger than their form accepts are refused before a byte of them is read.

settings.REQUEST_BODY_LIMITS maps URL prefixes to the largest body (bytes) each kind of form
accepts; the longest matching prefix wins, as nginx chooses its `location` (deploy/nginx.conf sets
the same numbers as client_max_body_size, so the proxy refuses first and this is the second line).
The check reads only the declared Content-Length: a 300 MB multipart POST to a complaint form is
answered 413 without being parsed or spooled to disk. It runs before anything in the middleware chain
(the NUL check, CSRF, a view) touches request.POST or request.FILES.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext

from nonasn.middleware import API_PATH, api_problem


def body_limit(path: str) -> int:
    """The largest body accepted for this path: the value of the longest matching prefix."""
    limits: dict[str, int] = settings.REQUEST_BODY_LIMITS
    prefix = max((p for p in limits if path.startswith(p)), key=len, default="/")
    return limits.get(prefix, limits["/"])


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body for a length it cannot parse either


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path)
        if _declared_length(request) > limit:
            if request.path.startswith(API_PATH):
                response = api_problem(
                    413,
                    "body_too_large",
                    gettext("The request body is larger than %(size)d bytes; send fewer workers at a time.")
                    % {"size": limit},
                )
                response["Connection"] = "close"
                return response
            with translation.override(settings.LANGUAGE_CODE):
                response = render(
                    request, "413.html", {"limit_mb": max(round(limit / (1024 * 1024), 1), 0.1)}, status=413
                )
            # The body was not read: the connection cannot carry another request after it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)

"""Who calls: the API key in `Authorization: Bearer <key>`, what it may do, and how often."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import BaseThrottle

from api.models import ApiKey
from api.problems import ApiProblem
from api.services import KeyRefused, api_key_authenticate, rate_limit, rate_limit_hit


def _refusal(code: str) -> ApiProblem:
    messages = {
        "unknown": _("This API key is not known. Check that it was copied whole."),
        "revoked": _("This API key was revoked. Ask your agency admin for a new one."),
        "expired": _("This API key has expired. Ask your agency admin for a new one."),
    }
    return ApiProblem(401, f"key_{code}", messages[code])


class ApiKeyAuthentication(BaseAuthentication):
    """request.user is the key's machine account (so the portal's access helpers apply to it),
    request.auth the ApiKey."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _refusal("unknown")
        try:
            key = api_key_authenticate(token.strip())
        except KeyRefused as exc:
            raise _refusal(exc.code) from None
        return key.user, key

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


def _key(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


class AgencyKey(BasePermission):
    """An agency's key; writes need the read + write scope."""

    def has_permission(self, request, view) -> bool:
        key = _key(request)
        if key is None:
            return False
        if key.is_national:
            raise ApiProblem(403, "agency_key_required", _("This address is for an agency's key."))
        if request.method not in SAFE_METHODS and not key.can_write:
            raise ApiProblem(403, "read_only_key", _("This key may only read. Its scope is read."))
        return True


class NationalKey(BasePermission):
    def has_permission(self, request, view) -> bool:
        key = _key(request)
        if key is None:
            return False
        if not key.is_national:
            raise ApiProblem(403, "national_key_required", _("This address is for a national (BKN) key."))
        return request.method in SAFE_METHODS


class PerKeyRate(BaseThrottle):
    """API_RATE_LIMIT_PER_MINUTE requests per key and clock minute, counted in PostgreSQL (every app
    server shares the count)."""

    def allow_request(self, request, view) -> bool:
        key = _key(request)
        if key is None:
            return True
        return rate_limit_hit(key=key) <= rate_limit()

    def wait(self) -> float:
        return 60 - timezone.now().second


def max_body_bytes() -> int:
    return int(getattr(settings, "API_MAX_BODY_BYTES", 2 * 1024 * 1024))


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI description names the key: HTTP bearer."""

    target_class = ApiKeyAuthentication
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API key from the agency portal."}

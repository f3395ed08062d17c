"""Errors as RFC 9457 problem details (application/problem+json): a stable `code`, an Indonesian `title`
and `detail`, and for refused input an `errors` object {field: [{code, message}]} with the very
messages the portal's form shows next to its fields."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from api.services import field_errors

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/docs/#problem-"

# The phase guard's codes (registry.services.phase.lock_open_submission) and their answers.
PHASE_CODES = {"closed": "phase_closed", "deadline": "deadline_passed", "not_in_period": "not_in_period"}


class ApiProblem(exceptions.APIException):
    def __init__(self, status: int, code: str, detail: str, *, errors: dict | None = None, **extra: Any):
        self.status_code = status
        self.problem_code = code
        self.errors = errors
        self.extra = extra
        super().__init__(detail=detail, code=code)


def problem_response(
    status: int, code: str, detail: str, *, errors: dict | None = None, headers=None, **extra
) -> Response:
    body: dict[str, Any] = {
        "type": f"{TYPE_BASE}{code}",
        "title": _title(status),
        "status": status,
        "code": code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return Response(body, status=status, content_type=PROBLEM_TYPE, headers=headers)


def _title(status: int) -> str:
    titles = {
        400: _("The request was refused"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict with the current state"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("The request was refused"),
        429: _("Too many requests"),
    }
    return titles.get(status, _("Error"))


def validation_problem(exc: DjangoValidationError) -> Response:
    """A service's refusal: the phase guard's three answers as 409 with their own code, anything
    else (the hard errors: NIK held by another agency, NIK against the birth date…) as 400 by field."""
    code = getattr(exc, "code", None)
    if not hasattr(exc, "error_dict") and code in PHASE_CODES:
        return problem_response(409, PHASE_CODES[code], " ".join(exc.messages))
    errors = field_errors(exc)
    return problem_response(
        400, "validation_failed", _("Correct the fields named in errors and send again."), errors=errors
    )


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler, every answer a problem document."""
    headers = {}
    if isinstance(exc, ApiProblem):
        return problem_response(
            exc.status_code, exc.problem_code, str(exc.detail), errors=exc.errors, **exc.extra
        )
    if isinstance(exc, DjangoValidationError):
        return validation_problem(exc)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return problem_response(404, "not_found", _("There is no such object for this key's agency."))
    if isinstance(exc, PermissionDenied):
        return problem_response(403, "forbidden", _("This key may not do this."))
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 60)
        return problem_response(
            429,
            "rate_limited",
            _("This key has sent too many requests this minute; try again in %(seconds)d seconds.")
            % {"seconds": wait},
            headers={"Retry-After": str(wait)},
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return problem_response(
            401,
            "not_authenticated",
            _("Send the API key as 'Authorization: Bearer <key>'."),
            headers=headers,
        )
    if isinstance(exc, exceptions.PermissionDenied):
        return problem_response(403, "forbidden", _("This key may not do this."))
    if isinstance(exc, exceptions.ParseError):
        return problem_response(400, "malformed_json", _("The request body is not valid JSON."))
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return problem_response(415, "unsupported_media_type", _("Send the body as application/json."))
    if isinstance(exc, exceptions.MethodNotAllowed):
        return problem_response(405, "method_not_allowed", _("This address does not answer this method."))
    if isinstance(exc, exceptions.NotAcceptable):
        return problem_response(406, "not_acceptable", _("This API answers in JSON only."))
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            400,
            "validation_failed",
            _("Correct the fields named in errors and send again."),
            errors=_drf_errors(exc.detail),
        )
    if isinstance(exc, exceptions.APIException):
        return problem_response(exc.status_code, "error", str(exc.detail))
    return None


def _drf_errors(detail: Any) -> dict[str, list[dict[str, str]]]:
    if isinstance(detail, dict):
        out = {}
        for name, items in detail.items():
            items = items if isinstance(items, list) else [items]
            out[name] = [{"code": getattr(i, "code", "invalid"), "message": str(i)} for i in items]
        return out
    items = detail if isinstance(detail, list) else [detail]
    return {"__all__": [{"code": getattr(i, "code", "invalid"), "message": str(i)} for i in items]}


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField(help_text="A stable code, e.g. validation_failed, phase_closed.")
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=FieldErrorSerializer(many=True), required=False, help_text="Per field: what is wrong."
    )

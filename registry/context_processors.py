"""What every agency-portal page's menu needs to know: may this agency's records be added and changed
now, and if not, why (the same `agency_write_permission` the services ask before a write)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from registry.services.memos import current_period
from registry.services.phase import ALLOWED, Permission, agency_write_permission, submission_for


def _permission(request: HttpRequest) -> Permission:
    user = request.user
    agency = getattr(user, "agency", None)
    period = current_period()
    if agency is None or period is None:
        return ALLOWED  # not an agency page: nothing to hide
    cached = getattr(request, "_agency_write_permission", None)
    if cached is None:
        cached = request._agency_write_permission = agency_write_permission(
            submission_for(agency=agency, period=period), period=period
        )
    return cached


def agency_write(request: HttpRequest) -> dict:
    """`agency_write`: read only by the pages that show the portal's menu (one query, then kept)."""
    return {"agency_write": SimpleLazyObject(lambda: _permission(request))}

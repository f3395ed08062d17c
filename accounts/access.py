"""The access helpers every portal uses.

Agency portal views never filter by agency by hand: they get the user's agency, and every object,
through these helpers, which scope to that agency and answer 404 for anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import AGENCY_ROLES, Role, User
from registry.models import Agency, WorkerRecord

# Pages only the agency admin may use (users, contacts), for `agency_staff_required(roles=...)`.
AGENCY_ADMIN_ONLY = frozenset({Role.AGENCY_ADMIN})

M = TypeVar("M", bound=models.Model)
View = Callable[..., HttpResponse]


def agency_staff_required(
    view: View | None = None, *, write: bool = False, roles: frozenset[str] | None = None
):
    """Only agency staff reach the view; others go to the agency login page.

    write=True also refuses helpdesk users (read-only) with 403; roles narrows further
    (e.g. frozenset({Role.AGENCY_ADMIN}) for user management).
    """

    def decorator(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or user.role not in AGENCY_ROLES or not user.is_active:
                return redirect_to_login(request.get_full_path(), reverse("staff:login"))
            if write and not user.can_write_agency_data:
                raise PermissionDenied
            if roles is not None and user.role not in roles:
                raise PermissionDenied
            return func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator


def user_agency(user: User) -> Agency:
    """The one agency an agency-staff user works for."""
    if not user.is_authenticated or user.role not in AGENCY_ROLES or user.agency_id is None:
        raise Http404
    return user.agency


def scoped(user: User, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """Restrict a queryset to the user's agency: each agency-scoped model's QuerySet says how
    (`for_agency(agency)`); a model without one cannot be scoped, and says so."""
    agency = user_agency(user)
    for_agency = getattr(queryset, "for_agency", None)
    if for_agency is None:
        raise TypeError(f"{queryset.model.__name__} has no QuerySet.for_agency(): it cannot be scoped")
    return for_agency(agency)


def get_for_agency(user: User, queryset: models.QuerySet[M] | type[M], **lookup) -> M:
    """Fetch one object of the user's agency, or 404 (also for another agency's id)."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    return get_object_or_404(scoped(user, qs), **lookup)


def get_record_for_agency(user: User, pk: int, *, for_update: bool = False) -> WorkerRecord:
    # Period, agency and work unit come in the same query: every record page shows them.
    qs = WorkerRecord.objects.select_related("period", "agency", "work_unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return get_for_agency(user, qs, pk=pk)


def worker_required(view: View) -> View:
    """Only a logged-in worker with a record reaches the view; others go to the worker login."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or user.role != Role.WORKER or user.worker_record_id is None:
            return redirect_to_login(request.get_full_path(), reverse("worker:login"))
        return view(request, *args, **kwargs)

    return wrapper


def worker_record(user: User) -> WorkerRecord:
    if not user.is_authenticated or user.role != Role.WORKER or user.worker_record_id is None:
        raise Http404
    return user.worker_record


def can_view_record_files(user: User, record: WorkerRecord) -> bool:
    """The worker themself, staff of the record's agency, the national admin."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_national_admin:
        return True
    if user.role in AGENCY_ROLES:
        return user.agency_id is not None and user.agency_id == record.agency_id
    return user.worker_record_id == record.pk


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address for the audit trail and the identity-check limits (nonasn/client_ip.py)."""
    from nonasn.client_ip import client_ip as resolve

    return resolve(request)

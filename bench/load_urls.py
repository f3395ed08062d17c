"""The site's URLs plus what the load benchmark compares the portal's pages with (never in production):
the site's own floor (all middleware and the session, no database query of its own, no template) and
the worker list's floor (its queries, answered with a plain response instead of the page)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from accounts.access import agency_staff_required
from registry.listing import DEFAULT_SORT, LIST_COLUMNS, keyset_page
from registry.views.workers import _count_key, _filtered


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@agency_staff_required
def list_floor(request: HttpRequest) -> HttpResponse:
    _form, filters, qs, period = _filtered(request)
    page = keyset_page(
        qs.select_related("work_unit").only(*LIST_COLUMNS),
        sort=filters.get("sort") or DEFAULT_SORT,
        after=request.GET.get("after"),
        count_key=_count_key(request, period, filters),
    )
    return HttpResponse(f"floor rows: {len(page.rows)} of {page.count}", content_type="text/plain")


urlpatterns = [
    path("bench/ok/", ok, name="bench-ok"),
    path("bench/list-floor/", list_floor),
    path("", include("nonasn.urls")),
]

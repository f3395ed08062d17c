"""The site's URLs plus what the public-list benchmark compares against (never in production)."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from announcements.models import SnapshotRow
from announcements.public_list import ListParams, page_rows, published_snapshot


def minimal(request):
    """The site's own floor: the same middleware, no database, no template."""
    return HttpResponse("ok")


def floor(request: HttpRequest, code: str) -> HttpResponse:
    """A list page's floor: the site's middleware, the version (from process memory, as the page
    reads it) and the page's one query for its rows, answered with a plain response (no frame, no
    row markup). What the page costs above this is its own work."""
    snapshot = published_snapshot(code, "uji-publik", 1)
    rows, _previous, _next = page_rows(snapshot, ListParams.from_query(request.GET))
    return HttpResponse(f"floor rows: {len(rows)}")


@admin.register(SnapshotRow)
class SnapshotRowAdmin(admin.ModelAdmin):
    """What an agency would otherwise use: the stock changelist over the same rows."""

    list_display = ["number", "full_name", "masked_nik", "position", "unit", "education_level", "status"]
    search_fields = ["full_name"]
    list_per_page = 50
    ordering = ["snapshot", "number"]

    def lookup_allowed(self, lookup, value, request=None):
        # One agency's list: ?snapshot__id__exact=… (a list_filter would list all 600 versions).
        return lookup == "snapshot__id__exact" or super().lookup_allowed(lookup, value, request)


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/floor/<str:code>/", floor),
    path("", include("nonasn.urls")),
]

"""The site's URLs plus what the public-list benchmark compares against (never in production)."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path

from announcements.models import SnapshotRow


def minimal(request):
    """The framework's own ceiling: the same middleware, no database, no template."""
    return HttpResponse("ok")


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


urlpatterns = [path("bench/minimal/", minimal), path("", include("nonasn.urls"))]

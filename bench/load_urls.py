"""The site's URLs plus a bare view: the framework's ceiling (middleware, no database, no template)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", ok, name="bench-ok"), path("", include("nonasn.urls"))]

"""The truly bare Django view every load table is compared with: a WSGI app of its own.

One view that answers "ok": no middleware, no installed apps, no database, no template — what Django
itself costs per request under gunicorn, the ceiling no page of the site can pass. Served by
bench/_load.py (`serve_bare()`) with the same gunicorn configuration as the site:
`gunicorn -c deploy/gunicorn.conf.py bench.bare:application`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-view-not-a-secret",  # noqa: S106 - signs nothing: no sessions, no forms
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)


def ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok), path("bench/ok/", ok)]
application = get_wsgi_application()

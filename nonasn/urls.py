"""The site's URL map: each portal's prefix and the app whose URLs it includes."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from django.views.i18n import set_language

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("instansi/akun/", include("accounts.urls_staff")),
    path("instansi/verifikasi/", include("verification.urls_decisions")),
    path("instansi/fase/", include("verification.urls_phases")),
    path("instansi/aduan/", include("announcements.urls_portal")),
    path("instansi/", include("registry.urls")),
    path("nasional/", include("verification.urls_national")),
    path("akun/", include("accounts.urls_worker")),
    path("pengumuman/", include("announcements.urls")),
    path("", include("announcements.urls_cards")),
    path("aduan/", include("announcements.urls_complaints")),
    path("statistik/", include("announcements.urls_statistics")),
    path("bantuan/", include("registry.urls_help")),
    path("api/v1/", include("api.urls")),
    path("instansi/api/", include("api.urls_portal")),
    # The language switch in every page's header needs no CSRF token: it only sets the visitor's own
    # language cookie (and redirects to a `next` on this site). So the public pages carry no token,
    # and a cached public page is the same bytes for every visitor (announcements/caching.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

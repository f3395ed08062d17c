from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

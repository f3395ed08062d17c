from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("instansi/akun/", include("accounts.urls_staff")),
    path("instansi/verifikasi/", include("verification.urls_decisions")),
    path("instansi/aduan/", include("announcements.urls_portal")),
    path("instansi/", include("registry.urls")),
    path("akun/", include("accounts.urls_worker")),
    path("pengumuman/", include("announcements.urls")),
    path("aduan/", include("announcements.urls_complaints")),
    path("", include("accounts.urls_public")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
    path("admin/", admin.site.urls),
]

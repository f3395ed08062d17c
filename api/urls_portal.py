"""The agency portal's API-key pages (`/instansi/api/`): connecting an HR system, listing and
revoking keys. The API itself is api/urls.py."""

from django.urls import path

from api import views_portal

app_name = "api-keys"

urlpatterns = [
    path("", views_portal.connect, name="connect"),
    path("kunci/", views_portal.key_list, name="list"),
    path("kunci/<int:pk>/cabut/", views_portal.key_revoke, name="revoke"),
]

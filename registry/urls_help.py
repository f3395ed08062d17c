"""The help pages' URLs (`/bantuan/`): the guide and the search for an agency's contacts. Portal
pages live in registry/urls.py."""

from django.urls import path

from registry.views import help

app_name = "help"

urlpatterns = [
    path("", help.help_index, name="index"),
    path("kontak/", help.contact_search, name="contacts"),
]

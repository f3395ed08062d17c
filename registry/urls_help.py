from django.urls import path

from registry.views import help

app_name = "help"

urlpatterns = [
    path("", help.help_index, name="index"),
    path("kontak/", help.contact_search, name="contacts"),
]

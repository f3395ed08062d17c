"""Public pages of the accounts app (card verification), mounted at the site root."""

from django.urls import path

from accounts.views import worker

app_name = "card"

urlpatterns = [
    path("verifikasi/<str:token>/", worker.verify, name="verify"),
]

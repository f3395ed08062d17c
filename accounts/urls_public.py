"""Public pages of the accounts app (card verification), mounted at the site root."""

from django.urls import path

from accounts.views.worker import cards

app_name = "card"

urlpatterns = [
    path("verifikasi/<str:token>/", cards.verify, name="verify"),
]

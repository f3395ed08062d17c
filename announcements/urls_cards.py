"""Card verification at the site root (/verifikasi/<token>/): the address printed in every QR code."""

from django.urls import path

from announcements.views import cards

app_name = "card"

urlpatterns = [
    path("verifikasi/<str:token>/", cards.verify, name="verify"),
]

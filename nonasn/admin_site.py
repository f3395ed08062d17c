"""The national admin's /admin/: after logging in there, the national admin lands on the national
desk (/nasional/), and the admin's index links to it."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

DESK_URL_NAME = "national:desk"  # verification's national desk (by name: nonasn imports no app)


class NationalAdminSite(admin.AdminSite):
    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # A login that would land on the admin's index (no `next`, or `next` is the index) lands on
        # the desk instead; a deep link (`next=/admin/registry/agency/`) is kept.
        index = reverse("admin:index", current_app=self.name)
        if request.GET.get(REDIRECT_FIELD_NAME, "") in ("", index):
            request.GET = request.GET.copy()
            request.GET[REDIRECT_FIELD_NAME] = reverse(DESK_URL_NAME)
        if request.method == "POST" and request.POST.get(REDIRECT_FIELD_NAME, "") in ("", index):
            request.POST = request.POST.copy()
            request.POST[REDIRECT_FIELD_NAME] = reverse(DESK_URL_NAME)
        return super().login(request, extra_context)

    def each_context(self, request: HttpRequest) -> dict:
        return {**super().each_context(request), "national_desk_url": reverse(DESK_URL_NAME)}

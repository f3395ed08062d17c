"""Card verification: the QR code on the printed card opens this page (public, the address kept from accounts)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from announcements.services.status import status_by_card


@never_cache
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Confirms a printed card is genuine; shows name, agency and current status only."""
    found = status_by_card(token)
    if found is None:
        return render(request, "cards/verify_unknown.html", status=404)
    return render(request, "cards/verify.html", {"found": found})

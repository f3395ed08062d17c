from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from registry.models import Agency, AgencySubmission, Period


def index(request: HttpRequest) -> HttpResponse:
    """Choose the agency ("Instansi") whose announcements to read."""
    query = request.GET.get("q", "").strip()
    agencies = Agency.objects.filter(is_active=True)
    if query:
        agencies = agencies.filter(name__icontains=query)
    context = {"agencies": agencies.order_by("name")[:100], "query": query}
    return render(request, "announcements/index.html", context)


def agency(request: HttpRequest, code: str) -> HttpResponse:
    """One agency's announcements in the active period."""
    agency = get_object_or_404(Agency, code=code, is_active=True)
    period = Period.objects.active()
    submission = AgencySubmission.objects.filter(agency=agency, period=period).first() if period else None
    return render(
        request, "announcements/agency.html", {"agency": agency, "period": period, "submission": submission}
    )

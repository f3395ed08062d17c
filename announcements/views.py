from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registry.models import Agency


def index(request: HttpRequest) -> HttpResponse:
    """Choose the agency ("Instansi") whose announcements to read."""
    query = request.GET.get("q", "").strip()
    agencies = Agency.objects.filter(is_active=True)
    if query:
        agencies = agencies.filter(name__icontains=query)
    return render(
        request, "announcements/index.html", {"agencies": agencies.order_by("name")[:100], "query": query}
    )

"""Bantuan: the public help page (process, documents, dates, statuses, complaints, FAQ, contacts)
and the searchable list of agencies' contacts (where "Anda Belum Didaftarkan…" sends a worker)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from registry.documents import MAX_UPLOAD_BYTES, PHOTO_MAX_BYTES
from registry.models import Agency, Document, Status
from registry.services.memos import current_period

CONTACT_RESULTS = 20


def help_index(request: HttpRequest) -> HttpResponse:
    period = current_period()
    return render(
        request,
        "registry/help.html",
        {
            "period": period,
            "statuses": [s for s in Status if s != Status.RELEASED],
            "document_kinds": Document.Kind,
            "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            "photo_max_kb": PHOTO_MAX_BYTES // 1024,
            "helpdesk": settings.HELPDESK_CONTACT,
        },
    )


def contact_search(request: HttpRequest) -> HttpResponse:
    """Search an agency by name or code and read its contact; says nothing about any person."""
    query = request.GET.get("q", "").strip()[:100]
    agencies: list[Agency] = []
    if query:
        agencies = list(
            Agency.objects.filter(is_active=True)
            .filter(Q(name__icontains=query) | Q(code__iexact=query))
            .select_related("contact")
            .order_by("name")[: CONTACT_RESULTS + 1]
        )
    return render(
        request,
        "registry/help_contacts.html",
        {
            "query": query,
            "agencies": agencies[:CONTACT_RESULTS],
            "more": len(agencies) > CONTACT_RESULTS,
            "helpdesk": settings.HELPDESK_CONTACT,
        },
    )

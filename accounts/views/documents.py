"""A stored document, served only to whoever may see its record's files (accounts.access)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.access import can_view_record_files
from registry.models import Document

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The worker themself, staff of the record's agency and the national admin; 404 for anyone else."""
    document = get_object_or_404(Document.objects.select_related("record"), pk=pk)
    if not can_view_record_files(request.user, document.record):
        raise Http404
    response = FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=False,
        filename=f"{document.kind}.{EXTENSIONS[document.content_type]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

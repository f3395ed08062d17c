"""What every portal's views share: the active period (404 without one), a service's errors shown on
its form, and a list export as a download. Views of any app use it; it is no view itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import BinaryIO

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from registry.models import Period
from registry.services.memos import current_period


def active_period() -> Period:
    """The active period of a portal page (404 without one), from the per-process memo."""
    period = current_period()
    if period is None:
        raise Http404("No active period")
    return period


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field where the form has it,
    above the form otherwise (never a crash for a field the form does not show)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, errors)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_download(
    file_format: str,
    basename: str,
    *,
    csv_lines: Callable[[], Iterable[str]],
    xlsx_file: Callable[[], BinaryIO],
) -> HttpResponse:
    """A list export as a download named `<basename>-<YYYYmmdd-HHMM>.csv|.xlsx` (local time):
    CSV streamed line by line, XLSX as a file. Only the chosen format is built."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if file_format == "csv":
        response = StreamingHttpResponse(csv_lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.csv"'
        return response
    return FileResponse(
        xlsx_file(), as_attachment=True, filename=f"{basename}-{stamp}.xlsx", content_type=XLSX_TYPE
    )

"""The worker's printed cards (account card, data collection card) and the public card check."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.access import worker_required
from accounts.cards import account_card_pdf, data_card_pdf
from accounts.views.worker.sections import worker_record_full


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@worker_required
def account_card(request: HttpRequest) -> HttpResponse:
    record = worker_record_full(request)
    return _pdf(account_card_pdf(record), f"kartu-informasi-akun-{record.registration_number}.pdf")


@worker_required
def data_card(request: HttpRequest) -> HttpResponse:
    record = worker_record_full(request)
    if record.submitted_at is None:
        messages.error(request, _("Submit your data first; then the data collection card can be printed."))
        return redirect("worker:resume")
    return _pdf(data_card_pdf(record), f"kartu-pendataan-{record.registration_number}.pdf")

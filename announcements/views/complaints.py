"""Public complaint pages: file a complaint about a listed person, report a missing worker, follow a ticket."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.access import client_ip
from announcements.forms import ComplaintForm, MissingReportForm, TrackForm
from announcements.services.complaints.filing import (
    Complainant,
    complaint_file,
    complaint_track,
    listed_record,
    normalise_ticket,
    report_file,
)
from announcements.services.complaints.limits import RateLimited
from announcements.services.complaints.window import ComplaintsClosed, complaint_window, public_submission
from registry.models import Agency

SESSION_TICKETS = "complaint_tickets"


def _agency(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, is_active=True)


def _retry_text(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M, %d-%m-%Y")


def _closed(request: HttpRequest, agency: Agency, window, *, title: str) -> HttpResponse:
    return render(
        request, "announcements/complaint_closed.html", {"agency": agency, "window": window, "title": title}
    )


def _complainant(data: dict) -> Complainant:
    return Complainant(
        name=data["complainant_name"], nik=data["complainant_nik"], email=data["email"], phone=data["phone"]
    )


def _remember(request: HttpRequest, ticket: str) -> HttpResponse:
    """The confirmation page is shown to the browser that filed; anyone else needs ticket and e-mail."""
    tickets = request.session.get(SESSION_TICKETS, [])[-9:]
    request.session[SESSION_TICKETS] = [*tickets, ticket]
    return redirect("complaints:ticket", ticket=ticket)


def _drop_nik(form):
    """A form shown again keeps what was typed except the complainant's NIK (never echoed back)."""
    data = form.data.copy()
    data["complainant_nik"] = ""
    form.data = data
    return form


@never_cache
def file(request: HttpRequest, code: str) -> HttpResponse:
    """Aduan: a complaint about one person on the agency's public-test list."""
    agency = _agency(code)
    submission = public_submission(agency)
    window = complaint_window(submission)
    if not window.is_open:
        return _closed(request, agency, window, title="complaint")
    reference = request.POST.get("record") or request.GET.get("record")
    record = listed_record(agency, submission.period, reference)
    if record is None:
        if reference:
            raise Http404("Not on the list")
        return render(request, "announcements/complaint_choose.html", {"agency": agency})
    form = ComplaintForm(request.POST or None, request.FILES or None)
    retry_at = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = complaint_file(
                agency=agency,
                record_id=record.pk,
                complainant=_complainant(data),
                description=data["description"],
                evidence=data.get("evidence"),
                ip=client_ip(request),
            )
        except ComplaintsClosed as exc:
            return _closed(request, agency, exc.window, title="complaint")
        except RateLimited as exc:
            retry_at = _retry_text(exc.retry_at)
        except ValidationError as exc:
            form.add_error("evidence" if exc.code != "not_listed" else None, exc)
        else:
            return _remember(request, complaint.ticket)
    if form.is_bound:
        _drop_nik(form)
    return render(
        request,
        "announcements/complaint_form.html",
        {"agency": agency, "record": record, "form": form, "window": window, "retry_at": retry_at},
    )


@never_cache
def report_missing(request: HttpRequest, code: str) -> HttpResponse:
    """Tidak terdaftar: a worker of the agency who is missing from its list."""
    agency = _agency(code)
    window = complaint_window(public_submission(agency))
    if not window.is_open:
        return _closed(request, agency, window, title="report")
    form = MissingReportForm(request.POST or None)
    retry_at = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = report_file(
                agency=agency,
                nik=data["nik"],
                name=data["name"],
                complainant=_complainant(data),
                description=data["description"],
                ip=client_ip(request),
            )
        except ComplaintsClosed as exc:
            return _closed(request, agency, exc.window, title="report")
        except RateLimited as exc:
            retry_at = _retry_text(exc.retry_at)
        else:
            return _remember(request, complaint.ticket)
    if form.is_bound:
        _drop_nik(form)
    return render(
        request,
        "announcements/report_form.html",
        {"agency": agency, "form": form, "window": window, "retry_at": retry_at},
    )


@never_cache
def ticket(request: HttpRequest, ticket: str) -> HttpResponse:
    """The confirmation after filing: the ticket number to keep."""
    ticket = normalise_ticket(ticket)
    if not ticket or ticket not in request.session.get(SESSION_TICKETS, []):
        return redirect(reverse("complaints:track") + (f"?ticket={ticket}" if ticket else ""))
    return render(request, "announcements/complaint_ticket.html", {"ticket": ticket})


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """Follow a complaint by ticket number and e-mail (POST: the address stays out of URLs and logs)."""
    complaint = None
    searched = False
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            searched = True
            complaint = complaint_track(ticket=form.cleaned_data["ticket"], email=form.cleaned_data["email"])
    else:
        form = TrackForm(initial={"ticket": normalise_ticket(request.GET.get("ticket", ""))})
    # The agency's window from the one rule, as the lists and the forms show it.
    window = complaint_window(public_submission(complaint.agency)) if complaint else None
    return render(
        request,
        "announcements/complaint_track.html",
        {"form": form, "complaint": complaint, "searched": searched, "window": window},
    )

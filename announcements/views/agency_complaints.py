"""The agency portal's complaints queue: access helper → form → service → redirect/render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import agency_staff_required, client_ip, get_for_agency, scoped, user_agency
from announcements.forms import AnswerForm
from announcements.models import Complaint
from announcements.services.complaints.answering import complaint_answer
from announcements.services.complaints.window import complaint_window, public_submission
from registry.models import AuditEvent
from verification.services.decisions import decisions_closed_reason

PAGE_SIZE = 50
STATUS_FILTERS = {"open", "accepted", "rejected", "all"}


@agency_staff_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in STATUS_FILTERS:
        status = "open"
    qs = scoped(request.user, Complaint.objects.all())
    counts = {row["status"]: row["n"] for row in _counts(qs)}
    if status != "all":
        qs = qs.filter(status=status)
    page = Paginator(qs.select_related("record").order_by("created_at", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    submission = public_submission(user_agency(request.user))
    return render(
        request,
        "announcements/portal_complaint_list.html",
        {
            "page": page,
            "status": status,
            "counts": counts,
            "total": sum(counts.values()),
            "window": complaint_window(submission),
        },
    )


def _counts(qs):
    from django.db.models import Count

    return qs.order_by().values("status").annotate(n=Count("id"))


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    return get_for_agency(
        request.user, Complaint.objects.select_related("record", "record__period", "answered_by"), pk=pk
    )


def _detail(request: HttpRequest, complaint: Complaint, form: AnswerForm | None = None, status: int = 200):
    record = complaint.record
    corrections_closed = None
    if record is not None:
        submission = public_submission(complaint.agency)
        corrections_closed = decisions_closed_reason(submission) if submission else None
    if form is None and complaint.is_open:
        form = AnswerForm(has_record=record is not None)
    history = AuditEvent.objects.filter(object_type=complaint._meta.label_lower, object_id=str(complaint.pk))
    return render(
        request,
        "announcements/portal_complaint_detail.html",
        {
            "complaint": complaint,
            "record": record,
            "form": form,
            "can_answer": complaint.is_open and request.user.can_write_agency_data,
            "corrections_closed": corrections_closed,
            "history": history.select_related("actor"),
        },
        status=status,
    )


@agency_staff_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _complaint(request, pk))


@require_POST
@agency_staff_required(write=True)
def complaint_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    form = AnswerForm(request.POST, has_record=complaint.record_id is not None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            complaint_answer(
                complaint_id=complaint.pk,
                accepted=form.accepted,
                answer=data["answer"],
                change_to=data.get("change_to", ""),
                tms_reason=data.get("tms_reason", ""),
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            complaint.refresh_from_db()
        else:
            messages.success(
                request,
                _("Complaint %(ticket)s answered; the complainant was e-mailed.")
                % {"ticket": complaint.ticket},
            )
            return redirect("portal-complaints:detail", pk=complaint.pk)
    return _detail(request, complaint, form, status=400)


@agency_staff_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    if not complaint.evidence:
        raise Http404
    extension = "pdf" if complaint.evidence_content_type == "application/pdf" else "jpg"
    return FileResponse(
        complaint.evidence.open("rb"),
        content_type=complaint.evidence_content_type,
        filename=f"bukti-{complaint.ticket}.{extension}",
    )

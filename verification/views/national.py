"""The national admin's desk (BKN): every agency at a glance, and the moves only BKN may make."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import client_ip
from accounts.models import AGENCY_ROLES, Role
from registry.labels import FLAG_SHORT
from registry.models import AgencySubmission, AuditEvent, Flag, Status
from registry.portal import active_period, export_download
from verification.audit import VerificationAuditAction
from verification.forms_phases import (
    DeskFilterForm,
    ExtendDeadlineForm,
    ReopenForm,
    SignedUploadForm,
    refuse_field,
)
from verification.models import PhaseChange, SignedSptjm, Sptjm
from verification.services.national import (
    desk_csv,
    desk_filter_sort,
    desk_rows,
    desk_xlsx,
    national_totals,
)
from verification.services.phases import submission_extend_deadline, submission_reopen
from verification.services.sptjm import current_signed, current_sptjm, sptjm_upload_signed, status_counts

Phase = AgencySubmission.Phase
STATUS_COLOURS = {
    Status.REGISTERED: "#6c8ebf", Status.ACCOUNT_CREATED: "#3d7cc9", Status.SUBMITTED: "#f0ad4e",
    Status.ELIGIBLE: "#2e9e5b", Status.INELIGIBLE: "#c9302c", Status.NEEDS_REVISION: "#e67e22",
    Status.NOT_COMPLETED: "#7f8c8d", Status.RELEASED: "#b0b7c0",
}  # fmt: skip


def national_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """BKN only. Anonymous users log in (Django admin login); agency staff and workers go home."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if user.is_national_admin and user.is_active:
            return view(request, *args, **kwargs)
        if user.role in AGENCY_ROLES:
            return redirect("registry:dashboard")
        if user.role == Role.WORKER:
            return redirect("worker:home")
        raise PermissionDenied

    return wrapper


def _bars(items: list[tuple[str, str, int, str]]) -> list[dict]:
    top = max((n for _v, _l, n, _c in items), default=0) or 1
    return [
        {"value": v, "label": label, "count": n, "colour": c, "width": round(n * 100 / top, 1)}
        for v, label, n, c in items
    ]


def _rows(request: HttpRequest):
    """The period, the filter form, every agency's row and the rows the filter selects.

    The one filter validation of the page and its exports: an invalid filter (an unknown kind or
    phase) selects nothing (None), so the page shows the error and the export refuses; it never
    widens to every agency.
    """
    period = active_period()
    form = DeskFilterForm(request.GET or None)
    all_rows = desk_rows(period)
    if form.is_bound and not form.is_valid():
        return period, form, all_rows, None
    filters = form.cleaned_data if form.is_bound else {}
    rows = desk_filter_sort(
        all_rows,
        kind=filters.get("kind", ""),
        phase=filters.get("phase", ""),
        late=filters.get("late", False),
        sort=filters.get("sort") or request.GET.get("sort") or "name",
    )
    return period, form, all_rows, rows


@national_admin_required
def desk(request: HttpRequest) -> HttpResponse:
    period, form, all_rows, rows = _rows(request)
    filter_invalid = rows is None
    rows = rows or []
    statuses, flags = national_totals(rows)
    phases = {p: 0 for p in Phase.values}
    for row in all_rows:
        phases[row.submission.phase] += 1
    params = request.GET.copy()
    params.pop("sort", None)
    return render(
        request,
        "verification/national_desk.html",
        {
            "period": period,
            "form": form,
            "filter_invalid": filter_invalid,
            "rows": rows,
            "statuses": list(Status),
            "flags": list(Flag),
            "flag_short": FLAG_SHORT,
            "sort": request.GET.get("sort") or "name",
            "query": params.urlencode(),
            "phase_counts": [(Phase(p).label, n) for p, n in phases.items()],
            "late_count": sum(1 for r in all_rows if r.late),
            "total_active": sum(r.active for r in rows),
            "status_bars": _bars(
                [(s.value, s.label, statuses.get(s.value, 0), STATUS_COLOURS[s]) for s in Status]
            ),
            "flag_bars": _bars([(f.value, FLAG_SHORT[f], flags.get(f.value, 0), "#c9302c") for f in Flag]),
            "status_chart_h": len(Status) * 36 + 4,
            "flag_chart_h": len(Flag) * 36 + 4,
        },
    )


@national_admin_required
def export(request: HttpRequest, file_format: str) -> HttpResponse:
    period, _form, _all, rows = _rows(request)
    if rows is None:
        messages.error(request, _("Nothing was exported: correct the filter first."))
        return redirect(f"{reverse('national:desk')}?{request.GET.urlencode()}")
    AuditEvent.log(
        actor=request.user,
        action=VerificationAuditAction(f"national:export:{file_format}"),
        obj=period,
        after={"filters": request.GET.dict()},
        ip=client_ip(request),
    )
    return export_download(
        file_format, "instansi", csv_lines=lambda: desk_csv(rows), xlsx_file=lambda: desk_xlsx(rows)
    )


def _submission(pk: int) -> AgencySubmission:
    return get_object_or_404(AgencySubmission.objects.select_related("agency", "period"), pk=pk)


def _agency_page(
    request: HttpRequest, submission: AgencySubmission, status: int = 200, **forms
) -> HttpResponse:
    counts = status_counts(submission)
    context = {
        "submission": submission,
        "agency": submission.agency,
        "period": submission.period,
        "counts": [(Status(s), counts[s]) for s in Status],
        "deadlines": [
            (kind, label, submission.deadline(kind), getattr(submission, f"{kind}_deadline_override"))
            for kind, label in (
                ("input", _("Input deadline")),
                ("correction", _("Correction deadline")),
                ("finalisation", _("Finalisation deadline")),
            )
        ],
        "changes": PhaseChange.objects.filter(submission=submission).select_related("actor")[:100],
        "sptjm": current_sptjm(submission),
        "signed": current_signed(submission),
        "signed_history": SignedSptjm.objects.filter(submission=submission).select_related("uploaded_by"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "extend_form": forms.get("extend_form") or ExtendDeadlineForm(),
        "upload_form": forms.get("upload_form") or SignedUploadForm(),
    }
    return render(request, "verification/national_agency.html", context, status=status)


@national_admin_required
def agency(request: HttpRequest, pk: int) -> HttpResponse:
    return _agency_page(request, _submission(pk))


@require_POST
@national_admin_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            submission_reopen(
                submission_id=submission.pk,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            refuse_field(form, exc)
        else:
            messages.success(
                request,
                _("%(agency)s is open again; its staff were told by e-mail.") % {"agency": submission.agency},
            )
            return redirect("national:agency", pk=submission.pk)
    submission.refresh_from_db()
    return _agency_page(request, submission, status=400, reopen_form=form)


@require_POST
@national_admin_required
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    form = ExtendDeadlineForm(request.POST)
    if form.is_valid():
        try:
            submission_extend_deadline(
                submission_id=submission.pk, actor=request.user, ip=client_ip(request), **form.cleaned_data
            )
        except ValidationError as exc:
            refuse_field(form, exc)
        else:
            messages.success(request, _("The deadline was extended for this agency."))
            return redirect("national:agency", pk=submission.pk)
    return _agency_page(request, submission, status=400, extend_form=form)


@require_POST
@national_admin_required
def sptjm_replace(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    form = SignedUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sptjm_upload_signed(
                submission_id=submission.pk,
                upload=form.cleaned_data["file"],
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("The signed SPTJM was stored."))
            return redirect("national:agency", pk=submission.pk)
    submission.refresh_from_db()
    return _agency_page(request, submission, status=400, upload_form=form)


@national_admin_required
def signed_download(request: HttpRequest, pk: int, signed_pk: int) -> HttpResponse:
    signed = get_object_or_404(SignedSptjm, pk=signed_pk, submission_id=pk)
    return FileResponse(
        signed.file.open("rb"),
        as_attachment=True,
        filename=f"SPTJM-{signed.pk}.pdf",
        content_type="application/pdf",
    )


@national_admin_required
def sptjm_download(request: HttpRequest, pk: int, sptjm_pk: int) -> HttpResponse:
    sptjm = get_object_or_404(Sptjm, pk=sptjm_pk, submission_id=pk, status=Sptjm.Status.DONE)
    if not sptjm.file:
        raise Http404
    return FileResponse(
        sptjm.file.open("rb"),
        as_attachment=True,
        filename=f"SPTJM-{sptjm.pk}.pdf",
        content_type="application/pdf",
    )

"""The agency portal's "Finalisasi" pages: prefinalise, finalise, generate and upload the SPTJM.

Every agency user reads them; only the agency admin acts (the services check the role again).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import agency_staff_required, client_ip, user_agency
from accounts.models import Role
from registry.models import AgencySubmission, Status, WorkerRecord
from registry.portal import active_period
from registry.services.phase import submission_for
from verification import blockers
from verification.forms_phases import SignedUploadForm, SptjmForm, refuse_field
from verification.models import PhaseChange, SignedSptjm, Sptjm
from verification.services.phases import (
    awaiting_revision,
    public_test_end_if_prefinalised,
    submission_finalise,
    submission_prefinalise,
    undecided_records,
)
from verification.services.sptjm import (
    ANNEX_STATUSES,
    current_signed,
    current_sptjm,
    sptjm_start,
    sptjm_upload_signed,
    status_counts,
)
from verification.tasks import build_sptjm

Phase = AgencySubmission.Phase
ADMIN = frozenset({Role.AGENCY_ADMIN})
LISTED = 50  # records listed by name on the summary pages (with the total beside them)
NOT_SUBMITTED = [Status.REGISTERED, Status.ACCOUNT_CREATED]


def _submission(request: HttpRequest) -> AgencySubmission:
    """The user's own agency's submission in the active period (the page's only object)."""
    return submission_for(agency=user_agency(request.user), period=active_period())


def _records(submission: AgencySubmission, statuses: list[str]):
    return WorkerRecord.objects.filter(
        agency_id=submission.agency_id, period_id=submission.period_id, status__in=statuses
    ).order_by("full_name", "id")


def _context(request: HttpRequest, submission: AgencySubmission, **extra) -> dict:
    counts = status_counts(submission)
    undecided = undecided_records(submission).order_by("submitted_at", "id")
    not_submitted = _records(submission, NOT_SUBMITTED)
    revision = awaiting_revision(submission).order_by("full_name", "id")
    context = {
        "submission": submission,
        "agency": submission.agency,
        "period": submission.period,
        "is_admin": request.user.role == Role.AGENCY_ADMIN,
        "counts": [(Status(s), counts[s]) for s in Status],
        "active_total": sum(counts[s] for s in ANNEX_STATUSES),
        "undecided": undecided[:LISTED],
        "undecided_total": counts[Status.SUBMITTED],
        "not_submitted": not_submitted[:LISTED],
        "not_submitted_total": sum(counts[s] for s in NOT_SUBMITTED),
        "revision": revision[:LISTED],
        "revision_total": counts[Status.NEEDS_REVISION],
        # The one window rule (registry); before prefinalisation, when it would end if started now.
        "window": submission.public_test_window(),
        "window_if_now": public_test_end_if_prefinalised(submission),
        "deadlines": [
            (_("Input deadline"), submission.deadline("input")),
            (_("Correction deadline"), submission.deadline("correction")),
            (_("Finalisation deadline"), submission.deadline("finalisation")),
        ],
        "finalisation_open": submission.before_deadline("finalisation"),
        "changes": PhaseChange.objects.filter(submission=submission).select_related("actor")[:50],
        "sptjm": current_sptjm(submission),
        "signed": current_signed(submission),
    }
    context.update(extra)
    return context


@agency_staff_required
def overview(request: HttpRequest) -> HttpResponse:
    submission = _submission(request)
    return render(
        request,
        "verification/phase_overview.html",
        _context(
            request,
            submission,
            objections=blockers.objections(submission) if submission.phase == Phase.PREFINALISED else [],
            sptjm_form=SptjmForm(),
            upload_form=SignedUploadForm(),
        ),
    )


def _move(request: HttpRequest, service, template: str, success) -> HttpResponse:
    submission = _submission(request)
    objections = blockers.objections(submission) if template.endswith("finalise.html") else []
    if request.method == "POST":
        try:
            moved = service(submission_id=submission.pk, actor=request.user, ip=client_ip(request))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success(moved) if callable(success) else success)
            return redirect("phases:overview")
        submission.refresh_from_db()
    return render(
        request,
        template,
        _context(request, submission, objections=objections),
        status=400 if request.method == "POST" else 200,
    )


@agency_staff_required(roles=ADMIN)
def prefinalise(request: HttpRequest) -> HttpResponse:
    return _move(
        request,
        submission_prefinalise,
        "verification/phase_prefinalise.html",
        _prefinalised_message,
    )


def _prefinalised_message(submission: AgencySubmission) -> str:
    """Tells the agency at prefinalisation when it may finalise (the window's end, from the one rule)."""
    window = submission.public_test_window()
    return _(
        "The agency is prefinalised: worker data and registrations are locked; the public test runs until "
        "%(closes)s WIB. The agency can be finalised from then until the finalisation deadline (%(deadline)s)."
    ) % {
        "closes": timezone.localtime(window.closes).strftime("%d-%m-%Y %H:%M"),
        "deadline": timezone.localtime(submission.deadline("finalisation")).strftime("%d-%m-%Y %H:%M"),
    }


@agency_staff_required(roles=ADMIN)
def finalise(request: HttpRequest) -> HttpResponse:
    return _move(
        request,
        submission_finalise,
        "verification/phase_finalise.html",
        _("The agency is finalised: decisions are locked. Generate the SPTJM for the agency head to sign."),
    )


@require_POST
@agency_staff_required(roles=ADMIN)
def sptjm_generate(request: HttpRequest) -> HttpResponse:
    submission = _submission(request)
    form = SptjmForm(request.POST)
    if form.is_valid():
        try:
            sptjm = sptjm_start(submission_id=submission.pk, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            refuse_field(form, exc)
        else:
            transaction.on_commit(lambda: build_sptjm.enqueue(sptjm.pk))
            messages.success(request, _("The SPTJM is being generated; this page shows its progress."))
            return redirect("phases:overview")
    return render(
        request,
        "verification/phase_overview.html",
        _context(request, submission, objections=[], sptjm_form=form, upload_form=SignedUploadForm()),
        status=400,
    )


def _own_sptjm(request: HttpRequest, pk: int) -> Sptjm:
    return get_object_or_404(Sptjm, pk=pk, submission=_submission(request))


@agency_staff_required
def sptjm_progress(request: HttpRequest, pk: int) -> JsonResponse:
    sptjm = _own_sptjm(request, pk)
    return JsonResponse(
        {
            "status": sptjm.status,
            "status_label": sptjm.get_status_display(),
            "percent": sptjm.percent,
            "processed": sptjm.processed_rows,
            "total": sptjm.total_rows,
            "finished": sptjm.is_finished,
        }
    )


@agency_staff_required
def sptjm_download(request: HttpRequest, pk: int) -> HttpResponse:
    sptjm = _own_sptjm(request, pk)
    if sptjm.status != Sptjm.Status.DONE or not sptjm.file:
        raise Http404
    return FileResponse(
        sptjm.file.open("rb"),
        as_attachment=True,
        filename=f"SPTJM-{sptjm.submission.agency.code}.pdf",
        content_type="application/pdf",
    )


@require_POST
@agency_staff_required(roles=ADMIN)
def sptjm_upload(request: HttpRequest) -> HttpResponse:
    submission = _submission(request)
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
            messages.success(
                request, _("The signed SPTJM was received: the agency's data collection is completed.")
            )
            return redirect("phases:overview")
    submission.refresh_from_db()
    return render(
        request,
        "verification/phase_overview.html",
        _context(request, submission, objections=[], sptjm_form=SptjmForm(), upload_form=form),
        status=400,
    )


@agency_staff_required
def signed_download(request: HttpRequest, pk: int) -> HttpResponse:
    signed = get_object_or_404(SignedSptjm, pk=pk, submission=_submission(request))
    return FileResponse(
        signed.file.open("rb"),
        as_attachment=True,
        filename=f"SPTJM-ditandatangani-{signed.submission.agency.code}.pdf",
        content_type="application/pdf",
    )

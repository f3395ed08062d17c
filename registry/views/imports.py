"""The agency portal's XLSX import pages: template download, upload, progress, re-run, refused rows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import agency_staff_required, get_for_agency, scoped, user_agency
from registry.forms import ImportUploadForm
from registry.models import ImportJob
from registry.portal import active_period
from registry.services.imports import (
    INLINE_MAX_BYTES,
    import_rerun,
    import_run,
    import_start,
    import_template,
)
from registry.services.phase import CLOSED_CODES, agency_write_permission, submission_for
from registry.tasks import run_import

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@agency_staff_required
def import_template_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(import_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="template-impor-tenaga-non-asn.xlsx"'
    return response


def _recent_jobs(user):
    """The agency's last 20 imports, without their error lists (not shown in the list)."""
    return scoped(user, ImportJob.objects.select_related("created_by").defer("errors", "skipped"))[:20]


@agency_staff_required
def import_list(request: HttpRequest) -> HttpResponse:
    period = active_period()
    agency = user_agency(request.user)
    # The rule the import's own guard applies (phase, then input deadline), read before anything is chosen.
    permission = agency_write_permission(submission_for(agency=agency, period=period), period=period)
    return render(
        request,
        "registry/import_list.html",
        {
            "form": ImportUploadForm(),
            "jobs": _recent_jobs(request.user),
            "is_open": permission.allowed,
            "closed_message": permission.reason,
            "can_write": request.user.can_write_agency_data,
        },
    )


@agency_staff_required(write=True)
def import_upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("registry:import-list")
    period = active_period()
    agency = user_agency(request.user)
    form = ImportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_start(agency=agency, period=period, upload=upload, actor=request.user)
        except ValidationError as exc:
            if getattr(exc, "code", None) in CLOSED_CODES:
                # Closed meanwhile: the import page now says why in place of the upload form (once,
                # not again as an error above it).
                return redirect("registry:import-list")
            form.add_error("file", exc)
        else:
            if upload.size <= INLINE_MAX_BYTES:
                import_run(job_id=job.pk)  # small files: the result right away
            else:
                transaction.on_commit(lambda: run_import.enqueue(job.pk))
            return redirect("registry:import-detail", pk=job.pk)
    messages.error(request, _("The file was not imported."))
    return render(
        request,
        "registry/import_list.html",
        {
            "form": form,
            "jobs": _recent_jobs(request.user),
            "is_open": True,
            "can_write": True,
        },
        status=400,
    )


@agency_staff_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_for_agency(request.user, ImportJob.objects.select_related("created_by"), pk=pk)
    return render(
        request, "registry/import_detail.html", {"job": job, "can_write": request.user.can_write_agency_data}
    )


@agency_staff_required(write=True)
@require_POST
def import_rerun_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Jalankan lagi": an interrupted import goes back to the queue (rows already saved are skipped)."""
    job = get_for_agency(request.user, ImportJob, pk=pk)
    try:
        import_rerun(job_id=job.pk, agency=user_agency(request.user), actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        transaction.on_commit(lambda: run_import.enqueue(job.pk))
        messages.success(request, _("The import was queued again; rows already saved will be skipped."))
    return redirect("registry:import-detail", pk=job.pk)


@agency_staff_required
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    # Polled every second or so: the error lists (up to 2,000 entries each) stay in the database.
    job = get_for_agency(request.user, ImportJob.objects.defer("errors", "skipped"), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "percent": job.percent,
            "processed": job.processed_rows,
            "total": job.total_rows,
            "valid": job.valid_rows,
            "refused": job.refused_rows,
            "skipped": job.skipped_rows,
            "finished": job.is_finished,
        }
    )


@agency_staff_required
def import_refused_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_for_agency(request.user, ImportJob, pk=pk)
    if not job.refused_file:
        raise Http404
    return FileResponse(
        job.refused_file.open("rb"),
        as_attachment=True,
        filename=f"baris-ditolak-{job.pk}.xlsx",
        content_type=XLSX,
    )

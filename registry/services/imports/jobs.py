"""An import job's life: stored from the upload, claimed by one process, run, ended by the sweep
when its worker is gone, put back in the queue by "Jalankan lagi". The rows themselves: `batch`."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Agency, AuditAction, AuditEvent, ImportJob, Period
from registry.services.imports.archive import ImportRefused, check_archive, check_upload
from registry.services.imports.batch import import_sheet, require_open
from registry.services.imports.parse import open_sheet

logger = logging.getLogger(__name__)

# Files up to this size are imported during the request; bigger ones by the background worker.
INLINE_MAX_BYTES = 150 * 1024


def worker_name() -> str:
    """This process, as a job's lease owner (computed each time: a forked worker has its own pid)."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def interrupted_message() -> str:
    return _(
        "The import was interrupted (the task worker stopped or lost the database). Rows saved so far are "
        "kept. Press “Run again” to import the rest; rows already saved will be skipped."
    )


# --- The job's life ----------------------------------------------------------------------------


@transaction.atomic
def import_start(*, agency: Agency, period: Period, upload: UploadedFile, actor: Any) -> ImportJob:
    """Store the upload as an import job; the caller runs it inline or enqueues it."""
    require_open(agency=agency, period=period)
    check_upload(upload)
    job = ImportJob(agency=agency, period=period, created_by=actor, original_name=upload.name[:200])
    job.file.save("upload.xlsx", upload, save=False)
    job.save()
    AuditEvent.log(actor=actor, action=AuditAction.IMPORT_UPLOAD, obj=job, after={"file": job.original_name})
    return job


def import_claim(*, job_id: int) -> bool:
    """Take a pending job for this process (healthchecks' idiom): a re-delivered task, or a second
    worker, finds it taken and does nothing."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        lease_owner=worker_name(),
        attempts=F("attempts") + 1,
    )
    return claimed == 1


@transaction.atomic
def import_rerun(*, job_id: int, agency: Agency, actor: Any) -> ImportJob:
    """Put an interrupted job back in the queue ("Jalankan lagi"); the caller enqueues it."""
    job = ImportJob.objects.select_for_update().get(pk=job_id, agency=agency)
    if job.status != ImportJob.Status.FAILED or not job.can_retry:
        raise ValidationError(_("Only an interrupted import can be run again."))
    require_open(agency=job.agency, period=job.period)
    job.status = ImportJob.Status.PENDING
    job.message = ""
    job.can_retry = False
    job.finished_at = None
    job.processed_rows = job.valid_rows = job.refused_rows = job.skipped_rows = job.total_rows = 0
    job.errors, job.skipped = [], []
    if job.refused_file:
        job.refused_file.delete(save=False)
    job.save()
    AuditEvent.log(actor=actor, action=AuditAction.IMPORT_RERUN, obj=job, after={"attempt": job.attempts + 1})
    return job


def import_jobs_reap(*, owner: str | None = None, now: dt.datetime | None = None) -> int:
    """End as failed (to be run again) every running job whose worker is gone: its heartbeat is
    older than the lease, or its owner is `owner` (a worker that has just lost the database while
    running it). Returns how many were ended."""
    now = now or timezone.now()
    stale = Q(heartbeat_at__lt=now - ImportJob.LEASE) | Q(
        heartbeat_at__isnull=True, started_at__lt=now - ImportJob.LEASE
    )
    if owner:
        stale |= Q(lease_owner=owner)
    ended = ImportJob.objects.filter(stale, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED, message=interrupted_message(), can_retry=True, finished_at=now
    )
    if ended:
        logger.warning("%d interrupted import job(s) marked as failed", ended)
    return ended


def import_run(*, job_id: int) -> ImportJob:
    """Import one uploaded file, if this process can claim it. Valid rows are saved in batches;
    refused ones are reported; rows the agency already holds are skipped."""
    if not import_claim(job_id=job_id):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("agency", "period", "created_by").get(pk=job_id)
    try:
        with job.file.open("rb") as fh:
            check_archive(fh)
            wb, ws = open_sheet(fh)
            try:
                import_sheet(job, ws)
            finally:
                wb.close()
    except ImportRefused as exc:
        _finish_failed(job, str(exc), can_retry=False)
    except (OperationalError, InterfaceError):
        # The connection is likely gone: nothing more can be written now. The task worker ends the
        # job (import_jobs_reap) once the database is back.
        raise
    except Exception:
        _finish_failed(
            job,
            _("The import stopped because of an internal error. Rows saved so far are kept."),
            can_retry=True,
        )
        raise
    return job


def _finish_failed(job: ImportJob, message: str, *, can_retry: bool) -> None:
    job.status, job.message, job.finished_at, job.can_retry = (
        ImportJob.Status.FAILED,
        message,
        timezone.now(),
        can_retry,
    )
    job.save(update_fields=["status", "message", "finished_at", "can_retry"])

"""XLSX imports: one uploaded file and how its import went."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models.agencies import Agency, Period


def import_upload_path(instance: ImportJob, filename: str) -> str:
    return f"imports/{uuid.uuid4().hex}.xlsx"


def import_refused_path(instance: ImportJob, filename: str) -> str:
    return f"imports/refused-{uuid.uuid4().hex}.xlsx"


class ImportJobQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> ImportJobQuerySet:
        return self.filter(agency=agency)


class JobProgress:
    """Progress of a background job with `status` (Status.DONE / FAILED end it), `total_rows` and
    `processed_rows`, as its page polls it (imports here; the SPTJM in verification)."""

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        # 100 only once finished: the last rows' work (flags, files) still follows the count.
        return min(99, int(self.processed_rows * 100 / self.total_rows))


class ImportJob(JobProgress, models.Model):
    """One uploaded XLSX file and how its import went (polled by the progress page)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    # Errors kept on the row for the result page; the full list is in the refused-rows file.
    MAX_STORED_ERRORS = 2000
    # A running job whose heartbeat is older than this has lost its worker (died, or lost the
    # database): the task worker's sweep ends it as failed, to be run again by the operator.
    LEASE = dt.timedelta(minutes=2)

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="import_jobs")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(upload_to=import_upload_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    refused_rows = models.PositiveIntegerField(default=0)
    # Rows whose NIK the agency already holds (a re-upload): neither saved nor refused.
    skipped_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    skipped = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    refused_file = models.FileField(upload_to=import_refused_path, max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Who runs it ("host:pid") and when it last showed life (claim, every batch).
    lease_owner = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Failed by an interruption (lost worker or database, internal error), not by the file itself:
    # the operator may run it again; rows already saved are then skipped.
    can_retry = models.BooleanField(default=False)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            models.Index(fields=["agency", "-created_at"], name="importjob_agency_created"),
            models.Index(
                fields=["heartbeat_at"], condition=Q(status="running"), name="importjob_running_heartbeat"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]),
                name="importjob_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")) | Q(total_rows=0),
                name="importjob_processed_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

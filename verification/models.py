"""Verification's own records: each agency's phase changes, its SPTJM, and the national tallies."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import AgencySubmission
from registry.models.imports import JobProgress

Phase = AgencySubmission.Phase


class PhaseChange(models.Model):
    """One move of an agency's submission between phases (like django-oscar's OrderStatusChange)."""

    submission = models.ForeignKey(AgencySubmission, on_delete=models.PROTECT, related_name="phase_changes")
    from_phase = models.CharField(_("from"), max_length=15, choices=Phase.choices)
    to_phase = models.CharField(_("to"), max_length=15, choices=Phase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        indexes = [models.Index(fields=["submission", "-created_at"], name="phasechange_submission_time")]
        constraints = [
            models.CheckConstraint(condition=~Q(from_phase=models.F("to_phase")), name="phasechange_moves")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.from_phase} → {self.to_phase}"


def sptjm_generated_path(instance: Sptjm, filename: str) -> str:
    return f"sptjm/generated/{uuid.uuid4().hex}.pdf"


def sptjm_signed_path(instance: SignedSptjm, filename: str) -> str:
    return f"sptjm/signed/{uuid.uuid4().hex}.pdf"


class Sptjm(JobProgress, models.Model):
    """One generated SPTJM (statement + annexed list) for the agency head to sign; built in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    submission = models.ForeignKey(AgencySubmission, on_delete=models.PROTECT, related_name="sptjms")
    ppk_name = models.CharField(_("name of the agency head (PPK)"), max_length=150)
    ppk_nip = models.CharField(_("NIP of the agency head"), max_length=18)
    ppk_position = models.CharField(_("position of the agency head"), max_length=150)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    counts = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=sptjm_generated_path, max_length=200, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SPTJM")
        verbose_name_plural = _("SPTJM")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed"]), name="sptjm_status_valid"
            ),
            models.CheckConstraint(condition=Q(ppk_nip__regex=r"^[0-9]{18}$"), name="sptjm_nip_18_digits"),
        ]

    def __str__(self) -> str:
        return f"SPTJM {self.submission} ({self.get_status_display()})"


class SignedSptjm(models.Model):
    """The uploaded scan of the signed SPTJM. One current per submission; replaced ones stay as history."""

    submission = models.ForeignKey(AgencySubmission, on_delete=models.PROTECT, related_name="signed_sptjms")
    sptjm = models.ForeignKey(Sptjm, on_delete=models.PROTECT, null=True, blank=True, related_name="signed")
    file = models.FileField(upload_to=sptjm_signed_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("signed SPTJM")
        verbose_name_plural = _("signed SPTJM")
        constraints = [
            models.UniqueConstraint(
                fields=["submission"], condition=Q(superseded_at__isnull=True), name="signedsptjm_one_current"
            ),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="signedsptjm_sha256"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

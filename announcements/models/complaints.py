"""Complaints (aduan) about a listed person and reports of a worker missing from the list.

Both are filed by the public during an agency's public test and answered by the agency; one table
holds both (`kind`), so the agency has one queue, the public one ticket format and finalisation one
blocker. The complainant's NIK is never stored: only a keyed hash (to limit filings per NIK) and
the masked form (to show the agency who complained). A report's NIK is the missing worker's, kept
whole for the agency to find or register them, and shown only in the agency portal.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import Agency, Period, WorkerRecord


class ComplaintAuditAction(models.TextChoices):
    """The announcements app's audit actions (registered with registry's timeline in ready())."""

    COMPLAINT_FILED = "complaint:filed", _("Complaint filed by the public")
    REPORT_FILED = "complaint:report_filed", _("Report of a worker missing from the list filed")
    COMPLAINT_ACCEPTED = "complaint:accepted", _("Complaint accepted by the agency")
    COMPLAINT_REJECTED = "complaint:rejected", _("Complaint rejected by the agency")


def evidence_path(instance: Complaint, filename: str) -> str:
    # Random names: the stored file's name says nothing about the complainant.
    return f"complaints/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class ComplaintQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> ComplaintQuerySet:
        return self.filter(agency=agency)

    def open(self) -> ComplaintQuerySet:
        return self.filter(status=Complaint.Status.OPEN)


class Complaint(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint about a listed person")
        UNLISTED = "unlisted", _("Not listed")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the agency's answer")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    ticket = models.CharField(_("ticket number"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="complaints")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="complaints")

    # The person the complaint is about: the listed record (kept if the record goes) with its name
    # and masked NIK as the public saw them; for a report, the missing worker as entered.
    record = models.ForeignKey(
        WorkerRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    subject_name = models.CharField(_("name"), max_length=150)
    subject_nik_masked = models.CharField(_("NIK (masked)"), max_length=16)
    reported_nik = models.CharField(_("NIK"), max_length=16, blank=True)

    # Who filed it.
    complainant_name = models.CharField(_("complainant's name"), max_length=150)
    complainant_nik_masked = models.CharField(_("complainant's NIK (masked)"), max_length=16, blank=True)
    nik_hash = models.CharField(max_length=64, help_text="keyed hash of the NIK given by the filer")
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("mobile phone"), max_length=20)
    description = models.TextField(_("description"))
    evidence = models.FileField(upload_to=evidence_path, max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=50, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    # The agency's answer.
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["agency", "period", "status", "created_at"], name="complaint_queue"),
            models.Index(fields=["ip", "created_at"], name="complaint_ip_time"),
            models.Index(fields=["nik_hash", "created_at"], name="complaint_nik_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["complaint", "unlisted"]), name="complaint_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open", answered_at__isnull=True)
                | (Q(status__in=["accepted", "rejected"]) & Q(answered_at__isnull=False) & ~Q(answer="")),
                name="complaint_answered_with_text",
            ),
            models.CheckConstraint(
                condition=Q(kind="complaint", reported_nik="")
                | Q(kind="unlisted", reported_nik__regex=r"^\d{16}$"),
                name="complaint_reported_nik_only_in_reports",
            ),
        ]

    def __str__(self) -> str:
        return self.ticket

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

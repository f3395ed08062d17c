"""Documents a worker uploads (stored under random names, served only through access checks)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models.records import WorkerRecord


def document_path(instance: Document, filename: str) -> str:
    # Random names: a stored file's name reveals neither the person nor the kind of document.
    return f"documents/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


ALLOWED_CONTENT_TYPES = ["image/jpeg", "image/png", "application/pdf"]


class DocumentQuerySet(models.QuerySet):
    def for_agency(self, agency) -> DocumentQuerySet:
        return self.filter(record__agency=agency)


class Document(models.Model):
    class Kind(models.TextChoices):
        KTP = "ktp", _("KTP (or Dukcapil letter)")
        KK = "kk", _("Family card (KK)")
        PHOTO = "photo", _("Passport photo (blue background)")
        SELFIE = "selfie", _("Selfie")
        DIPLOMA = "diploma", _("Diploma")
        SK = "sk", _("Appointment decree (SK)")
        PAY_PROOF = "pay_proof", _("Proof of pay")

    record = models.ForeignKey(WorkerRecord, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=document_path, max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=50)
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the stored file")
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "kind"],
                name="document_one_per_kind",
                violation_error_message=_("This document was uploaded at the same time. Try again."),
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=ALLOWED_CONTENT_TYPES),
                name="document_content_type_allowed",
                violation_error_message=_("Upload a JPEG, PNG or PDF file."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

"""The verification app's audit actions with their timeline labels (registered with the registry's trail)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationAuditAction(models.TextChoices):
    PHASE_OPEN = "phase:open", _("Agency reopened")
    PHASE_PREFINALISED = "phase:prefinalised", _("Agency prefinalised (public test)")
    PHASE_FINALISED = "phase:finalised", _("Agency finalised")
    PHASE_COMPLETED = "phase:completed", _("Agency completed (SPTJM uploaded)")
    DEADLINE_INPUT = "deadline:input", _("Input deadline extended")
    DEADLINE_CORRECTION = "deadline:correction", _("Correction deadline extended")
    DEADLINE_FINALISATION = "deadline:finalisation", _("Finalisation deadline extended")
    SPTJM_REQUEST = "sptjm:request", _("SPTJM requested")
    SPTJM_GENERATE = "sptjm:generate", _("SPTJM generated")
    SPTJM_UPLOAD = "sptjm:upload", _("Signed SPTJM uploaded")
    SPTJM_REPLACE = "sptjm:replace", _("Signed SPTJM replaced")
    NATIONAL_EXPORT_CSV = "national:export:csv", _("National desk exported (CSV)")
    NATIONAL_EXPORT_XLSX = "national:export:xlsx", _("National desk exported (XLSX)")

    @classmethod
    def for_phase(cls, phase: str) -> VerificationAuditAction:
        return cls(f"phase:{phase}")

    @classmethod
    def for_deadline(cls, kind: str) -> VerificationAuditAction:
        return cls(f"deadline:{kind}")

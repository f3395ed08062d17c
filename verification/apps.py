"""The verification app: decisions, the verification queue, phases, SPTJM, the national desk.

Ready registers its audit actions with the registry; side effects hang on named signals, not here."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Verification")

    def ready(self) -> None:
        from registry.models import register_audit_actions
        from verification.audit import VerificationAuditAction

        register_audit_actions(VerificationAuditAction)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Verification")

    def ready(self) -> None:
        from registry.models import register_audit_actions
        from verification.audit import VerificationAuditAction

        register_audit_actions(VerificationAuditAction)
        # The agency dashboard reads its counts from the tally the database triggers keep.
        from registry.services.counts import register_counts_source
        from verification.services.national import tally_agency_counts

        register_counts_source(tally_agency_counts)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "announcements"
    verbose_name = _("Announcements")

    def ready(self) -> None:
        from announcements.models import ComplaintAuditAction
        from announcements.services.complaints import open_complaints_blocker
        from registry.models import register_audit_actions
        from verification.blockers import register_blocker

        register_audit_actions(ComplaintAuditAction)
        # Finalisation is refused while the agency has unanswered complaints.
        register_blocker(open_complaints_blocker)

"""The announcements app: published lists, status and card checks, complaints.

Ready wires it to the other apps (publishing on a phase change, its finalisation blockers, its
audit actions); the rules themselves live in its services, not here."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "announcements"
    verbose_name = _("Announcements")

    def ready(self) -> None:
        from announcements.models import ComplaintAuditAction
        from announcements.services.complaints.answering import open_complaints_blocker
        from announcements.services.publish import on_phase_changed
        from announcements.services.window import public_test_not_ended_blocker
        from registry.models import register_audit_actions
        from verification.blockers import register_blocker
        from verification.signals import submission_phase_changed

        # Lists are published when verification moves an agency (prefinalised, finalised, completed).
        submission_phase_changed.connect(on_phase_changed, dispatch_uid="announcements.publish_on_phase")
        register_audit_actions(ComplaintAuditAction)
        # Finalisation is refused while the agency has unanswered complaints.
        register_blocker(open_complaints_blocker)
        # … and until the public test window has ended (the public has every day of it).
        register_blocker(public_test_not_ended_blocker)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "announcements"
    verbose_name = _("Announcements")

    def ready(self) -> None:
        from announcements.services.publish import on_phase_changed
        from verification.signals import submission_phase_changed

        submission_phase_changed.connect(on_phase_changed, dispatch_uid="announcements.publish_on_phase")

"""The registry app: agencies, periods, worker records, documents, eligibility rules, audit, the agency portal."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from registry.services import memos  # noqa: F401  (a saved period or unit renews the pages' memos)

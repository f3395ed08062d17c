from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        import logging

        from accounts import signals  # noqa: F401  (status-change e-mails)

        # WeasyPrint logs every rendering step at INFO; card PDFs would flood the log.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

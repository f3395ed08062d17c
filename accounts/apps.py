"""The accounts app: users and roles, access helpers, staff and worker logins, worker self-registration."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        import logging

        from accounts import (
            middleware,  # noqa: F401  (a login stamps its session's start, always)
            signals,  # noqa: F401  (status-change e-mails, login kept in step)
        )
        from accounts.audit import AccountAuditAction
        from registry.models import register_audit_actions

        register_audit_actions(AccountAuditAction)

        # WeasyPrint logs every rendering step at INFO; card PDFs would flood the log.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

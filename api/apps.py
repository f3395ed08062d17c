"""The API app: the HR-system API (`/api/v1/`). Ready registers its audit actions; nothing else."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from api.models import ApiAuditAction
        from registry.models.audit import register_audit_actions

        register_audit_actions(ApiAuditAction)

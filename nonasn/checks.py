"""Deployment checks (`manage.py check --deploy`): settings production must not run without."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):
    if getattr(settings, "SECRET_KEY_MISSING", False):
        return [
            Error(
                "SECRET_KEY is not set.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="nonasn.E001",
            )
        ]
    return []


def refuse_to_serve_without_secret_key() -> None:
    from django.core.exceptions import ImproperlyConfigured

    if settings.SECRET_KEY_MISSING and not settings.DEBUG:
        raise ImproperlyConfigured("Set the SECRET_KEY environment variable (required when DEBUG is off).")

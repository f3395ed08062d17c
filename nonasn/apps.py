"""The project package's app: registers the deployment checks and masks NIK/KK in every log handler."""

from django.apps import AppConfig


class NonasnConfig(AppConfig):
    name = "nonasn"
    verbose_name = "Pendataan Non-ASN"

    def ready(self) -> None:
        from nonasn import checks  # noqa: F401  (registers the deploy checks)
        from nonasn.logging import mask_every_handler

        mask_every_handler()

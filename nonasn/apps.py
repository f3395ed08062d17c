from django.apps import AppConfig


class NonasnConfig(AppConfig):
    name = "nonasn"
    verbose_name = "Pendataan Non-ASN"

    def ready(self) -> None:
        from nonasn import checks  # noqa: F401  (registers the deploy checks)
        from nonasn.logging import mask_every_handler
        from nonasn.template_i18n import install

        mask_every_handler()
        install()  # literal {% translate %} tags rendered once per language

"""The demo app: `manage.py seed_demo` and its data. No app imports it."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`manage.py seed_demo`): the one place that may use every app, since it plays
    the whole process through each app's services. No app imports it."""

    name = "demo"
    verbose_name = "Demo"

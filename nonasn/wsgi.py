"""WSGI entry point for gunicorn (`make serve`, deploy/)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nonasn.settings")
application = get_wsgi_application()

from nonasn.checks import refuse_to_serve_without_secret_key  # noqa: E402

refuse_to_serve_without_secret_key()

"""Settings of the public-list benchmark's gunicorn: production-like (DEBUG off), over `nonasn_bench`.

No HTTPS redirect (wrk speaks plain HTTP on loopback), plain static files (no manifest needed),
persistent database connections (as a deployment sets CONN_MAX_AGE), and the benchmark's own URLs
(a minimal view, the admin changelist of the snapshot rows) besides the site's.
The app keeps no page cache (nginx's cache in front is measured by bench/bench_nginx.py): every page
is rendered, its rows read from the database; a numbered version's metadata comes from the cache, as
it does in production.
"""

from bench._logging import errors_only
from nonasn.settings import *  # noqa: F403
from nonasn.settings import DATABASES, LOGGING, STORAGES

DEBUG = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench._public_urls"
DATABASES["default"]["NAME"] = "nonasn_bench"
DATABASES["default"]["CONN_MAX_AGE"] = 600
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
LOGGING = errors_only(LOGGING)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 10000}}
}

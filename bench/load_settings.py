"""Settings of the load benchmark's server (bench_load.py): the production settings of
nonasn/settings.py with DEBUG off, apart from HTTPS (the benchmark speaks plain HTTP on loopback),
on the benchmark database, with one extra URL that answers "ok" (bench/load_urls.py)."""

from bench.generate import BENCH_DB
from nonasn.settings import *  # noqa: F403
from nonasn.settings import BASE_DIR, DATABASES, DEBUG

assert not DEBUG, "the load benchmark measures production settings: unset DEBUG"
DATABASES["default"]["NAME"] = BENCH_DB
ROOT_URLCONF = "bench.load_urls"
STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # collectstatic's manifest, as `make serve` makes
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

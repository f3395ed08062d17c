"""Settings of the nginx benchmark's gunicorn: the production settings (DEBUG off, the cache in Redis
through REDIS_URL, persistent connections) over the benchmark's database `nonasn_bench`.

Only what a loopback run without TLS needs differs: nginx speaks plain HTTP here (TLS ends at the
load balancer in the deployment this measures), so no HTTPS redirect and no HSTS.
"""

import os

from bench._logging import errors_only
from nonasn.settings import *  # noqa: F403
from nonasn.settings import DATABASES, LOGGING

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
DATABASES["default"]["NAME"] = "nonasn_bench"
if os.environ.get("BENCH_DB_HOST"):
    # The app of another checkout (BENCH_NGINX_APP_DIR) over this checkout's running server.
    DATABASES["default"].update(
        ENGINE="django.db.backends.postgresql",
        HOST=os.environ["BENCH_DB_HOST"],
        PORT=os.environ["BENCH_DB_PORT"],
        USER=os.environ["BENCH_DB_USER"],
    )
LOGGING = errors_only(LOGGING)

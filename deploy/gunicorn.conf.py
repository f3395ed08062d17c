"""gunicorn settings for the app servers (`gunicorn -c deploy/gunicorn.conf.py nonasn.wsgi:application`).

Everything comes from the environment, so one file serves every machine:
- WEB_CONCURRENCY: worker processes (gunicorn reads it itself; default here 2 x CPU + 1);
- BIND: address to listen on (default 0.0.0.0:8000; the load balancer connects here);
- GUNICORN_TIMEOUT: seconds before a stuck request's worker is replaced (default 60; card PDFs and
  small imports run in the request and take well under a second);
- GUNICORN_MAX_REQUESTS: requests after which a worker is replaced (default 50,000, with 10 % jitter).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory growth of long-lived processes, e.g. WeasyPrint's caches),
# but rarely: a new worker costs about 1 s of CPU (importing Django and the apps, then its first
# requests: connections, templates, translations), while a cached public page costs about 0.6 ms.
# Every 50,000 requests that is at most ~3.5 % on the cheapest page (every 2,000, as before, it was
# ~90 %: page 1 went from 0.6 to 1.0-1.35 ms of CPU and p99 to 1.4-2.3 s); measured by
# `python -m bench recycling`. The jitter keeps the workers from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Errors to stderr (the journal or the container log). No access log here: request lines carry
# query strings (a NIK typed into a search box); the load balancer logs requests, and Django's own
# logging masks NIK/KK in everything the app writes.
errorlog = "-"
accesslog = None
# Behind the load balancer: trust its X-Forwarded-* headers (set BEHIND_PROXY=1 for Django too).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Everything a process would otherwise do on its first requests, done before it accepts one:
    both worker cards drawn once (accounts.cards.warm_up), then the URLconf, the site's templates
    and the languages loaded and what the process holds frozen out of the garbage collector's
    passes (nonasn.warm_up); ~1 s of CPU per worker at start. Only in the site's own app (the
    benchmark's bare WSGI app has no Django apps); a failure here is logged, never a reason for the
    worker not to serve."""
    from django.apps import apps

    if not apps.ready or not apps.is_installed("accounts"):
        return
    from importlib import import_module

    # Older code served with this file (a benchmark's "before" tree) may lack either.
    for module, name in (("accounts.cards", "warm_up"), ("nonasn.warm_up", "warm_up_process")):
        try:
            warm_up = getattr(import_module(module), name)
        except (ImportError, AttributeError):
            continue
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - the first requests would then simply pay for it
            worker.log.exception("Warm-up failed: %s.%s", module, name)

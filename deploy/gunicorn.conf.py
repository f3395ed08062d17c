"""gunicorn settings for the app servers (`gunicorn -c deploy/gunicorn.conf.py nonasn.wsgi:application`).

Everything comes from the environment, so one file serves every machine:
- WEB_CONCURRENCY: worker processes (gunicorn reads it itself; default here 2 x CPU + 1);
- BIND: address to listen on (default 0.0.0.0:8000; the load balancer connects here);
- GUNICORN_TIMEOUT: seconds before a stuck request's worker is replaced (default 60; card PDFs and
  small imports run in the request and take well under a second).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory growth of long-lived processes, e.g. WeasyPrint's caches).
max_requests = 2000
max_requests_jitter = 200
# Errors to stderr (the journal or the container log). No access log here: request lines carry
# query strings (a NIK typed into a search box); the load balancer logs requests, and Django's own
# logging masks NIK/KK in everything the app writes.
errorlog = "-"
accesslog = None
# Behind the load balancer: trust its X-Forwarded-* headers (set BEHIND_PROXY=1 for Django too).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

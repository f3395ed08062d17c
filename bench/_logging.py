"""The benchmark servers' logging: the site's own (masked personal data), errors only, so that an
answer other than the page under load (a 500) leaves its traceback in the server's log."""

from __future__ import annotations


def errors_only(logging: dict) -> dict:
    return {
        **logging,
        "root": {**logging["root"], "level": "ERROR"},
        "loggers": {**logging["loggers"], "django": {"handlers": [], "level": "ERROR", "propagate": True}},
    }

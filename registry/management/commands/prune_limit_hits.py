"""Delete rate-limit hits older than every limit's window (run daily, e.g. from cron or a timer)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from registry.limits import limits_prune

# Longer than the longest window of any limit (complaints: one day).
KEEP = dt.timedelta(days=2)


class Command(BaseCommand):
    help = "Delete rate-limit hits older than every limit's window."

    def handle(self, *args, **options) -> None:
        deleted = limits_prune(before=timezone.now() - KEEP)
        self.stdout.write(f"{deleted} old rate-limit hits deleted")

"""Record today's figures behind /statistik/ (the daily snapshot the page's changes compare with).

Run it once a day, late in the day (Asia/Jakarta), e.g. from cron or the systemd timer in deploy/:
running it again the same day replaces that day's snapshot, so a retry or an hourly schedule is safe.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from announcements.services.statistics import statistics_snapshot
from registry.models import Period


class Command(BaseCommand):
    help = "Record today's counts for the open statistics' change since the previous day."

    def handle(self, *args, **options) -> None:
        period = Period.objects.active()
        if period is None:
            raise CommandError("No active period.")
        agencies = statistics_snapshot(period=period)
        self.stdout.write(f"{period.name}: {agencies} agencies recorded.")

"""The daily snapshot of the counts behind the open statistics (/statistik/).

One row per (period, day, agency): the agency's phase, whether its list was public, and its active
records per status, category and flag (registry.services.counts.period_summary, from the tally) as
they stood when `statistics_snapshot` last ran that day
(Asia/Jakarta). The page compares today's figures with the latest earlier day ("change since the
previous day"); everything it publishes from a snapshot goes through the same suppression.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models import Agency, Period


class StatisticsDay(models.Model):
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(_("phase"), max_length=15)
    list_public = models.BooleanField(_("list public"))
    # {"status": {status: n}, "category": {category: n}, "flag": {flag: n}}
    counts = models.JSONField(_("counts"))
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("daily statistics snapshot")
        verbose_name_plural = _("daily statistics snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "day", "agency"], name="statisticsday_one_per_agency_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}"


class StatisticsBuild(models.Model):
    """The last built tables of /statistik/ for a period (announcements.services.statistics): built
    by the task worker, never in a visitor's request, and read by every app server. `format` is the
    tables' shape (statistics.FORMAT): a row of an older shape is not read."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(_("format"), max_length=10)
    taken_at = models.DateTimeField(_("taken at"))
    baseline_day = models.DateField(_("compared with day"), null=True, blank=True)
    digest = models.CharField(_("digest"), max_length=64)
    tables = models.JSONField(_("tables"))

    class Meta:
        verbose_name = _("built statistics")
        verbose_name_plural = _("built statistics")

    def __str__(self) -> str:
        return f"{self.period_id} {self.taken_at:%Y-%m-%d %H:%M}"

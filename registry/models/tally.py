"""The record tally: worker records counted per (period, agency, status, category, flag).

Registry owns it because it owns the rows it counts: the database triggers of migration 0011 keep
it in step with every insert, update and delete of registry_workerrecord, so every count the
dashboard, the national desk and the open statistics show is read from a few thousand tally rows
instead of a scan of 2.36 million records. The counting rule (which keys one record adds to) is
written once in SQL (registry/tally_sql.py) and once in Python for a fresh count
(registry.services.counts.record_keys); tests/registry/test_tally_rule.py holds the two to the same
answers on generated data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.agencies import Agency, Period

# flag '' is the count of the (status, category) itself; ANY_FLAG the records with at least one flag.
ANY_FLAG = "*"


class RecordTally(models.Model):
    """Every insert, update and delete of worker records appends its net change here (one row per
    changed key and statement); readers sum per key. Rows are folded into one per key from time to
    time (registry.services.counts.tally_compact)."""

    period = models.ForeignKey(
        Period, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("period")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("agency")
    )
    status = models.CharField(_("status"), max_length=20)
    category = models.CharField(_("category"), max_length=10, blank=True)
    flag = models.CharField(_("eligibility flag"), max_length=20, blank=True)
    n = models.BigIntegerField(_("change in the count"))

    class Meta:
        verbose_name = _("record tally")
        verbose_name_plural = _("record tallies")
        indexes = [models.Index(fields=["period", "agency"], name="registry_tally_period_agency")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.status} {self.category} {self.flag or '-'}: {self.n:+d}"

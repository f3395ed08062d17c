"""The record names: each worker record's name, agency and period, and nothing else.

A name search that cannot walk the agency's list in name order (a word whose matches are bunched
late in that order, such as a first name: registry.listing.search_page) reads its matches from a
trigram index and sorts them by name. The index returns where the matches are, not their names,
so every match's row is visited for its name: on the records table (~290 bytes a row) 5,833
matches of "yusuf" in an agency of 140,000 were 5,108 table pages. Here a row is its id, agency,
period and the two forms of the name (~70 bytes): the same matches lie on about a quarter as many
pages, as long as an agency's rows were written together (an import, a registration day).

The rows are the database's: the triggers of migration 0017 write them with every insert, update
of a name, agency or period, delete and truncate of registry_workerrecord, so no write path fills
them, as none fills the records' search_name. Only reads happen here (registry.listing).
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.models.agencies import Agency, Period
from registry.models.records import agency_key


class RecordNameQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> RecordNameQuerySet:
        return self.filter(agency_id=agency_key(agency))


class RecordName(models.Model):
    # The record's own id (registry_workerrecord.id), not a sequence of this table's.
    id = models.BigIntegerField(primary_key=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the trigram index starts with it
        related_name="+",
        verbose_name=_("agency"),
    )
    period = models.ForeignKey(
        Period,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # read beside the agency's matches
        related_name="+",
        verbose_name=_("period"),
    )
    full_name = models.CharField(_("full name"), max_length=150)
    search_name = models.CharField(_("name for searching"), max_length=150)

    objects = RecordNameQuerySet.as_manager()

    class Meta:
        verbose_name = _("record name")
        verbose_name_plural = _("record names")
        indexes = [
            # The agency's entries intersected with the words' trigrams (btree_gin), as on the
            # records (record_agency_search_trgm): the agency compared as a bigint (agency_key).
            GinIndex(
                name="recordname_agency_trgm",
                fields=["agency", "search_name"],
                opclasses=["int8_ops", "gin_trgm_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.full_name}"

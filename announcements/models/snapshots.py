"""Published lists: frozen, versioned snapshots of an agency's records, with their own rows.

A published list never reads the worker records again: its rows are copied once (INSERT ... SELECT,
announcements.services.publish) and never change. Each version carries a SHA-256 over a canonical
serialisation of its rows (`canonical_line`), shown on the page and in the downloads, so anyone can
check that a printed or downloaded list is the one published.

Sized for the national list: 2.36 million rows (bigint ids), read a page at a time by
(snapshot, number) and searched by name through a trigram GIN index that leads with the snapshot.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.models import AgencySubmission, Status, WorkerRecord
from registry.services.exports import spreadsheet_safe


class SnapshotKind(models.TextChoices):
    PUBLIC_TEST = "public_test", _("Public test list")
    FINAL = "final", _("Final list")


# The kind as it appears in the public addresses (/pengumuman/<agency>/<slug>/...).
KIND_SLUGS: dict[str, str] = {SnapshotKind.PUBLIC_TEST: "uji-publik", SnapshotKind.FINAL: "final"}
SLUG_KINDS: dict[str, str] = {slug: kind for kind, slug in KIND_SLUGS.items()}


class ListSnapshotQuerySet(models.QuerySet):
    def published(self) -> ListSnapshotQuerySet:
        return self.filter(state=ListSnapshot.State.PUBLISHED)

    def for_agency_code(self, code: str) -> ListSnapshotQuerySet:
        return self.filter(submission__agency__code=code, submission__agency__is_active=True)

    def current(self, *, submission_id: int, kind: str) -> ListSnapshot | None:
        return self.published().filter(submission_id=submission_id, kind=kind).order_by("-version").first()


class ListSnapshot(models.Model):
    """One published version of an agency's public-test or final list."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be written")
        BUILDING = "building", _("Being written")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    Kind = SnapshotKind

    id = models.BigAutoField(primary_key=True)
    submission = models.ForeignKey(AgencySubmission, on_delete=models.PROTECT, related_name="snapshots")
    kind = models.CharField(_("kind"), max_length=12, choices=SnapshotKind.choices)
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # The window for objections (public test only), frozen with the version.
    objections_open_at = models.DateTimeField(null=True, blank=True)
    objections_close_at = models.DateTimeField(null=True, blank=True)
    # What changed since the previous published version of the agency (either kind).
    previous = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    added_count = models.PositiveIntegerField(default=0)
    removed_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Set when the national admin reopens the agency: the list no longer stands (shown as "ditarik").
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The PDF of the whole list, written once per version (announcements.services.publish).
    pdf = models.FileField(upload_to="announcements/pdf/", blank=True)

    objects = ListSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("published list")
        verbose_name_plural = _("published lists")
        constraints = [
            models.UniqueConstraint(fields=["submission", "kind", "version"], name="snapshot_unique_version"),
            # One version at a time is being written per list: a second request waits for it.
            models.UniqueConstraint(
                fields=["submission", "kind"],
                condition=Q(state__in=["pending", "building"]),
                name="snapshot_one_unfinished",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["public_test", "final"]), name="snapshot_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission.agency} — {self.get_kind_display()} v{self.version}"

    @property
    def slug(self) -> str:
        return KIND_SLUGS[self.kind]

    def objections_open(self, now: dt.datetime | None = None) -> bool:
        """Whether this version's page offers complaints now: the agency's window (the registry's one
        rule, which also asks the phase) is open, and it is the window this version was published in."""
        if self.kind != SnapshotKind.PUBLIC_TEST or self.objections_open_at is None:
            return False
        window = self.submission.public_test_window(now)
        return window.is_open and window.opens == self.objections_open_at

    @property
    def has_changes(self) -> bool:
        return bool(self.added_count or self.removed_count or self.changed_count)


class SnapshotRow(models.Model):
    """One listed person of one published version; copied once, never updated."""

    id = models.BigAutoField(primary_key=True)
    snapshot = models.ForeignKey(ListSnapshot, on_delete=models.CASCADE, related_name="rows", db_index=False)
    number = models.PositiveIntegerField(_("number"))
    # The record it was copied from, for the diff and complaints; the row keeps its text if it goes.
    record = models.ForeignKey(
        WorkerRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    full_name = models.CharField(_("name"), max_length=150)
    masked_nik = models.CharField(_("NIK"), max_length=16)
    position = models.CharField(_("position"), max_length=150)
    unit = models.CharField(_("work unit"), max_length=200)
    education_level = models.CharField(_("education"), max_length=3)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # Lower-cased name: what the name search matches (trigram index below).
    search_name = models.CharField(max_length=150)

    class Meta:
        verbose_name = _("published list row")
        verbose_name_plural = _("published list rows")
        constraints = [
            # The primary ordering: a page is a range of numbers of one snapshot.
            models.UniqueConstraint(fields=["snapshot", "number"], name="snapshotrow_number"),
        ]
        indexes = [
            # Name search within one list: btree_gin lets the snapshot lead the trigram index.
            GinIndex(
                fields=["snapshot", "search_name"],
                opclasses=["int8_ops", "gin_trgm_ops"],
                name="snapshotrow_name_trgm",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.full_name}"

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status in Status.values else self.status


# The serialised fields, in order (the CSV download has the same columns).
CANONICAL_FIELDS = ("number", "full_name", "masked_nik", "position", "unit", "education_level", "status")


def canonical_line(row: SnapshotRow | dict) -> str:
    """One row as hashed: its CANONICAL_FIELDS, each exactly as the CSV download holds it (with the
    formula guard's apostrophe), joined by tabs, ending with a newline ("\\n", the last line too).

    The SHA-256 of a version is over the concatenation of its lines in number order, encoded as
    UTF-8 without a byte-order mark: anyone can recompute it from the CSV's cells alone (the list
    page says how). Text values never hold tabs or line breaks (they are turned into spaces when
    the rows are copied). publish.HASH_SQL is the same definition, computed by the database.
    """
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return "\t".join(spreadsheet_safe(str(get(name))) for name in CANONICAL_FIELDS) + "\n"

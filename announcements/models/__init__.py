"""The public site's data: published lists (snapshots), the status check's attempts, complaints,
the open statistics' daily snapshots and last built tables."""

from announcements.models.complaints import Complaint, ComplaintAuditAction, ComplaintQuerySet
from announcements.models.snapshots import (
    CANONICAL_FIELDS,
    KIND_SLUGS,
    SLUG_KINDS,
    ListSnapshot,
    SnapshotKind,
    SnapshotRow,
    canonical_line,
)
from announcements.models.statistics import StatisticsBuild, StatisticsDay
from announcements.models.status_checks import StatusCheckAttempt

__all__ = [
    "CANONICAL_FIELDS",
    "KIND_SLUGS",
    "SLUG_KINDS",
    "Complaint",
    "ComplaintAuditAction",
    "ComplaintQuerySet",
    "ListSnapshot",
    "SnapshotKind",
    "SnapshotRow",
    "StatisticsBuild",
    "StatisticsDay",
    "StatusCheckAttempt",
    "canonical_line",
]

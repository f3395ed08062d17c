"""Publishing an agency's list: one service, `snapshot_publish`, for every way a version is made.

A version is made in two steps. `snapshot_publish` reserves the next version number under the
submission's row lock (one unfinished version per list: the database refuses a second) and then
writes it at once for a small agency, or hands it to the background task for a large one.
`snapshot_build` claims the reserved version with a conditional update (so a task that runs twice
writes it once), copies the rows with one INSERT ... SELECT, hashes them in the database, and either
publishes the version with what changed since the previous one or, if nothing changed since the
last version of the same list, drops it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from announcements.models import ListSnapshot, SnapshotKind, SnapshotRow
from registry.models import AgencySubmission, Status, WorkerRecord, WorkUnit
from registry.services.exports import FORMULA_STARTS
from registry.validators import mask_number_sql

logger = logging.getLogger(__name__)

ROW_TABLE = SnapshotRow._meta.db_table


def inline_max_rows() -> int:
    """Above this many records a version (and its PDF) is written by the background task worker."""
    return settings.SNAPSHOT_INLINE_MAX_ROWS


def unlisted_statuses(kind: str) -> list[str]:
    """The statuses a list of this kind leaves out: released records always; the final list also
    leaves out records never completed ("Tidak Lengkap"), as the Finalisasi page tells the agency."""
    if kind == SnapshotKind.FINAL:
        return [Status.RELEASED.value, Status.NOT_COMPLETED.value]
    return [Status.RELEASED.value]


def _listed_records(submission: AgencySubmission, kind: str):
    """The records a list of this kind shows."""
    return WorkerRecord.objects.filter(
        agency_id=submission.agency_id, period_id=submission.period_id
    ).exclude(status__in=unlisted_statuses(kind))


def snapshot_publish(*, submission_id: int, kind: str, actor_id: int | None = None) -> ListSnapshot:
    """Publish a new version of the agency's `kind` list (public test or final).

    Returns the new version (published at once for a small agency; `pending` while the background
    task writes a large one), the version already being written when one is, or the previous version
    when nothing changed since it.
    """
    kind = SnapshotKind(kind)
    with transaction.atomic():
        submission = (
            AgencySubmission.objects.select_for_update().select_related("period").get(pk=submission_id)
        )
        unfinished = ListSnapshot.objects.filter(
            submission=submission,
            kind=kind,
            state__in=[ListSnapshot.State.PENDING, ListSnapshot.State.BUILDING],
        ).first()
        if unfinished is not None:
            return unfinished
        last = ListSnapshot.objects.filter(submission=submission, kind=kind).aggregate(v=Max("version"))["v"]
        window = submission.public_test_dates() if kind == SnapshotKind.PUBLIC_TEST else None
        try:
            with transaction.atomic():
                snapshot = ListSnapshot.objects.create(
                    submission=submission,
                    kind=kind,
                    version=(last or 0) + 1,
                    published_by_id=actor_id,
                    objections_open_at=window[0] if window else None,
                    objections_close_at=window[1] if window else None,
                )
        except IntegrityError:  # another request reserved it between our read and write
            return ListSnapshot.objects.filter(submission=submission, kind=kind).order_by("-version").first()
        large = _listed_records(submission, kind).count() > inline_max_rows()
    if large:
        from announcements.tasks import build_snapshot

        transaction.on_commit(lambda: build_snapshot.enqueue(snapshot.pk))
        return snapshot
    return snapshot_build(snapshot_id=snapshot.pk)


def _copy_rows_sql() -> str:
    clean = "regexp_replace({}, '[\\t\\r\\n]+', ' ', 'g')"
    name = clean.format("r.full_name")
    return f"""
        INSERT INTO {ROW_TABLE} (snapshot_id, number, record_id, full_name, masked_nik, position, unit,
                                 education_level, status, search_name)
        SELECT %(snapshot)s, row_number() OVER (ORDER BY r.full_name, r.id), r.id, {name},
               {mask_number_sql("r.nik")}, {clean.format("r.position")},
               coalesce({clean.format("u.name")}, ''), r.education_level, r.status, lower({name})
        FROM {WorkerRecord._meta.db_table} r
        LEFT JOIN {WorkUnit._meta.db_table} u ON u.id = r.work_unit_id
        WHERE r.agency_id = %(agency)s AND r.period_id = %(period)s AND r.status <> ALL(%(unlisted)s)
    """  # noqa: S608 - table names from the models, values as parameters


def _as_in_csv(column: str) -> str:
    """A value as the CSV holds it (registry.services.exports.spreadsheet_safe, in SQL): a leading
    apostrophe before a formula start. Tabs and line breaks never reach a row (see _copy_rows_sql)."""
    starts = ", ".join(f"'{c}'" for c in FORMULA_STARTS if c not in "\t\r")
    return f"(CASE WHEN left({column}, 1) IN ({starts}) THEN '''' || {column} ELSE {column} END)"


# The canonical serialisation (announcements.models.canonical_line) computed by the database.
HASH_SQL = f"""
    SELECT encode(sha256(convert_to(coalesce(string_agg(
               number::text || E'\\t' || {_as_in_csv("full_name")} || E'\\t' || {_as_in_csv("masked_nik")}
               || E'\\t' || {_as_in_csv("position")} || E'\\t' || {_as_in_csv("unit")}
               || E'\\t' || {_as_in_csv("education_level")} || E'\\t' || {_as_in_csv("status")} || E'\\n',
               '' ORDER BY number), ''), 'UTF8')), 'hex'),
           count(*)
    FROM {ROW_TABLE} WHERE snapshot_id = %s
"""  # noqa: S608

DIFF_SQL = f"""
    WITH n AS (SELECT record_id, status FROM {ROW_TABLE} WHERE snapshot_id = %(new)s),
         o AS (SELECT record_id, status FROM {ROW_TABLE} WHERE snapshot_id = %(old)s)
    SELECT (SELECT count(*) FROM n WHERE n.record_id IS NULL
                OR NOT EXISTS (SELECT 1 FROM o WHERE o.record_id = n.record_id)),
           (SELECT count(*) FROM o WHERE o.record_id IS NULL
                OR NOT EXISTS (SELECT 1 FROM n WHERE n.record_id = o.record_id)),
           (SELECT count(*) FROM n JOIN o ON o.record_id = n.record_id WHERE o.status <> n.status)
"""  # noqa: S608


class _Unchanged(Exception):
    """Nothing changed since the last version of the same list: roll the copied rows back."""


def snapshot_build(*, snapshot_id: int) -> ListSnapshot:
    """Write a reserved version's rows and publish it (the background task runs this for large agencies)."""
    claimed = ListSnapshot.objects.filter(pk=snapshot_id, state=ListSnapshot.State.PENDING).update(
        state=ListSnapshot.State.BUILDING
    )
    snapshot = ListSnapshot.objects.select_related("submission").get(pk=snapshot_id)
    if claimed != 1:
        return snapshot  # written (or being written) by another run
    submission = snapshot.submission
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    _copy_rows_sql(),
                    {
                        "snapshot": snapshot.pk,
                        "agency": submission.agency_id,
                        "period": submission.period_id,
                        "unlisted": unlisted_statuses(snapshot.kind),
                    },
                )
                cursor.execute(HASH_SQL, [snapshot.pk])
                sha256, row_count = cursor.fetchone()
                same_list = ListSnapshot.objects.current(submission_id=submission.pk, kind=snapshot.kind)
                # Same rows in the same public-test window: nothing new. A new window (prefinalised
                # again after a reopening) is a new version, so the newest always shows the window in force.
                if (
                    same_list is not None
                    and same_list.sha256 == sha256
                    and same_list.objections_open_at == snapshot.objections_open_at
                ):
                    raise _Unchanged
                previous = (
                    ListSnapshot.objects.published()
                    .filter(submission=submission)
                    .order_by("-published_at", "-pk")
                    .first()
                )
                added = removed = changed = 0
                if previous is not None:
                    cursor.execute(DIFF_SQL, {"new": snapshot.pk, "old": previous.pk})
                    added, removed, changed = cursor.fetchone()
            ListSnapshot.objects.filter(pk=snapshot.pk).update(
                state=ListSnapshot.State.PUBLISHED,
                published_at=timezone.now(),
                sha256=sha256,
                row_count=row_count,
                previous=previous,
                added_count=added,
                removed_count=removed,
                changed_count=changed,
            )
    except _Unchanged:
        ListSnapshot.objects.filter(pk=snapshot.pk).delete()
        logger.info("List %s of submission %s unchanged: no new version", snapshot.kind, submission.pk)
        return same_list
    except Exception as exc:
        ListSnapshot.objects.filter(pk=snapshot.pk).update(
            state=ListSnapshot.State.FAILED, error=repr(exc)[:2000]
        )
        raise
    snapshot.refresh_from_db()
    if snapshot.row_count > inline_max_rows():
        from announcements.tasks import build_snapshot_pdf

        transaction.on_commit(lambda: build_snapshot_pdf.enqueue(snapshot.pk))
    return snapshot


def snapshot_changes(snapshot: ListSnapshot, *, limit: int = 200) -> dict[str, Any]:
    """What changed since the previous version: added, removed and status-changed rows (first `limit` each)."""
    if snapshot.previous_id is None:
        return {"added": [], "removed": [], "changed": []}
    new, old = snapshot.pk, snapshot.previous_id
    rows = SnapshotRow.objects.only(
        "number", "full_name", "masked_nik", "position", "unit", "education_level", "status"
    )
    old_records = SnapshotRow.objects.filter(snapshot_id=old, record_id__isnull=False).values("record_id")
    new_records = SnapshotRow.objects.filter(snapshot_id=new, record_id__isnull=False).values("record_id")
    added = list(rows.filter(snapshot_id=new).exclude(record_id__in=old_records).order_by("number")[:limit])
    removed = list(rows.filter(snapshot_id=old).exclude(record_id__in=new_records).order_by("number")[:limit])
    # Removed rows whose record is gone (record_id NULL) are not caught by the NOT IN above.
    if len(removed) < limit:
        removed += list(
            rows.filter(snapshot_id=old, record_id__isnull=True).order_by("number")[: limit - len(removed)]
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT n.id, o.status FROM {ROW_TABLE} n
                JOIN {ROW_TABLE} o ON o.snapshot_id = %s AND o.record_id = n.record_id
                WHERE n.snapshot_id = %s AND o.status <> n.status ORDER BY n.number LIMIT %s""",  # noqa: S608
            [old, new, limit],
        )
        pairs = cursor.fetchall()
    by_id = {row.pk: row for row in rows.filter(pk__in=[pk for pk, _ in pairs])}
    changed = []
    for pk, old_status in pairs:
        row = by_id[pk]
        row.old_status = old_status
        row.old_status_label = SnapshotRow(status=old_status).status_label
        changed.append(row)
    return {"added": added, "removed": removed, "changed": changed}


def on_phase_changed(
    sender: Any, *, submission_id: int, old: str, new: str, actor_id: int | None = None, **kwargs
) -> None:
    """Receiver of verification's `submission_phase_changed`: publish the list the new phase calls for.

    → prefinalised: the public-test list; prefinalised → finalised: a new public-test version with the
    corrections made during the public test (none when nothing changed); → completed: the final list.
    """
    Phase = AgencySubmission.Phase
    from announcements.public_list import forget_published_versions

    # The versions kept in the cache carry the agency's phase (window, withdrawal): read them afresh.
    forget_published_versions(
        AgencySubmission.objects.filter(pk=submission_id).values_list("agency__code", flat=True).get()
    )
    if new == Phase.OPEN:
        _withdraw_lists(submission_id)
        return
    if new == Phase.PREFINALISED:
        kind = SnapshotKind.PUBLIC_TEST
    elif new == Phase.FINALISED and old == Phase.PREFINALISED:
        kind = SnapshotKind.PUBLIC_TEST
    elif new == Phase.COMPLETED:
        kind = SnapshotKind.FINAL
    else:
        return
    try:
        snapshot_publish(submission_id=submission_id, kind=kind, actor_id=actor_id)
    except Exception:
        logger.exception("Publishing the %s list of submission %s failed", kind, submission_id)
        raise


def _withdraw_lists(submission_id: int) -> None:
    """A reopened agency's published lists no longer stand: each is marked withdrawn with the reopening's
    reason and date (older versions stay readable, and the next phase change publishes new ones)."""
    reason = AgencySubmission.objects.filter(pk=submission_id).values_list("reopened_reason", flat=True).get()
    ListSnapshot.objects.published().filter(submission_id=submission_id, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_reason=reason
    )

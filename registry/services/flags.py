"""The flags of worker records: the period's eligibility rules and the possible-duplicate rule,
computed for one record (forms, the worker's sections) and set-based for the import.

The rules themselves (what makes a flag) live in `registry/rules.py`; this module only applies them
to records. Writes of anything else do not belong here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection

from registry.models import Flag, Period, Status, WorkerRecord
from registry.rules import (
    DUPLICATE_NAME_SIMILARITY,
    DUPLICATE_PAIR_SQL,
    eligibility_flags,
    possible_duplicates,
)

if TYPE_CHECKING:
    from registry.services.records import WorkerData


def compute_flags(
    *, period: Period, data: WorkerData | WorkerRecord, exclude_pk: int | None = None
) -> list[str]:
    """Every flag of one record: the period's eligibility rules and the possible-duplicate rule."""
    flags = eligibility_flags(data, period)
    if possible_duplicates(
        period=period,
        nik=data.nik,
        full_name=data.full_name,
        birth_date=data.birth_date,
        exclude_pk=exclude_pk,
    ).exists():
        flags = sorted({*flags, Flag.POSSIBLE_DUPLICATE.value})
    return flags


def duplicate_ids(record: WorkerRecord) -> set[int]:
    if record.status == Status.RELEASED:
        return set()
    return set(
        possible_duplicates(
            period=record.period,
            nik=record.nik,
            full_name=record.full_name,
            birth_date=record.birth_date,
            exclude_pk=record.pk,
        ).values_list("pk", flat=True)
    )


def record_flags_refresh(*, record_id: int, former_counterparts: Iterable[int] = ()) -> WorkerRecord:
    """Recompute every flag of a record, and the possible-duplicate flag of each record it pairs
    with now or paired with before the change (`former_counterparts`), adding and removing.

    Every write path that changes what the rules read calls it in its transaction (agency form and
    edit, release, the worker's sections, submission); the import flags set-based with the same rule
    (`flag_possible_duplicates`).
    """
    record = WorkerRecord.objects.select_related("period", "work_unit").get(pk=record_id)
    counterparts = duplicate_ids(record)
    flags = eligibility_flags(record, record.period)
    if counterparts:
        flags = sorted({*flags, Flag.POSSIBLE_DUPLICATE.value})
    if flags != record.flags:
        record.flags = flags
        WorkerRecord.objects.filter(pk=record.pk).update(flags=flags)
    flag = Flag.POSSIBLE_DUPLICATE.value
    others = (
        WorkerRecord.objects.filter(pk__in=counterparts | set(former_counterparts))
        .exclude(pk=record.pk)
        .select_related("period")
        .order_by("pk")
    )
    for other in others:
        paired = bool(duplicate_ids(other))
        if paired != (flag in other.flags):
            new = sorted({*other.flags, flag}) if paired else [f for f in other.flags if f != flag]
            WorkerRecord.objects.filter(pk=other.pk).update(flags=new)
    return record


def flag_possible_duplicates(*, period: Period, record_ids: list[int]) -> list[int]:
    """Flag, set-based, the given new records and their counterparts with the possible-duplicate rule
    of registry/rules.py (the same one `record_flags_refresh` applies one record at a time).
    Returns the ids of the records newly flagged."""
    if not record_ids:
        return []
    table = WorkerRecord._meta.db_table
    if len(record_ids) > 5000:
        # Fresh statistics, so that the planner hashes the period's rows instead of looping over them.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    flag = Flag.POSSIBLE_DUPLICATE.value
    sql = f"""
        WITH pairs AS (
            SELECT r.id AS a, o.id AS b
            FROM {table} r
            JOIN {table} o ON {DUPLICATE_PAIR_SQL}
            WHERE r.id = ANY(%s) AND r.period_id = %s AND r.status <> 'released'
        ), targets AS (
            SELECT a AS id FROM pairs UNION SELECT b FROM pairs
        )
        UPDATE {table} t
        SET flags = ARRAY(SELECT DISTINCT f FROM unnest(t.flags || ARRAY[%s]::varchar[]) AS f ORDER BY f)
        FROM targets WHERE t.id = targets.id AND NOT (%s = ANY(t.flags))
        RETURNING t.id
    """  # noqa: S608 - table name from the model, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [DUPLICATE_NAME_SIMILARITY, record_ids, period.pk, flag, flag])
        return [row[0] for row in cursor.fetchall()]

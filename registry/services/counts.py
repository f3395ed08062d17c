"""Counts of worker records, read from registry's tally (registry.models.RecordTally).

The database triggers of registry migration 0011 keep the tally in step with every write, so every
count here is exact on every read and costs a few thousand tally rows at national scale (the
dashboard, the national desk and the open statistics all read it; none scans the records).

The counting rule — which tally keys one record adds to — is `record_keys`; the triggers state the
same rule in SQL, and tests/registry/test_tally_rule.py holds the two to the same answers.
`count_records` counts records afresh with it (to check the tally against the records).
What a count means for a reader (released records carry no flags for the dashboard) is
`counts_from_keys`, the one place the agency dashboard's and the national desk's numbers come from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, QuerySet

from registry.models import ANY_FLAG, RecordTally, Status

# (status, category, flag): flag '' is the record itself, ANY_FLAG a record carrying any flag.
TallyKey = tuple[str, str, str]
AgencyTally = dict[TallyKey, int]
# Fold the tally's change rows into one per key when a period holds this many, and twice as many as
# the last compaction in this process left (at national scale the folded tally itself holds some
# 40,000 keys: it is not folded again on every read).
TALLY_COMPACT_AT = 20_000
TABLE = RecordTally._meta.db_table
_compacted_rows: dict[int, int] = {}


@dataclass(frozen=True)
class Counts:
    per_status: dict[str, int]
    per_flag: dict[str, int]  # active records carrying each flag
    flagged: int  # active records with at least one flag


def record_keys(*, status: str, category: str, flags: Iterable[str]) -> list[TallyKey]:
    """The counting rule: the tally keys one record adds 1 to."""
    distinct = sorted(set(flags))
    keys = [(status, category, "")]
    keys += [(status, category, flag) for flag in distinct]
    if distinct:
        keys.append((status, category, ANY_FLAG))
    return keys


def count_records(records: QuerySet) -> dict[int, AgencyTally]:
    """{agency_id: {key: n}} counted afresh from the records with `record_keys` (one GROUP BY pass)."""
    out: dict[int, AgencyTally] = defaultdict(lambda: defaultdict(int))
    rows = records.values_list("agency_id", "status", "category", "flags").annotate(n=Count("id")).order_by()
    for agency_id, status, category, flags, n in rows:
        for key in record_keys(status=status, category=category, flags=flags or []):
            out[agency_id][key] += n
    return {agency_id: dict(keys) for agency_id, keys in out.items()}


def counts_from_keys(keys: AgencyTally) -> Counts:
    """An agency's dashboard numbers from its tally: flags count active records only."""
    per_status: dict[str, int] = defaultdict(int)
    per_flag: dict[str, int] = defaultdict(int)
    flagged = 0
    for (status, _category, flag), n in keys.items():
        if not n:
            continue
        if flag == "":
            per_status[status] += n
        elif status == Status.RELEASED:
            continue
        elif flag == ANY_FLAG:
            flagged += n
        else:
            per_flag[flag] += n
    return Counts(dict(per_status), dict(per_flag), flagged)


def tally_compact(*, period_id: int | None = None) -> int:
    """Fold the tally's change rows into one row per key. Safe beside concurrent writers: only
    the rows this statement saw are deleted and summed; newer ones stay as they are."""
    where, params = ("WHERE period_id = %s", [period_id]) if period_id else ("", [])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('registry.tally_compact'))")
        if not cursor.fetchone()[0]:
            return 0  # another compaction is running
        cursor.execute(
            f"""
            WITH gone AS (DELETE FROM {TABLE} {where} RETURNING period_id, agency_id, status, category, flag, n)
            INSERT INTO {TABLE} (period_id, agency_id, status, category, flag, n)
            SELECT period_id, agency_id, status, category, flag, sum(n) FROM gone
            GROUP BY period_id, agency_id, status, category, flag HAVING sum(n) <> 0
            """,  # noqa: S608 - table name from the model
            params,
        )
        return cursor.rowcount


def _fold_when_long(period_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE period_id = %s", [period_id])  # noqa: S608
        if cursor.fetchone()[0] > max(TALLY_COMPACT_AT, 2 * _compacted_rows.get(period_id, 0)):
            _compacted_rows[period_id] = tally_compact(period_id=period_id)


def period_tally(*, period_id: int) -> dict[int, AgencyTally]:
    """{agency_id: {(status, category, flag): n}} for the period, zero keys left out."""
    _fold_when_long(period_id)
    out: dict[int, AgencyTally] = defaultdict(dict)
    # Raw SQL: sum(bigint) is numeric in PostgreSQL, and converting thousands of Decimals costs more
    # than the query.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT agency_id, status, category, flag, sum(n)::bigint FROM {TABLE} "  # noqa: S608
            "WHERE period_id = %s GROUP BY agency_id, status, category, flag",
            [period_id],
        )
        for agency_id, status, category, flag, total in cursor.fetchall():
            if total:
                out[agency_id][(status, category, flag)] = total
    return dict(out)


def period_counts(*, period_id: int) -> dict[int, Counts]:
    """Every agency's dashboard numbers for the period (the national desk)."""
    return {
        agency_id: counts_from_keys(keys) for agency_id, keys in period_tally(period_id=period_id).items()
    }


def agency_counts(*, agency_id: int, period_id: int) -> Counts:
    """One agency's dashboard numbers, exact on every visit."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, category, flag, sum(n)::bigint FROM {TABLE} "  # noqa: S608
            "WHERE period_id = %s AND agency_id = %s GROUP BY status, category, flag",
            [period_id, agency_id],
        )
        return counts_from_keys({(s, c, f): n for s, c, f, n in cursor.fetchall()})


# What period_summary sums: active records (released ones moved to another agency) per status and
# per category (flag ''), and per flag (ANY_FLAG: with at least one).
SUMMARY_SQL = f"""
    SELECT agency_id, 'status', status, sum(n)::bigint FROM {TABLE}
     WHERE period_id = %(p)s AND flag = '' AND status <> %(released)s GROUP BY agency_id, status
    UNION ALL
    SELECT agency_id, 'category', category, sum(n)::bigint FROM {TABLE}
     WHERE period_id = %(p)s AND flag = '' AND status <> %(released)s GROUP BY agency_id, category
    UNION ALL
    SELECT agency_id, 'flag', flag, sum(n)::bigint FROM {TABLE}
     WHERE period_id = %(p)s AND flag <> '' AND status <> %(released)s GROUP BY agency_id, flag
"""  # noqa: S608 - table name from the model


def period_summary(*, period_id: int) -> dict[int, dict[str, dict[str, int]]]:
    """{agency_id: {"status": {status: n}, "category": {...}, "flag": {flag: n}}}: every agency's
    active records of the period, summed in the database (some ten thousand numbers at national
    scale, where the tally holds some forty thousand keys)."""
    _fold_when_long(period_id)
    out: dict[int, dict[str, dict[str, int]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(SUMMARY_SQL, {"p": period_id, "released": Status.RELEASED.value})
        for agency_id, what, key, total in cursor.fetchall():
            if total:
                out.setdefault(agency_id, {"status": {}, "category": {}, "flag": {}})[what][key] = total
    return out

"""Database triggers that keep verification_recordtally in step with registry_workerrecord.

Statement-level triggers with transition tables: an import of 50,000 rows or the finalisation of
140,000 records appends one row per changed (agency, status[, flag]) key, not one per record; a
change that moves no count (an edit of a name) appends nothing, so no tally row is ever a hot spot.
"""

from django.db import migrations

DELTAS = """
    SELECT period_id, agency_id, status, ''::varchar AS flag, {sign} AS n FROM {rows}
    UNION ALL
    SELECT period_id, agency_id, status, f, {sign} FROM {rows}, unnest(flags) AS f
"""

FUNCTION = """
CREATE OR REPLACE FUNCTION verification_tally_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO verification_recordtally (period_id, agency_id, status, flag, n)
    SELECT period_id, agency_id, status, flag, sum(n) FROM ({deltas}) d
    GROUP BY period_id, agency_id, status, flag HAVING sum(n) <> 0;
    RETURN NULL;
END $$;
"""

TRIGGER = """
CREATE TRIGGER verification_tally_{name} AFTER {event} ON registry_workerrecord
REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION verification_tally_{name}();
"""

SQL = [
    FUNCTION.format(name="insert", deltas=DELTAS.format(sign=1, rows="new_rows")),
    FUNCTION.format(name="delete", deltas=DELTAS.format(sign=-1, rows="old_rows")),
    FUNCTION.format(
        name="update",
        deltas=DELTAS.format(sign=1, rows="new_rows") + " UNION ALL " + DELTAS.format(sign=-1, rows="old_rows"),
    ),
    TRIGGER.format(name="insert", event="INSERT", tables="NEW TABLE AS new_rows"),
    TRIGGER.format(name="delete", event="DELETE", tables="OLD TABLE AS old_rows"),
    TRIGGER.format(name="update", event="UPDATE", tables="OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    # The records already there.
    "INSERT INTO verification_recordtally (period_id, agency_id, status, flag, n) "
    "SELECT period_id, agency_id, status, flag, sum(n) FROM ("
    + DELTAS.format(sign=1, rows="registry_workerrecord")
    + ") d GROUP BY period_id, agency_id, status, flag",
]

REVERSE = [
    *(f"DROP TRIGGER IF EXISTS verification_tally_{n} ON registry_workerrecord" for n in ("insert", "delete", "update")),
    *(f"DROP FUNCTION IF EXISTS verification_tally_{n}()" for n in ("insert", "delete", "update")),
    "DELETE FROM verification_recordtally",
]


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0001_phases_sptjm_tally"),
        ("registry", "0009_submission_deadline_overrides"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]

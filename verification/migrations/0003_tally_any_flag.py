"""The tally also counts records carrying any flag (flag '*'), so the agency dashboard can show
"records with eligibility flags" from it: a record with two flags is one flagged record."""

from django.db import migrations

ANY_FLAG = "*"

OLD_DELTAS = """
    SELECT period_id, agency_id, status, ''::varchar AS flag, {sign} AS n FROM {rows}
    UNION ALL
    SELECT period_id, agency_id, status, f, {sign} FROM {rows}, unnest(flags) AS f
"""
DELTAS = (
    OLD_DELTAS
    + """
    UNION ALL
    SELECT period_id, agency_id, status, '*'::varchar, {sign} FROM {rows} WHERE cardinality(flags) > 0
"""
)

FUNCTION = """
CREATE OR REPLACE FUNCTION verification_tally_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO verification_recordtally (period_id, agency_id, status, flag, n)
    SELECT period_id, agency_id, status, flag, sum(n) FROM ({deltas}) d
    GROUP BY period_id, agency_id, status, flag HAVING sum(n) <> 0;
    RETURN NULL;
END $$;
"""


def functions(deltas: str) -> list[str]:
    return [
        FUNCTION.format(name="insert", deltas=deltas.format(sign=1, rows="new_rows")),
        FUNCTION.format(name="delete", deltas=deltas.format(sign=-1, rows="old_rows")),
        FUNCTION.format(
            name="update",
            deltas=deltas.format(sign=1, rows="new_rows") + " UNION ALL " + deltas.format(sign=-1, rows="old_rows"),
        ),
    ]


SQL = [
    # Both in one transaction with the table locked: no write slips between the backfill and the
    # new triggers.
    "LOCK TABLE registry_workerrecord IN SHARE ROW EXCLUSIVE MODE",
    *functions(DELTAS),
    "INSERT INTO verification_recordtally (period_id, agency_id, status, flag, n) "
    "SELECT period_id, agency_id, status, '*', count(*) FROM registry_workerrecord "
    "WHERE cardinality(flags) > 0 GROUP BY period_id, agency_id, status",
]

REVERSE = [*functions(OLD_DELTAS), "DELETE FROM verification_recordtally WHERE flag = '*'"]


class Migration(migrations.Migration):
    dependencies = [("verification", "0002_record_tally_triggers")]

    operations = [migrations.RunSQL(SQL, REVERSE)]

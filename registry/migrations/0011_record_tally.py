"""Registry owns the record tally: its model, its triggers on registry_workerrecord, its counting rule.

The tally was verification's (verification migrations 0001-0003, kept as history). Here registry
adopts the table: a database that has verification_recordtally keeps it, renamed (the model moves
between the apps' states with SeparateDatabaseAndState; verification 0004 forgets it); a new
database, where verification's migrations may not have run yet, gets the table created. The tally
gains the record's category as a key, which the old rows do not carry, so with the record table
locked the rows are counted again from the records (a few seconds at 2.36 million), and the new
triggers take over in the same transaction: no write slips between the count and the triggers.

The counting rule in SQL (DELTAS), the one registry.services.counts.record_keys states in Python
(tests/registry/test_tally_rule.py holds them to the same answers): a record adds 1 to
(status, category, ''), to (status, category, f) for each distinct flag f it carries, and to
(status, category, '*') when it carries any flag. Statement-level triggers with transition tables:
an import of 50,000 rows appends one row per changed key, not one per record; a change that moves
no count (an edit of a name) appends nothing.
"""

import django.db.models.deletion
from django.db import migrations, models

DELTAS = """
    SELECT period_id, agency_id, status, category, ''::varchar AS flag, {sign} AS n FROM {rows}
    UNION ALL
    SELECT period_id, agency_id, status, category, u.f, {sign}
      FROM {rows}, LATERAL (SELECT DISTINCT unnest(flags)) AS u(f)
    UNION ALL
    SELECT period_id, agency_id, status, category, '*'::varchar, {sign} FROM {rows} WHERE cardinality(flags) > 0
"""

FUNCTION = """
CREATE OR REPLACE FUNCTION registry_tally_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_recordtally (period_id, agency_id, status, category, flag, n)
    SELECT period_id, agency_id, status, category, flag, sum(n) FROM ({deltas}) d
    GROUP BY period_id, agency_id, status, category, flag HAVING sum(n) <> 0;
    RETURN NULL;
END $$;
"""

TRIGGER = """
CREATE TRIGGER registry_tally_{name} AFTER {event} ON registry_workerrecord
REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION registry_tally_{name}();
"""

TRIGGERS = [
    FUNCTION.format(name="insert", deltas=DELTAS.format(sign=1, rows="new_rows")),
    FUNCTION.format(name="delete", deltas=DELTAS.format(sign=-1, rows="old_rows")),
    FUNCTION.format(
        name="update",
        deltas=DELTAS.format(sign=1, rows="new_rows") + " UNION ALL " + DELTAS.format(sign=-1, rows="old_rows"),
    ),
    TRIGGER.format(name="insert", event="INSERT", tables="NEW TABLE AS new_rows"),
    TRIGGER.format(name="delete", event="DELETE", tables="OLD TABLE AS old_rows"),
    TRIGGER.format(name="update", event="UPDATE", tables="OLD TABLE AS old_rows NEW TABLE AS new_rows"),
]

COUNT_AGAIN = [
    "DELETE FROM registry_recordtally",
    "INSERT INTO registry_recordtally (period_id, agency_id, status, category, flag, n) "
    "SELECT period_id, agency_id, status, category, flag, sum(n) FROM ("
    + DELTAS.format(sign=1, rows="registry_workerrecord")
    + ") d GROUP BY period_id, agency_id, status, category, flag",
]

OLD_TRIGGERS = ("insert", "delete", "update")


def adopt_or_create(apps, schema_editor):
    execute = schema_editor.execute
    # Held to the end of the migration's transaction: the count and the triggers see the same rows.
    execute("LOCK TABLE registry_workerrecord IN SHARE ROW EXCLUSIVE MODE")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('verification_recordtally') IS NOT NULL")
        adopt = cursor.fetchone()[0]
    if not adopt:
        schema_editor.create_model(apps.get_model("registry", "RecordTally"))
        return
    for name in OLD_TRIGGERS:
        execute(f"DROP TRIGGER IF EXISTS verification_tally_{name} ON registry_workerrecord")
        execute(f"DROP FUNCTION IF EXISTS verification_tally_{name}()")
    execute("ALTER TABLE verification_recordtally RENAME TO registry_recordtally")
    execute("ALTER INDEX recordtally_period_agency RENAME TO registry_tally_period_agency")
    execute("ALTER TABLE registry_recordtally ADD COLUMN category varchar(10) NOT NULL DEFAULT ''")
    execute("ALTER TABLE registry_recordtally ALTER COLUMN category DROP DEFAULT")


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_nik_trigram_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RecordTally",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("status", models.CharField(max_length=20, verbose_name="status")),
                        ("category", models.CharField(blank=True, max_length=10, verbose_name="category")),
                        ("flag", models.CharField(blank=True, max_length=20, verbose_name="eligibility flag")),
                        ("n", models.BigIntegerField(verbose_name="change in the count")),
                        ("agency", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="registry.agency", verbose_name="agency")),
                        ("period", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="registry.period", verbose_name="period")),
                    ],
                    options={
                        "verbose_name": "record tally",
                        "verbose_name_plural": "record tallies",
                        "indexes": [models.Index(fields=["period", "agency"], name="registry_tally_period_agency")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(adopt_or_create),
        migrations.RunSQL([*TRIGGERS, *COUNT_AGAIN]),
    ]

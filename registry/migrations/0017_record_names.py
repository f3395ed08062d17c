"""The record names (registry.models.names): created, filled from the records, and kept by triggers.

With the record table locked against writes (reads go on), the names are copied from the records,
each agency's together (the read by matches then visits few table pages), and the triggers take
over in the same transaction: no write slips between the copy and the triggers. The trigram index
is built after the copy (faster than entry by entry). On 2.36 million records: ~10 s for the copy
and ~30 s for the index (docs/deployment.md).

Inserts and deletes are statement-level triggers with transition tables (an import of 50,000 rows
is one INSERT ... SELECT); an update is a row trigger that fires only when the name, the agency or
the period changed (a status change or a data-card edit touches nothing here). A truncate of the
records empties the names. The stored search_name is the records' own (their generated column):
the lower-casing rule stays in one place.
"""

import django.contrib.postgres.indexes
import django.db.models.deletion
from django.db import migrations, models

COLUMNS = "id, agency_id, period_id, full_name, search_name"

TRIGGERS = [
    f"""
CREATE OR REPLACE FUNCTION registry_names_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO registry_recordname ({COLUMNS}) SELECT {COLUMNS} FROM new_rows;
    RETURN NULL;
END $$;
""",
    """
CREATE OR REPLACE FUNCTION registry_names_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM registry_recordname n USING old_rows o WHERE n.id = o.id;
    RETURN NULL;
END $$;
""",
    """
CREATE OR REPLACE FUNCTION registry_names_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE registry_recordname
       SET agency_id = NEW.agency_id, period_id = NEW.period_id,
           full_name = NEW.full_name, search_name = NEW.search_name
     WHERE id = NEW.id;
    RETURN NULL;
END $$;
""",
    """
CREATE OR REPLACE FUNCTION registry_names_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM registry_recordname;
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER registry_names_insert AFTER INSERT ON registry_workerrecord
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_names_insert();
""",
    """
CREATE TRIGGER registry_names_delete AFTER DELETE ON registry_workerrecord
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_names_delete();
""",
    """
CREATE TRIGGER registry_names_update AFTER UPDATE OF full_name, agency_id, period_id ON registry_workerrecord
FOR EACH ROW WHEN (
    OLD.full_name IS DISTINCT FROM NEW.full_name
    OR OLD.agency_id IS DISTINCT FROM NEW.agency_id
    OR OLD.period_id IS DISTINCT FROM NEW.period_id
) EXECUTE FUNCTION registry_names_update();
""",
    """
CREATE TRIGGER registry_names_truncate AFTER TRUNCATE ON registry_workerrecord
FOR EACH STATEMENT EXECUTE FUNCTION registry_names_truncate();
""",
]

REVERSE = [
    *(f"DROP TRIGGER IF EXISTS registry_names_{name} ON registry_workerrecord" for name in ("insert", "delete", "update", "truncate")),
    *(f"DROP FUNCTION IF EXISTS registry_names_{name}()" for name in ("insert", "delete", "update", "truncate")),
]  # fmt: skip

# Held to the end of the migration's transaction: the copy and the triggers see the same rows.
COPY = [
    "LOCK TABLE registry_workerrecord IN SHARE ROW EXCLUSIVE MODE",
    f"INSERT INTO registry_recordname ({COLUMNS}) SELECT {COLUMNS} FROM registry_workerrecord"  # noqa: S608
    " ORDER BY agency_id, period_id, id",
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0016_search_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="RecordName",
            fields=[
                ("id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("full_name", models.CharField(max_length=150, verbose_name="full name")),
                ("search_name", models.CharField(max_length=150, verbose_name="name for searching")),
                (
                    "agency",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.agency",
                        verbose_name="agency",
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="registry.period",
                        verbose_name="period",
                    ),
                ),
            ],
            options={
                "verbose_name": "record name",
                "verbose_name_plural": "record names",
            },
        ),
        migrations.RunSQL([*COPY, *TRIGGERS], reverse_sql=REVERSE),
        migrations.AddIndex(
            model_name="recordname",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["agency", "search_name"],
                name="recordname_agency_trgm",
                opclasses=["int8_ops", "gin_trgm_ops"],
            ),
        ),
    ]

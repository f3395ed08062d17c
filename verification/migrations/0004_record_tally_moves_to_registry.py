"""The record tally moved to registry (registry migration 0011 adopts the table and its triggers).

Here verification forgets its model. On a database where registry 0011 ran before verification's
own tally migrations (a new database), those created a second table and triggers: they go.
"""

from django.db import migrations

DROP = [
    *(f"DROP TRIGGER IF EXISTS verification_tally_{n} ON registry_workerrecord" for n in ("insert", "delete", "update")),
    *(f"DROP FUNCTION IF EXISTS verification_tally_{n}()" for n in ("insert", "delete", "update")),
    "DROP TABLE IF EXISTS verification_recordtally",
]


class Migration(migrations.Migration):
    dependencies = [
        ("verification", "0003_tally_any_flag"),
        ("registry", "0011_record_tally"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RecordTally")],
            database_operations=[migrations.RunSQL(DROP)],
        ),
    ]

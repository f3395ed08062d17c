import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations


class Migration(migrations.Migration):
    """The portal's name and partial-NIK searches get trigram indexes that start with the agency
    (btree_gin), in place of the national ones: a search then costs what the agency costs."""

    dependencies = [
        ('registry', '0013_agency_contact'),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(model_name="workerrecord", name="record_name_trgm"),
        migrations.RemoveIndex(model_name="workerrecord", name="record_nik_trgm"),
        migrations.AddIndex(
            model_name="workerrecord",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["agency", "full_name"], name="record_agency_name_trgm", opclasses=["int8_ops", "gin_trgm_ops"]
            ),
        ),
        migrations.AddIndex(
            model_name="workerrecord",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["agency", "nik"], name="record_agency_nik_trgm", opclasses=["int8_ops", "gin_trgm_ops"]
            ),
        ),
    ]

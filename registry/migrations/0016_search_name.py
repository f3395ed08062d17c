import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """The name lower-cased as a stored generated column (search_name), and the name search's two
    indexes on it in place of those on full_name: the search compares it with LIKE instead of
    lower-casing every name it reads (ILIKE). Adding the column rewrites the table once (the
    database computes every row's value); the indexes are built concurrently, the new before the
    old ones are dropped, so a search always has one."""

    atomic = False

    dependencies = [
        ("registry", "0015_agency_period_name_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="workerrecord",
            name="search_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower("full_name"),
                output_field=models.CharField(max_length=150),
                verbose_name="name for searching",
            ),
        ),
        AddIndexConcurrently(
            model_name="workerrecord",
            index=models.Index(
                fields=["agency", "period", "full_name", "id"],
                include=("search_name",),
                name="record_agency_period_search",
            ),
        ),
        AddIndexConcurrently(
            model_name="workerrecord",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["agency", "search_name"],
                name="record_agency_search_trgm",
                opclasses=["int8_ops", "gin_trgm_ops"],
            ),
        ),
        RemoveIndexConcurrently(model_name="workerrecord", name="record_agency_period_name"),
        RemoveIndexConcurrently(model_name="workerrecord", name="record_agency_name_trgm"),
    ]

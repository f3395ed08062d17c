from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """A name search's walk in name order reads names and ids of the agency's period from this
    index alone (registry.listing.search_page), not a table row for every name it passes. Built
    concurrently: the table holds millions of records and stays writable meanwhile."""

    atomic = False

    dependencies = [
        ("registry", "0014_agency_first_search_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workerrecord",
            index=models.Index(fields=["agency", "period", "full_name", "id"], name="record_agency_period_name"),
        ),
    ]

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """Every database gets pg_trgm (name search, duplicate detection) and unaccent."""

    initial = True
    dependencies = []
    operations = [TrigramExtension(), UnaccentExtension()]

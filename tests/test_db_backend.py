"""The suite's database backend (tests/db_backend): a flush deletes the rows instead of truncating,
and still leaves every table as migrate left it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, connections

from registry.models import RecordTally
from tests.db_backend.base import MADE_BY_MIGRATE
from tests.factories import WorkerRecordFactory


def rows_per_table() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {connection.ops.quote_name(t)}" for t in tables),
            tables,
        )
        return dict(cursor.fetchall())


def test_every_alias_runs_the_test_backend():
    assert {type(connections[alias].ops).__module__ for alias in connections} == {"tests.db_backend.base"}


@pytest.mark.django_db(transaction=True)
def test_a_flush_empties_every_table_the_tally_triggers_included(agency, period):
    WorkerRecordFactory.create_batch(3, agency=agency, period=period)
    assert RecordTally.objects.exists()  # written by the triggers on the records
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    # The worst order: the tally emptied before the records, whose deletion writes to it again.
    tally = RecordTally._meta.db_table
    ordered = [tally, *sorted(t for t in tables if t != tally)]
    statements = connection.ops.sql_flush(no_style(), ordered)
    assert all(statement.startswith("DELETE FROM") for statement in statements)

    connection.ops.execute_sql_flush(statements)

    assert {table: n for table, n in rows_per_table().items() if n and table not in MADE_BY_MIGRATE} == {}


@pytest.mark.django_db(transaction=True)
def test_the_flush_after_a_transactional_test_leaves_what_migrate_makes(agency, period):
    WorkerRecordFactory(agency=agency, period=period)
    kinds, permissions = ContentType.objects.count(), Permission.objects.count()
    # As Django's TransactionTestCase asks for it after each test.
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False, allow_cascade=False)
    left = {table: n for table, n in rows_per_table().items() if n and table not in MADE_BY_MIGRATE}
    assert left == {}
    assert (ContentType.objects.count(), Permission.objects.count()) == (kinds, permissions)
    assert Permission.objects.filter(codename="change_workerrecord").exists()

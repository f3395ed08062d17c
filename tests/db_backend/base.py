"""The test suite's database backend: the engine the settings chose, with one difference: after a
transactional test, its tables are emptied with DELETE instead of TRUNCATE.

Django's flush truncates every table, and PostgreSQL's TRUNCATE gives each of the ~40 tables and
their indexes new files: 240–275 ms per flush, then ~45 ms for post_migrate to make the content
types and permissions again; deleting the few rows such a test leaves takes 15–18 ms, and
post_migrate ~24 ms when they are kept (docs/performance.md). The tables end as migrate left them
either way; a flush that must also restart the id sequences, or reach tables outside its list, is
Django's own. Chosen in tests/conftest.py (`pytest_configure`), which names the settings' engine in
TEST_DATABASE_BASE_ENGINE; nothing outside the tests uses it.
"""

from __future__ import annotations

import os
from importlib import import_module

configured = import_module(os.environ["TEST_DATABASE_BASE_ENGINE"] + ".base")

# Rows that migrate makes and that the flush's post_migrate signal would make again (~40 content
# types, ~160 permissions: ~20 ms of inserts a flush). No test writes to these tables, so they are
# kept, and the signal finds every row already there.
MADE_BY_MIGRATE = {"django_content_type", "auth_permission"}


class DatabaseOperations(configured.DatabaseWrapper.ops_class):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        deletes = [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))};"
            for t in tables
            if t not in MADE_BY_MIGRATE
        ]
        # Twice: a table's triggers may write to a table already emptied (deleting records appends
        # their negative counts to the tally); the second pass deletes what they wrote, and its
        # deletes of nothing write nothing. Foreign keys are checked at the flush's commit.
        return deletes + deletes


class DatabaseWrapper(configured.DatabaseWrapper):
    ops_class = DatabaseOperations

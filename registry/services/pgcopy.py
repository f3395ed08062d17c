"""PostgreSQL COPY for many records and audit rows at once (the import, the API's bulk upsert): one statement."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.db import connection


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        value = "{" + ",".join(f'"{v}"' for v in value) + "}"
    elif isinstance(value, dict):
        value = json.dumps(value)
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_into(model, rows: list[dict[str, Any]], *, now: dt.datetime, with_pk: bool = True) -> None:
    """Insert many rows with PostgreSQL COPY: the ORM's bulk_create spends most of an import
    preparing values field by field; COPY takes the rows as text. Columns not given get the
    model's default (auto_now fields: `now`)."""
    # Generated columns are the database's to fill (COPY may not name them).
    fields = [f for f in model._meta.concrete_fields if (with_pk or not f.primary_key) and not f.generated]
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif not f.primary_key and not callable(getattr(f, "default", None)):
            defaults[f.attname] = f.get_default()
    buffer = io.StringIO()
    for row in rows:
        values = []
        for f in fields:
            name = f.attname
            if name in row:
                value = row[name]
            elif name in defaults:
                value = defaults[name]
            else:
                value = f.get_default()
            values.append(_copy_text(value))
        buffer.write("\t".join(values))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # copy_expert bypasses Django's cursor wrapper: without wrap_database_errors a constraint
        # violation would be psycopg2's own error, not django.db.IntegrityError.
        cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)

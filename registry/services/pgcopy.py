"""PostgreSQL COPY for many records and audit rows at once (the import, the API's bulk upsert): one statement."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.db import connection


def _copy_text(value: Any) -> str:
    kind = type(value)
    if kind is str:
        # Most values are plain text without a character COPY escapes: returned as they are (four
        # membership tests cost less than four replace() passes, thousands of times a batch).
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return _escaped(value)
        return value
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
    return _escaped(str(value))


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


_CALL_DEFAULT = object()  # a field whose default is computed for each row (e.g. a random token)


def copy_into(model, rows: list[dict[str, Any]], *, now: dt.datetime, with_pk: bool = True) -> None:
    """Insert many rows with PostgreSQL COPY: the ORM's bulk_create spends most of an import
    preparing values field by field; COPY takes the rows as text. Columns not given get the
    model's default (auto_now fields: `now`)."""
    # Generated columns are the database's to fill (COPY may not name them).
    fields = [f for f in model._meta.concrete_fields if (with_pk or not f.primary_key) and not f.generated]
    # Each column's text when a row leaves it out, decided once for the batch.
    missing: list[Any] = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            missing.append(_copy_text(now))
        elif not f.primary_key and (
            not callable(getattr(f, "default", None)) or f.default in (dict, list)  # a fresh empty one
        ):
            missing.append(_copy_text(f.get_default()))
        else:
            missing.append(_CALL_DEFAULT)
    columns = [(f.attname, f, text) for f, text in zip(fields, missing, strict=True)]
    lines = []
    # A JSON value shared by many rows (the audit rows' `after` of a batch) is encoded once.
    encoded: dict[int, str] = {}
    for row in rows:
        values = []
        for name, f, text in columns:
            if name in row:
                value = row[name]
                if type(value) is dict:
                    if (known := encoded.get(id(value))) is None:
                        known = encoded[id(value)] = _copy_text(value)
                    values.append(known)
                else:
                    values.append(_copy_text(value))
            elif text is _CALL_DEFAULT:
                values.append(_copy_text(f.get_default()))
            else:
                values.append(text)
        lines.append("\t".join(values))
    lines.append("")
    buffer = io.StringIO("\n".join(lines))
    names = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # copy_expert bypasses Django's cursor wrapper: without wrap_database_errors a constraint
        # violation would be psycopg2's own error, not django.db.IntegrityError.
        cursor.copy_expert(f"COPY {model._meta.db_table} ({names}) FROM STDIN", buffer)

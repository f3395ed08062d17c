"""One JSON object per log line (`LOG_FORMAT=json`), for log collectors (Loki, Elasticsearch, ...).

A formatter only shapes what a handler emits: the handler's filters (the personal-data mask on
every handler, nonasn/logging.py) have already run on the record. To be safe also where a handler
was attached without that filter, the formatter applies it once more before writing anything.

Fields: time (ISO 8601, UTC), level, logger, message, and when present: exception (traceback
text), process/thread ids, and the extra attributes this project logs with `extra=` (only simple
values: str, int, float, bool, None).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from nonasn.logging import MaskPersonalData

# Attributes every LogRecord has; anything else was passed with `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "_masked", "server_time"}
_mask = MaskPersonalData()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        _mask.filter(record)  # idempotent: the handler's own filter has normally done it already
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if (
                key not in _STANDARD
                and not key.startswith("_")
                and isinstance(value, str | int | float | bool | None)
            ):
                entry[key] = value
        line = json.dumps(entry, ensure_ascii=False, default=str)
        # The filter masks message and (in the platform's version) tracebacks; a last pass over the
        # finished line catches a 16-digit number in an extra attribute or an unmasked traceback.
        return _mask_text(line)


def _mask_text(text: str) -> str:
    record = logging.makeLogRecord({"msg": text})
    _mask.filter(record)
    return record.msg

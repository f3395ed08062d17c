"""Keeping personal numbers and card tokens out of every log line.

What must never be written: a NIK or KK (16 digits, also typed with spaces or dots), and a card's
verification token (32 URL-safe characters; whoever has it can open the card's public page). They
reach log records by many roads: request lines of the dev server and gunicorn (query strings,
`/verifikasi/<token>/`), Django's "Not Found: /…" warnings, and exception text — PostgreSQL's COPY
error context quotes a whole row. So the masking is applied to the finished text of each record
(message with its arguments, formatted traceback, stack), by a filter on every handler (settings'
LOGGING, Django's own handlers, gunicorn's through nonasn.access_log) and by the formatters.
"""

from __future__ import annotations

import logging
import re

from django.utils.log import ServerFormatter

MASK = "****************"
# 16 or more digits, optionally split by single spaces, dots, dashes or "+", plain or URL-encoded once
# or twice (a NIK typed in a search box as "3273 0164 1283 0432" arrives as "3273+0164+1283+0432",
# and inside a login page's ?next= as "3273%2B0164%2B…").
LONG_NUMBER = re.compile(r"(?<!\d)\d(?:(?:[ .+\-]|%(?:25)?(?:20|2[BbDdEe]))?\d){15,}(?!\d)")
# Card tokens are secrets.token_urlsafe(24): exactly 32 of [A-Za-z0-9_-]. A run of 32 such characters
# with an upper-case letter, a digit or a dash is masked (snake_case names of 32 letters are not).
URLSAFE_32 = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[A-Z0-9-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])")
# Whatever follows /verifikasi/ is a card token (or an attempt at one).
CARD_PATH = re.compile(r"(/verifikasi/)[^/\s?#\"']+")

_exception_formatter = logging.Formatter()


def mask(text: str) -> str:
    if not text:
        return text
    text = CARD_PATH.sub(r"\1***", text)
    text = LONG_NUMBER.sub(MASK, text)
    return URLSAFE_32.sub("***", text)


class MaskPersonalData(logging.Filter):
    """Rewrite the record in place: message (with its arguments), traceback and stack, masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what there is
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = mask(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        record._masked = True
        return True


class MaskingFormatter(logging.Formatter):
    """The final line masked too (covers anything a format string adds from the record)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


class MaskingServerFormatter(ServerFormatter):
    """runserver's request lines ("GET /instansi/pegawai/?q=… HTTP/1.1" 200), masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))


def mask_every_handler() -> None:
    """Put the filter on every handler already attached to any logger (root included).

    LOGGING covers our handlers; this also covers the ones Django's DEFAULT_LOGGING and libraries
    attached before or beside it."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
                handler.addFilter(MaskPersonalData())

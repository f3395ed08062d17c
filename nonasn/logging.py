"""Logging filter that keeps personal numbers out of every log line."""

from __future__ import annotations

import logging
import re

# NIK and KK are 16 digits; no other 16-digit run is logged by this project.
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if SIXTEEN_DIGITS.search(message):
            record.msg = SIXTEEN_DIGITS.sub("****************", message)
            record.args = ()
        return True

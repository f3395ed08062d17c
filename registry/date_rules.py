"""The one set of date rules for a worker's data, used by the agency form and edit, the XLSX import
and the worker's own sections (each path turns the errors into its own shape)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils.translation import gettext as _

# Dates that describe the past: none of them can be later than today.
PAST_DATES = ("birth_date", "sk_date", "start_date", "graduation_date")


def date_errors(values: Mapping[str, dt.date | None], *, today: dt.date) -> dict[str, list[str]]:
    """Field name -> messages for the dates in `values` (missing or None dates are not checked).

    The rules: no past-describing date after today; the end date (TMT end) not before the start
    date (the database's `record_end_after_start` holds the same); graduation not before birth.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in PAST_DATES:
        value = values.get(name)
        if value is not None and value > today:
            add(name, _("This date is in the future. Enter a date up to today."))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        add("end_date", _("The end date is before the start date."))
    birth, graduation = values.get("birth_date"), values.get("graduation_date")
    if birth and graduation and graduation < birth:
        add("graduation_date", _("The graduation date is before the date of birth."))
    return errors

"""The one table of the registry's constraint messages, and saving so that a violated constraint
becomes the person's message (keyed by field) instead of a raw database error.

The messages themselves are the models' `violation_error_message`; this module maps each
constraint to its field and reads them. Every path (the agency form, the worker's sections, the
import) goes through it. Which writes are allowed does not belong here.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import Document, WorkerRecord, WorkHistory

# The field each CHECK and UNIQUE constraint of the registry's tables concerns (None: the whole form).
# The message a person reads is the constraint's own violation_error_message (in the models), used
# when a write reaches the database past the form and service rules (a race, a missed rule).
CONSTRAINT_FIELDS: dict[str, str | None] = {
    "record_one_active_nik_per_period": "nik",
    "record_nik_16_digits": "nik",
    "record_kk_16_digits": "kk",
    "record_status_valid": None,
    "record_sex_valid": "sex",
    "record_end_after_start": "end_date",
    "workhistory_unique_order": None,
    "workhistory_at_most_5": None,
    "document_one_per_kind": None,
    "document_content_type_allowed": None,
}


def _constraint_messages() -> dict[str, Any]:
    return {
        c.name: c.violation_error_message
        for model in (WorkerRecord, WorkHistory, Document)
        for c in model._meta.constraints
    }


def constraint_name(exc: Exception) -> str:
    """The name of the constraint an IntegrityError (or DataError) violated (PostgreSQL tells it), or ""."""
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def is_drawn_number(name: str) -> bool:
    """Whether a violated unique constraint is of a number a new record draws itself (registration
    number, card token): such a clash is drawn again, never shown to a person."""
    return "registration_number" in name or "card_token" in name


def constraint_message(name: str) -> tuple[str | None, str] | None:
    """(field or None for the whole form, the person's message) for a constraint of the registry's
    tables, by its name; None for a name that is not one of them. The one table every path reads:
    the form, the worker's sections and the import."""
    if name not in CONSTRAINT_FIELDS:
        return None
    return CONSTRAINT_FIELDS[name], str(_constraint_messages()[name])


def constraint_error(exc: IntegrityError) -> ValidationError | None:
    """The person's message for a violated constraint, keyed by field where there is one."""
    found = constraint_message(constraint_name(exc))
    if found is None:
        return None
    field_name, message = found
    return ValidationError({field_name: [message]} if field_name else message)


def save_guarding_constraints(instance: Any, **save_kwargs: Any) -> None:
    """Save in a savepoint; a violated constraint becomes its ValidationError, never a raw database error."""
    try:
        with transaction.atomic():
            instance.save(**save_kwargs)
    except IntegrityError as exc:
        error = constraint_error(exc)
        if error is None:
            raise
        raise error from None

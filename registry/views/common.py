from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404

from registry.models import Period
from registry.services.memos import current_period


def active_period() -> Period:
    """The active period of a portal page (404 without one), from the per-process memo."""
    period = current_period()
    if period is None:
        raise Http404("No active period")
    return period


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field where the form has it,
    above the form otherwise (never a crash for a field the form does not show)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields and name != NON_FIELD_ERRORS else None, errors)

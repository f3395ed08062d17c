"""Input of the verification queue and the record page (validation only; the rules are in services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import Flag, Status, WorkUnit
from verification.services.decisions import MAX_REASON_LENGTH, Outcome, TmsReason

QUEUE_STATUSES = (Status.SUBMITTED, Status.NEEDS_REVISION, Status.ELIGIBLE, Status.INELIGIBLE)


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    flag = forms.ChoiceField(label=_("Flag"), required=False)
    unit = forms.TypedChoiceField(label=_("Work unit"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, units: list[WorkUnit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = [(s.value, s.label) for s in QUEUE_STATUSES]
        self.fields["flag"].choices = [*everything, ("any", _("Any flag")), ("none", _("No flag"))] + list(
            Flag.choices
        )
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in units or []]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status") or Status.SUBMITTED,
            "flag": data.get("flag") or "",
            "unit": data.get("unit"),
        }


class _SeenState(forms.Form):
    """What the operator saw: the service refuses when the record has changed since."""

    expected_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    expected_updated_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    queue = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    @classmethod
    def seen(cls, record, queue: str = "", **kwargs) -> _SeenState:
        initial = {
            "expected_status": record.status,
            "expected_updated_at": record.updated_at.isoformat(),
            "queue": queue,
        }
        return cls(initial=initial, **kwargs)


def _reason_field(label, help_text="", required=False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_REASON_LENGTH,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class DecisionForm(_SeenState):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    tms_reason = forms.ChoiceField(
        label=_("Reason for TMS"),
        required=False,
        choices=[("", "—"), *TmsReason.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = _reason_field(
        _("Reason or note to the worker"),
        _("Required when returning for revision (the worker reads it) and for TMS “Other”."),
    )

    def __init__(self, *args, return_refused: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Returning for revision is offered only when the rule allows it (`revision_permission`);
        # otherwise the page says why beside the choices.
        self.return_refused = return_refused
        if return_refused:
            self.fields["outcome"].choices = [c for c in Outcome.choices if c[0] != Outcome.RETURN]


class ChangeForm(_SeenState):
    outcome = forms.ChoiceField(
        label=_("New decision"),
        choices=[(o.value, o.label) for o in (Outcome.ELIGIBLE, Outcome.INELIGIBLE)],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    tms_reason = forms.ChoiceField(
        label=_("Reason for TMS"),
        required=False,
        choices=[("", "—"), *TmsReason.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = _reason_field(
        _("Why the decision is changed"), _("For example: a complaint proved the worker does not work here.")
    )


class ReopenForm(_SeenState):
    reason = _reason_field(_("Why the decision is reopened"))


class IdListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("The selection is not valid; reload the page.")) from None


class BulkForm(forms.Form):
    records = IdListField(required=True, error_messages={"required": _("Select at least one record.")})
    queue = forms.CharField(required=False, max_length=500)

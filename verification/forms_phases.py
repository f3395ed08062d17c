"""Input checks of the phase, SPTJM and national desk forms (the rules live in the services)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.models import Agency, AgencySubmission
from verification.services.sptjm import MAX_SIGNED_BYTES, validate_nip


class SptjmForm(forms.Form):
    ppk_name = forms.CharField(label=_("Name of the agency head (PPK)"), max_length=150)
    ppk_nip = forms.CharField(
        label=_("NIP of the agency head"), max_length=30, help_text=_("18 digits, without spaces.")
    )
    ppk_position = forms.CharField(label=_("Position of the agency head"), max_length=150)

    def clean_ppk_nip(self) -> str:
        return validate_nip(self.cleaned_data["ppk_nip"])


class SignedUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Signed SPTJM (PDF scan)"),
        help_text=_("PDF only, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "required": _("Choose the scanned PDF of the signed SPTJM."),
            "empty": _("The file is empty. Choose the scanned PDF again."),
        },
    )
    max_bytes = MAX_SIGNED_BYTES


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("Say why the agency is reopened.")},
    )


class ExtendDeadlineForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Deadline"),
        choices=[
            ("input", _("Input deadline")),
            ("correction", _("Correction deadline")),
            ("finalisation", _("Finalisation deadline")),
        ],
    )
    until = forms.DateTimeField(
        label=_("New deadline (WIB)"),
        input_formats=["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Enter a date and time, e.g. 31-12-2022 23:59.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": _("Say why the deadline is extended.")},
    )


class DeskFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Agency.Kind.choices], required=False
    )
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", _("All phases")), *AgencySubmission.Phase.choices], required=False
    )
    late = forms.BooleanField(label=_("Only agencies past a deadline"), required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or "name"


def refuse_field(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields (or on top when it names none)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)

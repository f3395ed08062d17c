"""Forms of the public site (Cek Status, complaints) and the agency's answer to a complaint: input
validation only."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms_worker import captcha_field, clean_phone
from announcements.services.complaints.answering import MAX_ANSWER_LENGTH
from registry.validators import validate_nik
from verification.services.decisions import Outcome, TmsReason

MAX_DESCRIPTION = 3000


def _clean_nik(value: str) -> str:
    nik = re.sub(r"[\s.]", "", value or "")
    validate_nik(nik)
    return nik


class _ComplainantFields(forms.Form):
    """Who files: name, NIK, e-mail (to follow the ticket), phone."""

    complainant_name = forms.CharField(label=_("Your full name"), max_length=150)
    complainant_nik = forms.CharField(
        label=_("Your NIK"),
        max_length=24,
        help_text=_("Checked, then stored only in part; it is never shown in full."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("You need it, with the ticket number, to follow your complaint."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Your mobile phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_complainant_nik(self) -> str:
        return _clean_nik(self.cleaned_data["complainant_nik"])

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])


class ComplaintForm(_ComplainantFields):
    description = forms.CharField(
        label=_("Your complaint"),
        max_length=MAX_DESCRIPTION,
        help_text=_(
            "What is wrong with this entry (e.g. not actually working there, wrong position) and how you know."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    evidence = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("A photo or scan: JPEG, PNG or PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    captcha = captcha_field()


class MissingReportForm(_ComplainantFields):
    """ "Tidak terdaftar": a worker of the agency who is missing from its list."""

    nik = forms.CharField(
        label=_("NIK of the missing worker"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Full name of the missing worker (as on the KTP)"), max_length=150)
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION,
        help_text=_(
            "Where the worker works, since when, position, and anything the agency needs to find them."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    captcha = captcha_field()

    field_order = ["nik", "name", "description", "complainant_name", "complainant_nik", "email", "phone"]

    def clean_nik(self) -> str:
        return _clean_nik(self.cleaned_data["nik"])


class TrackForm(forms.Form):
    ticket = forms.CharField(
        label=_("Ticket number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "ADU-XXXX-XXXX"}),
    )
    email = forms.EmailField(label=_("The e-mail address you gave"))


class AnswerForm(forms.Form):
    ACCEPT = "accept"
    REJECT = "reject"
    NO_CHANGE = ""

    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[(ACCEPT, _("Accept")), (REJECT, _("Reject"))],
        widget=forms.RadioSelect,
    )
    change_to = forms.ChoiceField(
        label=_("Action on the record's decision"),
        required=False,
        choices=[
            (NO_CHANGE, _("No change to the decision")),
            (Outcome.ELIGIBLE.value, _("Change the decision to MS")),
            (Outcome.INELIGIBLE.value, _("Change the decision to TMS")),
        ],
        help_text=_("Possible until the correction deadline."),
    )
    tms_reason = forms.ChoiceField(
        label=_("Reason for TMS"), required=False, choices=[("", "—"), *TmsReason.choices]
    )
    answer = forms.CharField(
        label=_("Action taken, or reason for rejecting"),
        max_length=MAX_ANSWER_LENGTH,
        help_text=_("The complainant reads this in the e-mail and on the ticket page."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, has_record: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_record:
            del self.fields["change_to"]
            del self.fields["tms_reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.REJECT and cleaned.get("change_to"):
            self.add_error("change_to", _("A decision is changed only when the complaint is accepted."))
        return cleaned

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["decision"] == self.ACCEPT

    def add_service_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class StatusCheckForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (as on the KTP)"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # The second factor: the KK number, which (unlike the birth date) the NIK does not give away.
    kk = forms.CharField(
        label=_("KK number (Kartu Keluarga)"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    captcha = captcha_field()

    def clean_nik(self) -> str:
        nik = re.sub(r"[\s.]", "", self.cleaned_data["nik"])
        if not re.fullmatch(r"\d{16}", nik):
            raise forms.ValidationError(_("NIK must be exactly 16 digits."), code="format")
        return nik

    def clean_kk(self) -> str:
        kk = re.sub(r"[\s.]", "", self.cleaned_data["kk"])
        if not re.fullmatch(r"\d{16}", kk):
            raise forms.ValidationError(_("The KK number must be exactly 16 digits."), code="format")
        return kk

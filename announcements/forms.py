"""Forms of the public site: input validation only."""

from __future__ import annotations

import re

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _


class StatusCheckForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (as on the KTP)"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    captcha = CaptchaField(label=_("Type the characters in the picture"))

    def clean_nik(self) -> str:
        nik = re.sub(r"[\s.]", "", self.cleaned_data["nik"])
        if not re.fullmatch(r"\d{16}", nik):
            raise forms.ValidationError(_("NIK must be exactly 16 digits."), code="format")
        return nik

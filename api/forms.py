"""The agency admin's form for a new API key (what it is called, what it may do, until when)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import Scope

DEFAULT_VALIDITY_DAYS = 365
MAX_VALIDITY_DAYS = 2 * 365


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("The system that will use the key, e.g. SIMPEG Kota Bandung."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.READ)
    expires_on = forms.DateField(
        label=_("Valid until"), widget=DateInput(), help_text=_("At most two years from today.")
    )

    def __init__(self, *args, scopes: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if scopes is not None:
            self.fields["scope"].choices = scopes
        self.initial.setdefault("expires_on", timezone.localdate() + dt.timedelta(days=DEFAULT_VALIDITY_DAYS))

    def clean_expires_on(self) -> dt.date:
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError(_("The expiry date must be in the future."))
        if day > today + dt.timedelta(days=MAX_VALIDITY_DAYS):
            raise forms.ValidationError(_("A key is valid for at most two years."))
        return day

    def expires_at(self) -> dt.datetime:
        """The end of the chosen day, in the site's time zone."""
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))

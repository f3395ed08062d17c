"""Forms of the worker self-registration site: input validation only."""

from __future__ import annotations

import re

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from accounts.services.registration import identity_number
from registry.models import WorkerRecord, WorkHistory
from registry.services.worker_data import (
    AGENCY_ENTERED_MESSAGE,
    APPOINTMENT_FIELDS,
    CONTACT_FIELDS,
    EDUCATION_FIELDS,
    agency_entered,
)

PHONE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _digits(value: str) -> str:
    """NIK and KK as typed from the card, with spaces or dots between the groups of digits."""
    return identity_number(value)


def clean_phone(value: str) -> str:
    phone = re.sub(r"[\s\-()]", "", value or "")
    if not PHONE.match(phone):
        raise forms.ValidationError(
            _("Enter an active Indonesian mobile number, e.g. 081234567890."), code="phone"
        )
    return phone


class CaptchaWidget(CaptchaTextInput):
    """The picture with a "new picture" button (static/js/captcha-refresh.js) and, where flite is
    installed (CAPTCHA_FLITE_PATH), a link to hear the characters.

    Widgets render through the form renderer, which reads apps' templates only: the template lives
    in accounts/templates/, not in the project's templates/.
    """

    template_name = "accounts/widgets/captcha.html"
    # One text box to type in: a plain <label for> it, not a <fieldset>/<legend> around the hidden
    # key and the box (which left the box without a label for screen readers).
    use_fieldset = False


def captcha_field() -> CaptchaField:
    """The one captcha of the site (Buat Akun, Cek Status, complaints): label, picture, "Ganti gambar"."""
    return CaptchaField(
        label=_("Type the characters in the picture"), widget=CaptchaWidget(attrs={"class": "form-control"})
    )


class IdentityCheckForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK (as on the KTP)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kk = forms.CharField(
        label=_("Family card (KK) number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name (as on the KTP)"), max_length=150)
    birth_place = forms.CharField(label=_("Place of birth (as on the KTP)"), max_length=100)
    birth_date = forms.DateField(label=_("Date of birth (as on the KTP)"), widget=DateInput())
    phone = forms.CharField(
        label=_("Active mobile phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Active personal e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    captcha = captcha_field()

    def clean_nik(self) -> str:
        nik = _digits(self.cleaned_data["nik"])
        if not re.fullmatch(r"\d{16}", nik):
            raise forms.ValidationError(_("NIK must be exactly 16 digits."), code="format")
        return nik

    def clean_kk(self) -> str:
        kk = _digits(self.cleaned_data["kk"])
        if not re.fullmatch(r"\d{16}", kk):
            raise forms.ValidationError(_("KK number must be exactly 16 digits."), code="format")
        return kk

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])


class AccountCreateForm(forms.Form):
    """Step 2: password, KTP and passport photo."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    ktp = forms.FileField(
        label=_("KTP (or Dukcapil letter)"),
        help_text=_("Photo or scan: JPEG, PNG or PDF, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    photo = forms.FileField(
        label=_("Passport photo (blue background)"),
        help_text=_("Photo: JPEG or PNG, up to 10 MB. It is reduced automatically."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, record: WorkerRecord | None = None, **kwargs):
        self.record = record
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ. Type the same password twice."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class BiodataForm(forms.ModelForm):
    """Contact and appointment details: the worker's part of the biodata."""

    class Meta:
        model = WorkerRecord
        fields = [*CONTACT_FIELDS, *APPOINTMENT_FIELDS]
        widgets = {
            "sk_date": DateInput(),
            "start_date": DateInput(),
            "end_date": DateInput(),
            "address": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "monthly_pay": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The agency's appointment entries are shown, not editable (the service refuses them too).
        for name in agency_entered(self.instance):
            self.fields[name].disabled = True
            self.fields[name].help_text = AGENCY_ENTERED_MESSAGE

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone")
        return clean_phone(value) if value else value


class EducationForm(forms.ModelForm):
    class Meta:
        model = WorkerRecord
        fields = list(EDUCATION_FIELDS)
        widgets = {"graduation_date": DateInput()}


class WorkHistoryForm(forms.ModelForm):
    class Meta:
        model = WorkHistory
        fields = ["start_date", "end_date", "sk_number", "position", "unit"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


WorkHistoryFormSet = forms.formset_factory(
    WorkHistoryForm, extra=1, max_num=WorkHistory.MAX_ENTRIES, validate_max=True, can_delete=True
)


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )

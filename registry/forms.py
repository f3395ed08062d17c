"""Input validation for the agency portal (the rules themselves live in services and validators)."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from registry.models import Category, Flag, Status, WorkerRecord, WorkUnit
from registry.services.records import WorkerData
from registry.validators import identity_number


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_FIELDS = ("birth_date", "sk_date", "start_date", "end_date", "graduation_date")


class IsoFirstDateField(forms.DateField):
    """A date field that reads an ISO date (YYYY-MM-DD: what the date inputs and the API send) without
    strptime, which costs more than the rest of the field's checks; any other text as Django reads
    it (the input formats in turn)."""

    def strptime(self, value: str, format: str) -> dt.date:
        if format == "%Y-%m-%d" and len(value) == 10 and value.isascii() and value[4] == value[7] == "-":
            return dt.date.fromisoformat(value)  # ValueError for a day that does not exist, as strptime
        return super().strptime(value, format)


class WorkerForm(forms.ModelForm):
    """What the agency enters for one worker (identity, category, appointment, education, contact)."""

    work_unit_name = forms.CharField(
        label=_("Work unit"),
        max_length=200,
        required=False,
        help_text=_("Choose from the list or type a new unit name."),
        widget=forms.TextInput(attrs={"list": "work-units", "autocomplete": "off"}),
    )

    class Meta:
        model = WorkerRecord
        fields = [
            "nik",
            "kk",
            "full_name",
            "birth_place",
            "birth_date",
            "sex",
            "category",
            "thk2_number",
            "position",
            "asn_position",
            "pay_source",
            "sk_number",
            "sk_date",
            "sk_signer_position",
            "start_date",
            "end_date",
            "monthly_pay",
            "education_level",
            "education_institution",
            "education_major",
            "diploma_number",
            "graduation_date",
            "phone",
            "email",
            "address",
        ]
        field_classes = {name: IsoFirstDateField for name in DATE_FIELDS}
        widgets = {
            **{name: DateInput() for name in DATE_FIELDS},
            # No maxlength: a NIK typed or pasted with spaces ("3201 0112 …") is accepted and compacted.
            "nik": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "kk": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "sex": forms.RadioSelect,
        }
        help_texts = {
            "nik": _("16 digits, as on the KTP."),
            "full_name": _("As on the KTP, without academic titles."),
            "position": _("The position the worker is paid for."),
        }

    reason = forms.CharField(
        label=_("Reason for changing the identity data"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required when NIK, KK, name, place or date of birth or sex change: the worker is told by e-mail."
        ),
    )

    def __init__(self, *args, units: list[WorkUnit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units or []
        if self.instance.pk and self.instance.work_unit_id:
            self.initial.setdefault("work_unit_name", self.instance.work_unit.name)
        for name in ("birth_place", "position", "kk"):
            self.fields[name].required = True
        self.fields["sex"].choices = list(WorkerRecord.Sex.choices)
        for name in ("nik", "kk"):
            # Typed as on the card, with spaces or dots: compacted in clean_<name>, then the service
            # checks the 16 digits with its own message (the model's length limit would speak first).
            field = self.fields[name]
            field.max_length = 40
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.widget.attrs.pop("maxlength", None)
        # No category is chosen for the operator: THK-II is exempt from the age rule, so a wrong
        # default would hide a flag. An empty first option, and a clear message when left empty.
        category = self.fields["category"]
        category.choices = [("", _("— choose a category —")), *Category.choices]
        category.required = True
        category.error_messages["required"] = _("Choose the category: THK-II or non-ASN.")
        if not self.instance.pk:
            self.initial["category"] = ""
        # The reason is asked only where the worker's login rests on the identity (an account exists).
        self.identity_needs_reason = bool(self.instance.pk and self.instance.has_worker_account)
        if not self.identity_needs_reason:
            del self.fields["reason"]
        # The date inputs send ISO dates (YYYY-MM-DD), as the API does: tried first, before the
        # locale's formats (which Django tries one by one before falling back to ISO).
        iso_first = ("%Y-%m-%d", *formats.get_format("DATE_INPUT_FORMATS"))
        for name in DATE_FIELDS:
            self.fields[name].input_formats = iso_first
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField) and not isinstance(field.choices, list):
                # A model's choices iterate lazily, flattened again on every check: read once.
                field.choices = list(field.choices)

    @cached_property
    def helper(self) -> FormHelper:
        """The page's layout, built when a page renders the form (the API and the bulk upsert only
        validate with it: building the layout was half of their cost per worker)."""
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            Fieldset(
                _("Identity"),
                Row(Column("nik", css_class="col-md-6"), Column("kk", css_class="col-md-6")),
                "full_name",
                Row(
                    Column("birth_place", css_class="col-md-5"),
                    Column("birth_date", css_class="col-md-4"),
                    Column("sex", css_class="col-md-3"),
                ),
            ),
            Fieldset(
                _("Category and appointment"),
                Row(Column("category", css_class="col-md-6"), Column("thk2_number", css_class="col-md-6")),
                Row(Column("position", css_class="col-md-6"), Column("asn_position", css_class="col-md-6")),
                Row(
                    Column("work_unit_name", css_class="col-md-6"), Column("pay_source", css_class="col-md-6")
                ),
                Row(Column("sk_number", css_class="col-md-6"), Column("sk_date", css_class="col-md-6")),
                "sk_signer_position",
                Row(
                    Column("start_date", css_class="col-md-4"),
                    Column("end_date", css_class="col-md-4"),
                    Column("monthly_pay", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Education"),
                Row(
                    Column("education_level", css_class="col-md-4"),
                    Column("education_institution", css_class="col-md-8"),
                ),
                Row(
                    Column("education_major", css_class="col-md-4"),
                    Column("diploma_number", css_class="col-md-4"),
                    Column("graduation_date", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Contact"),
                Row(Column("phone", css_class="col-md-6"), Column("email", css_class="col-md-6")),
                "address",
            ),
            *([Fieldset(_("Reason for the change"), "reason")] if self.identity_needs_reason else []),
            HTML(
                '<datalist id="work-units">{% for u in form.units %}<option value="{{ u.name }}">'
                "{% endfor %}</datalist>"
            ),
            Div(css_class="mb-2"),
        )
        for part in helper.layout.fields:
            if isinstance(part, Fieldset):
                part.css_class = "portal-fieldset"
        return helper

    def clean_nik(self) -> str:
        return identity_number(self.cleaned_data["nik"])

    def clean_kk(self) -> str:
        return identity_number(self.cleaned_data["kk"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") != Category.THK2:
            cleaned["thk2_number"] = ""
        return cleaned

    def _post_clean(self) -> None:
        # The model's own validation (unique NIK, check constraints) is the service's job: it
        # names the agency holding a NIK and runs inside the transaction that saves.
        pass

    def change_reason(self) -> str:
        return self.cleaned_data.get("reason", "") if self.identity_needs_reason else ""

    def worker_data(self) -> WorkerData:
        c = self.cleaned_data
        fields = {name: c.get(name) for name in self.Meta.fields}
        for name in _NOT_NULL:
            if fields[name] is None:
                fields[name] = ""
        return WorkerData(**fields, work_unit_name=c.get("work_unit_name") or "")


# The form's fields stored as text (no NULL): an empty value is saved as "".
_NOT_NULL = tuple(name for name in WorkerForm.Meta.fields if not WorkerRecord._meta.get_field(name).null)


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for release"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("For example: the worker moved to another agency, or was registered by mistake."),
    )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("XLSX file"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The limit the import enforces (settings.IMPORT_MAX_ROWS), written the Indonesian way.
        self.fields["file"].help_text = _("Use the template. Up to %(rows)s rows per file.") % {
            "rows": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")
        }


class WorkerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Name, NIK or registration number")}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    flag = forms.ChoiceField(label=_("Flag"), required=False)
    unit = forms.TypedChoiceField(label=_("Work unit"), required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name A–Z")),
            ("-name", _("Name Z–A")),
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
        ],
    )

    def __init__(self, *args, units: list[WorkUnit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["status"].choices = everything + list(Status.choices)
        self.fields["category"].choices = everything + list(Category.choices)
        self.fields["flag"].choices = [*everything, ("any", _("Any flag")), ("none", _("No flag"))] + list(
            Flag.choices
        )
        self.fields["unit"].choices = everything + [(u.pk, u.name) for u in units or []]
        for name, field in self.fields.items():
            css = "form-control" if name == "q" else "form-select"
            field.widget.attrs["class"] = css


class AgencyContactForm(forms.Form):
    """The agency's contact as workers and the public read it (AgencyContact); all optional."""

    unit = forms.CharField(
        label=_("Unit in charge"),
        required=False,
        max_length=200,
        help_text=_("E.g. Bidang Pengadaan dan Informasi Kepegawaian, BKPSDM."),
    )
    phone = forms.RegexField(
        label=_("Telephone"),
        required=False,
        max_length=40,
        regex=r"^[0-9+()\-. ]*$",
        error_messages={"invalid": _("Use digits, spaces, +, -, ( and ) only.")},
    )
    whatsapp = forms.RegexField(
        label=_("WhatsApp"),
        required=False,
        max_length=40,
        regex=r"^[0-9+\-. ]*$",
        error_messages={"invalid": _("Use digits, spaces, + and - only.")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(
        label=_("Address"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    service_hours = forms.CharField(label=_("Service hours"), required=False, max_length=200,
                                    help_text=_("E.g. Senin–Jumat 08.00–16.00 WIB."))  # fmt: skip

"""The API's documents. Input is validated by the portal's own forms (registry.forms.WorkerForm,
ReleaseForm, WorkerFilterForm): the input serializers here are built from those forms' fields, so the
OpenAPI description says what the form accepts and no rule is written a second time."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.forms import ReleaseForm, WorkerForm
from registry.models import Agency, Status, WorkerRecord
from registry.services.records import EDITABLE_FIELDS


def _field_for(form_field: forms.Field) -> serializers.Field:
    """The OpenAPI shape of one form field (types, lengths, choices; validation stays the form's)."""
    required = form_field.required
    common = {"required": required, "help_text": str(form_field.help_text or "") or None}
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(allow_null=not required, **common)
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(
            allow_null=not required, min_value=form_field.min_value, max_value=form_field.max_value, **common
        )
    if isinstance(form_field, forms.ChoiceField):
        # With their labels, so that an enum is the model's own (one component, not a near-copy).
        choices = [(value, label) for value, label in form_field.choices if value != ""]
        return serializers.ChoiceField(choices=choices, allow_blank=not required, **common)
    if isinstance(form_field, forms.EmailField):
        return serializers.EmailField(allow_blank=True, max_length=form_field.max_length, **common)
    return serializers.CharField(
        allow_blank=not required, max_length=form_field.max_length, trim_whitespace=False, **common
    )


def form_serializer(name: str, form: forms.BaseForm, *, extra: dict | None = None) -> type:
    fields = {field_name: _field_for(field) for field_name, field in form.fields.items()}
    fields.update(extra or {})
    return type(name, (serializers.Serializer,), {**fields, "__doc__": form.__doc__})


WorkerInputSerializer = form_serializer(
    "WorkerInput",
    WorkerForm(),
    extra={
        "reason": serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=1000,
            help_text=str(
                _(
                    "Required when NIK, KK, name, place or date of birth or sex change: the worker is told by e-mail."
                )
            ),
        )
    },
)
ReleaseInputSerializer = form_serializer("ReleaseInput", ReleaseForm())


class WorkerSerializer(serializers.ModelSerializer):
    """A worker record as the API answers it: the agency's data, its status, flags and registration number."""

    work_unit_name = serializers.SerializerMethodField()
    # Text as entered (may be empty): no format the answer would have to meet.
    email = serializers.CharField(read_only=True)

    class Meta:
        model = WorkerRecord
        fields = [
            "id",
            "registration_number",
            "status",
            "flags",
            *[name for name in EDITABLE_FIELDS if name != "work_unit"],
            "work_unit_name",
            "decision_reason",
            "revision_note",
            "created_at",
            "updated_at",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = fields

    def get_work_unit_name(self, record: WorkerRecord) -> str:
        return record.work_unit.name if record.work_unit_id else ""


_DOCUMENT_FIELDS = tuple(name for name in WorkerSerializer.Meta.fields if name != "work_unit_name")
# The columns a worker document reads (the list loads only these, and the work unit's name).
DOCUMENT_COLUMNS = (*_DOCUMENT_FIELDS, "work_unit_id", "work_unit__name")


def _datetime_text(value: dt.datetime) -> str:
    # As DRF's DateTimeField writes it: in the site's time zone, ISO 8601.
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date_text(value: dt.date) -> str:
    return value.isoformat()


def _converter(name: str):
    field = WorkerRecord._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return _datetime_text
    if isinstance(field, models.DateField):
        return _date_text
    return None


# Each field with its conversion to JSON, decided once (not by isinstance on every value).
_CONVERSIONS = tuple((name, _converter(name)) for name in _DOCUMENT_FIELDS)


def worker_document(record: WorkerRecord) -> dict:
    """What WorkerSerializer(record).data gives, written directly: the list answers 25-100 of these
    a page, and DRF's per-instance field building was most of the page's time (the test
    test_worker_document_is_the_serializer_s_output holds the two equal)."""
    document = {}
    for name, convert in _CONVERSIONS:
        value = getattr(record, name)
        document[name] = value if convert is None or value is None else convert(value)
    document["flags"] = list(record.flags)
    document["work_unit_name"] = record.work_unit.name if record.work_unit_id else ""
    return document


class WorkerPageSerializer(serializers.Serializer):
    results = WorkerSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)
    prev_cursor = serializers.CharField(allow_null=True)
    count = serializers.IntegerField(
        allow_null=True, help_text="Up to 10,000; null when not counted in time."
    )
    count_capped = serializers.BooleanField()


class BulkInputSerializer(serializers.Serializer):
    # Each item is a WorkerInput, checked one by one as the form checks it: an item the form refuses
    # is refused in its own result, not the whole request, so the request accepts any objects here.
    items = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=1000,
        help_text="Up to 1,000 workers (each a WorkerInput), matched by NIK among the agency's records.",
    )


class BulkItemResultSerializer(serializers.Serializer):
    """One item's result, compact: what an HR system needs to stay in step. The worker's full
    document is at GET /api/v1/workers/{id}/."""

    index = serializers.IntegerField(help_text="The item's position in `items`, from 0.")
    result = serializers.ChoiceField(choices=["created", "updated", "unchanged", "refused"])
    id = serializers.IntegerField(
        allow_null=True,
        help_text="The worker's id (null when refused before a record of the agency was found).",
    )
    registration_number = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices, allow_null=True)
    flags = serializers.ListField(child=serializers.CharField(), allow_null=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.DictField(child=serializers.CharField())),
        required=False,
        help_text="Refused items only: {field: [{code, message}]}; '__all__' for what concerns no one field.",
    )


class BulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = serializers.IntegerField()
    items = BulkItemResultSerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    cursor = serializers.CharField()
    worker_id = serializers.IntegerField(allow_null=True)
    registration_number = serializers.CharField(allow_null=True)
    status_before = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField(allow_blank=True)
    at = serializers.DateTimeField()


class ChangesPageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text="Give it as `since` next time.")
    has_more = serializers.BooleanField()


class DeadlinesSerializer(serializers.Serializer):
    input = serializers.DateTimeField()
    correction = serializers.DateTimeField()
    finalisation = serializers.DateTimeField()


class CountsSerializer(serializers.Serializer):
    per_status = serializers.DictField(child=serializers.IntegerField())
    per_flag = serializers.DictField(child=serializers.IntegerField())
    flagged = serializers.IntegerField()


class AgencySummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Agency.Kind.values)
    period = serializers.CharField()
    phase = serializers.CharField()
    open_for_input = serializers.BooleanField()
    deadlines = DeadlinesSerializer()
    counts = CountsSerializer()


class BaselineRecordSerializer(WorkerSerializer):
    agency_code = serializers.CharField(source="agency.code")

    class Meta(WorkerSerializer.Meta):
        fields = ["agency_code", *WorkerSerializer.Meta.fields]
        read_only_fields = fields


class BaselinePageSerializer(serializers.Serializer):
    results = BaselineRecordSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)

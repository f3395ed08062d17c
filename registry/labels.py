"""What a person reads for each field of a worker record: the agency form's labels.

The form takes its labels from the model's verbose names (capitalised the way Django's ModelForm
does); exports and other headers ask this module, so a label is changed in one place.
"""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from registry.models import Flag, WorkerRecord

# A flag's short label: the badge of a list row and the bars of the dashboards (the full one is
# the Flag's own label).
FLAG_SHORT = {
    Flag.AGE: _("Age"),
    Flag.SERVICE: _("Service period"),
    Flag.SK_AFTER_CUTOFF: _("SK after cut-off"),
    Flag.PAY_SOURCE: _("Pay source"),
    Flag.EXCLUDED_POSITION: _("Excluded title"),
    Flag.BLU_UNIT: _("BLU/BLUD"),
    Flag.POSSIBLE_DUPLICATE: _("Possible duplicate"),
}

# Fields whose label on the form is not the model field's verbose name.
OTHER_LABELS = {
    "work_unit": _("Work unit"),  # the form's work_unit_name
    "flags": _("Flags"),
}


def record_field_label(name: str) -> str:
    if name in OTHER_LABELS:
        return str(OTHER_LABELS[name])
    return capfirst(str(WorkerRecord._meta.get_field(name).verbose_name))


# Fields declared without a verbose name get Django's English default ("created at"), which no
# catalogue translates; the admin shows these labels instead (registry and accounts models).
UNNAMED_FIELD_LABELS = {
    "agency": _("agency"),
    "period": _("period"),
    "work_unit": _("work unit"),
    "record": _("worker record"),
    "worker_record": _("worker record"),
    "card_token": _("card token"),
    "flags": _("Flags"),
    "order": _("order"),
    "actor": _("actor"),
    "action": _("action"),
    "object_type": _("object type"),
    "object_id": _("object id"),
    "before": _("before"),
    "after": _("after"),
    "reason": _("reason"),
    "reopened_reason": _("reason for reopening"),
    "ip": _("IP address"),
    "file": _("file"),
    "refused_file": _("file of refused rows"),
    "size": _("size (bytes)"),
    "content_type": _("content type"),
    "checksum": _("checksum"),
    "pages": _("pages"),
    "total_rows": _("total rows"),
    "processed_rows": _("processed rows"),
    "valid_rows": _("saved rows"),
    "refused_rows": _("refused rows"),
    "skipped_rows": _("skipped rows (already held)"),
    "skipped": _("skipped rows"),
    "lease_owner": _("worker holding the job"),
    "heartbeat_at": _("last sign of life"),
    "attempts": _("attempts"),
    "can_retry": _("can be run again"),
    "errors": _("errors"),
    "message": _("message"),
    "nik_hash": _("NIK hash"),
    "succeeded": _("succeeded"),
    "created_by": _("created by"),
    "decided_by": _("decided by"),
    "uploaded_by": _("uploaded by"),
    "created_at": _("created at"),
    "updated_at": _("updated at"),
    "submitted_at": _("submitted at"),
    "decided_at": _("decided at"),
    "uploaded_at": _("uploaded at"),
    "started_at": _("started at"),
    "finished_at": _("finished at"),
    "prefinalised_at": _("prefinalised at"),
    "finalised_at": _("finalised at"),
    "completed_at": _("completed at"),
}


def label_unnamed_fields(app_label: str) -> None:
    """Give every field of the app's models that was declared without a verbose name its
    translatable label. Only the shown name changes: migrations read the declared one."""
    from django.apps import apps

    for model in apps.get_app_config(app_label).get_models():
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            if field._verbose_name is None and field.name in UNNAMED_FIELD_LABELS:
                field.verbose_name = UNNAMED_FIELD_LABELS[field.name]

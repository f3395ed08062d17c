from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from registry.models import Document, Flag
from registry.validators import mask_number

register = template.Library()

FLAG_LABELS = dict(Flag.choices)
FLAG_SHORT = {
    Flag.AGE: _("Age"),
    Flag.SERVICE: _("Service period"),
    Flag.SK_AFTER_CUTOFF: _("SK after cut-off"),
    Flag.PAY_SOURCE: _("Pay source"),
    Flag.EXCLUDED_POSITION: _("Excluded title"),
    Flag.BLU_UNIT: _("BLU/BLUD"),
    Flag.POSSIBLE_DUPLICATE: _("Possible duplicate"),
}


@register.filter
def flag_label(value: str) -> str:
    return FLAG_LABELS.get(value, value)


@register.filter
def flag_short(value: str) -> str:
    return FLAG_SHORT.get(value, value)


@register.filter
def masked(value: str) -> str:
    return mask_number(value)


ACTION_LABELS = {
    "record:register": _("Registered by the agency"),
    "record:update": _("Data changed by the agency"),
    "status:released": _("Released"),
    "status:account_created": _("Worker account created"),
    "status:submitted": _("Submitted"),
    "status:eligible": _("Decided: eligible (MS)"),
    "status:ineligible": _("Decided: ineligible (TMS)"),
    "status:needs_revision": _("Returned for revision"),
    "status:not_completed": _("Not completed"),
    "record:worker_update": _("Data completed by the worker"),
    "record:work_history": _("Work history updated by the worker"),
    "record:resubmit": _("Submitted again"),
    "account:create": _("Worker account created"),
}


@register.filter
def action_label(value: str) -> str:
    if value.startswith("document:upload:"):
        kind = value.removeprefix("document:upload:")
        if kind in Document.Kind.values:
            return _("Document uploaded: %(document)s") % {"document": Document.Kind(kind).label}
    return ACTION_LABELS.get(value, value)


@register.filter
def field_label(name: str) -> str:
    from registry.models import WorkerRecord

    if name == "flags":
        return _("Flags")
    try:
        return str(WorkerRecord._meta.get_field(name).verbose_name)
    except Exception:
        return name


@register.filter
def rupiah(value) -> str:
    """Money as it is written in Indonesia, whatever the page's language: "Rp 1.500.000"."""
    if value is None or value == "":
        return ""
    try:
        amount = int(value)
    except (TypeError, ValueError):
        return value
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")

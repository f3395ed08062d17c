from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from registry.models import Flag, audit_action_label
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


@register.filter
def action_label(value: str) -> str:
    """The label of an audit action, from the enum of the app that wrote it (registry.models.audit)."""
    return audit_action_label(value)


# Timeline entries that list field changes (before → after).
_CHANGE_KEYS_HIDDEN = frozenset({"user", "status", "import"})


@register.filter
def audit_changes(event) -> list[dict]:
    """What an audit row changed, field by field, as a person reads it (NIK and KK masked)."""
    before, after = event.before or {}, event.after or {}
    if not isinstance(after, dict) or event.action.startswith(("status:", "document:")):
        return []
    rows = []
    for name, new in after.items():
        if name in _CHANGE_KEYS_HIDDEN or name == "work_history":
            continue
        old = before.get(name) if isinstance(before, dict) else None
        if name in ("nik", "kk"):
            old, new = (mask_number(v) if v and "*" not in str(v) else v for v in (old, new))
        if name == "flags":
            old = ", ".join(str(FLAG_SHORT.get(f, f)) for f in old or [])
            new = ", ".join(str(FLAG_SHORT.get(f, f)) for f in new or [])
        rows.append({"label": field_label(name), "before": _shown(old), "after": _shown(new)})
    return rows


def _shown(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:10]}-{value[5:7]}-{value[0:4]}"  # ISO date → 31-12-2021
    return str(value)


@register.filter
def field_label(name: str) -> str:
    from registry.models import WorkerRecord

    if name == "flags":
        return _("Flags")
    try:
        return str(WorkerRecord._meta.get_field(name).verbose_name)
    except Exception:
        return name

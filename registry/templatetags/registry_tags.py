"""The agency portal's template tags: labels of flags, fields and audit actions, the status and flag
badges (one source for every page), and the list rows and filter bars written in one pass."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from registry.labels import FLAG_SHORT
from registry.models import Flag, audit_action_label
from registry.validators import mask_number

register = template.Library()

FLAG_LABELS = dict(Flag.choices)


@register.filter
def flag_label(value: str) -> str:
    return FLAG_LABELS.get(value, value)


@register.filter
def flag_short(value: str) -> str:
    return FLAG_SHORT.get(value, value)


# The status badge and the flag badges: written here once, for the record pages (the tags) and the
# list rows below (the same functions).


@register.simple_tag
def status_badge(status: str, label: str) -> SafeString:
    """A record's status as a coloured badge: `{% status_badge record.status record.get_status_display %}`."""
    return format_html('<span class="badge status-badge status-{}">{}</span>', status, label)


@register.simple_tag
def flag_badges(flags) -> SafeString:
    """A record's flags as badges, each its short label with the full one as its title:
    `{% flag_badges pairs %}` with (short label, full label) pairs (`registry.listing.ListRow.flags`)."""
    return format_html_join(
        "",
        '<span class="badge flag-badge me-1 mb-1" title="{}">{}</span>',
        ((label, short) for short, label in flags),
    )


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


# The worker list is the agency portal's busiest page. Rendered as template nodes, its 25 rows and
# filter bar were most of its time (each variable escaped through Django's lazy-aware wrappers,
# each <option> rendered by a widget template): these two tags build the same HTML in Python,
# escaping every text once with html.escape (the same entities as Django's escape).


@register.simple_tag
def input_field(bound_field) -> str:
    """The <input> of a form's text field: what `{{ form.field }}` renders, without the widget's
    templates (its attributes from the same Django methods, written in one pass)."""
    widget = bound_field.field.widget
    attrs = bound_field.build_widget_attrs({}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    parts = [f'type="{escape(context["type"])}"', f'name="{escape(context["name"])}"']
    if context["value"] is not None:
        parts.append(f'value="{escape(str(context["value"]))}"')
    for key, value in context["attrs"].items():
        if value is True:
            parts.append(escape(key))
        elif value is not False and value is not None:
            parts.append(f'{escape(key)}="{escape(str(value))}"')
    return mark_safe(f"<input {' '.join(parts)}>")


@register.simple_tag
def select_field(bound_field) -> str:
    """The <select> of a form's choice field (what `{{ form.field }}` renders, in one pass)."""
    current = bound_field.value()
    current = "" if current is None else str(current)
    options = "".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in bound_field.field.choices
    )
    invalid = (
        f' aria-invalid="true" aria-describedby="{escape(bound_field.auto_id)}_error"'
        if bound_field.errors
        else ""
    )
    css = escape(bound_field.field.widget.attrs.get("class", ""))
    return mark_safe(
        f'<select name="{escape(bound_field.html_name)}" class="{css}" id="{escape(bound_field.auto_id)}"'
        f"{invalid}>{options}</select>"
    )


def _name_cell(row, second_line: str) -> str:
    return (
        f'<td><a class="fw-semibold text-decoration-none" href="{escape(row.url)}">{escape(row.name)}</a>'
        f'<div class="small text-muted">{escape(row.category)} · {second_line}</div></td>'
    )


def _cell_labels() -> dict[str, str]:
    """The column names a phone shows beside each cell (the table becomes one block per row)."""
    return {
        "nik": "NIK",
        "position": escape(str(_("Position"))),
        "unit": escape(str(_("Work unit"))),
        "status": escape(str(_("Status"))),
        "submitted": escape(str(_("Submitted"))),
        "flags": escape(str(_("Flags"))),
    }


@register.simple_tag
def worker_rows(rows) -> str:
    """The table rows of the worker list (registry.listing.ListRow)."""
    label = _cell_labels()
    out = []
    for r in rows:
        flagged = ' class="row-flagged"' if r.flags else ""
        out.append(
            f"<tr{flagged}>{_name_cell(r, escape(r.birth_date))}"
            f'<td class="font-monospace small" data-label="{label["nik"]}">{escape(r.masked_nik)}</td>'
            f'<td class="small" data-label="{label["position"]}">{escape(r.position)}</td>'
            f'<td class="small" data-label="{label["unit"]}">{escape(r.unit) or "—"}</td>'
            f'<td data-label="{label["status"]}">{status_badge(r.status, r.status_label)}</td>'
            f'<td data-label="{label["flags"]}">{flag_badges(r.flags) or "—"}</td></tr>'
        )
    return mark_safe("\n".join(out))


@register.simple_tag
def queue_rows(rows, selectable: bool) -> str:
    """The table rows of the verification queue (registry.listing.ListRow with `submitted`);
    `selectable`: with the check box of "decide MS for the selected" (not for flagged records)."""
    one_by_one = escape(str(_("Records with flags are decided one by one.")))
    label = _cell_labels()
    out = []
    for r in rows:
        select = ""
        if selectable:
            disabled = f' disabled title="{one_by_one}"' if r.flags else ""
            select = (
                f'<td class="select-col"><input class="form-check-input record-select" type="checkbox" '
                f'name="records" value="{int(r.pk)}"{disabled} aria-label="{escape(r.name)}"></td>'
            )
        flagged = ' class="row-flagged"' if r.flags else ""
        out.append(
            f'<tr{flagged} data-record="{int(r.pk)}">{select}{_name_cell(r, status_badge(r.status, r.status_label))}'
            f'<td class="font-monospace small" data-label="{label["nik"]}">{escape(r.masked_nik)}</td>'
            f'<td class="small" data-label="{label["position"]}">{escape(r.position)}</td>'
            f'<td class="small" data-label="{label["unit"]}">{escape(r.unit) or "—"}</td>'
            f'<td class="small text-nowrap" data-label="{label["submitted"]}">{escape(r.submitted)}</td>'
            f'<td data-label="{label["flags"]}">{flag_badges(r.flags) or "—"}</td></tr>'
        )
    return mark_safe("\n".join(out))

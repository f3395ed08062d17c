"""The open statistics' agency table rows, written in one pass.

A page of `/statistik/` shows 50 agencies with ~20 cells each; drawn by template loops, those
thousand cells were most of the page's cost (every value resolved, localised and escaped through
the template engine). The view formats each number once (announcements.views.statistics); here
each row is escaped and joined, as the portal's list rows are (registry_tags.worker_rows).
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _cells(values, css: str) -> str:
    return "".join(f'<td class="{css}">{escape(value)}</td>' for value in values)


@register.simple_tag
def agency_rows(agencies: list[dict], view: str, flag_labels: list, status_labels: list) -> SafeString:
    """`view`: "flags" (each agency's share of each flag) or "statuses" (its count of each status)."""
    columns = len(flag_labels if view == "flags" else status_labels)
    not_public = (
        f'<td colspan="{columns}" class="text-muted">{escape(_("List not public yet: progress only"))}</td>'
    )
    out = []
    for a in agencies:
        if view == "flags":
            last = _cells(a["shares"], "text-end") if a["shares"] else not_public
        else:
            last = _cells(a["statuses"], "text-end count") if a["statuses"] else not_public
        out.append(
            f'<tr><th scope="row" class="fw-normal">{escape(a["name"])}</th><td>{escape(a["kind"])}</td>'
            f"<td>{escape(a['province'])}</td><td>{escape(a['phase'])}</td>"
            f'<td class="text-end fw-semibold count">{escape(a["records"])}</td>'
            f'<td class="text-end">{escape(a["change"])}</td>'
            f"{_cells(a['stages'], 'text-end count')}{last}</tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value escaped above)

"""`{{ form|crispy_blank }}`: crispy-forms' drawing of a form (`|crispy`), with a blank form's fields
drawn once per language.

The public forms a crowd opens (a complaint, a missing-worker report, Cek Status) are drawn blank
for nearly every visitor: the same fields, labels and help texts in a language. Only the captcha
differs (a new picture each time). crispy-forms draws a field through some fifty template
conditions; for a complaint form's six fields that was half of the page's ~10 ms.

So a blank form (unbound, no initial values, no prefix) is drawn in two parts, each by crispy's own
`|crispy` (`as_crispy_form`):
- every field but the captchas, kept per process, form class and language (a release restarts the
  processes, so a changed form is never served from an old drawing);
- its captchas, which must be its last fields, drawn each time.
The two parts are the same HTML as the whole form drawn at once
(tests/announcements/test_blank_forms.py). A bound form (errors to show, typed values to keep), a
form with initial values, or one whose fields differ from its class's (a view that removed one) is
drawn whole.
"""

from __future__ import annotations

import copy
import functools

from captcha.fields import CaptchaField
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


def _captchas(form: forms.BaseForm) -> list[str]:
    return [name for name, field in form.fields.items() if isinstance(field, CaptchaField)]


def _only(form: forms.BaseForm, names: list[str]) -> forms.BaseForm:
    """The same form with only these fields (a shallow copy: the fields themselves are shared)."""
    part = copy.copy(form)
    part.fields = {name: form.fields[name] for name in names}
    part._bound_fields_cache = {}
    return part


@functools.lru_cache(maxsize=64)
def _fields_drawn(form_class: type[forms.BaseForm], language: str) -> tuple[tuple[str, ...], SafeString]:
    """A blank form of the class, its captchas left out: (the field names, the drawing)."""
    form = form_class()
    names = [name for name in form.fields if name not in _captchas(form)]
    return (*form.fields,), as_crispy_form(_only(form, names))


@register.filter
def crispy_blank(form: forms.BaseForm) -> SafeString:
    if form.is_bound or form.initial or form.prefix:
        return as_crispy_form(form)
    captchas = _captchas(form)
    names = list(form.fields)
    if not captchas or names[len(names) - len(captchas) :] != captchas:
        return as_crispy_form(form)
    drawn_names, drawn = _fields_drawn(type(form), get_language())
    if list(drawn_names) != names:
        return as_crispy_form(form)
    # Joined as crispy's `specialspaceless` joins the fields of one drawing: one space between them.
    captcha = as_crispy_form(_only(form, captchas))
    return mark_safe(f"{drawn.rstrip()} {captcha.lstrip()}")  # noqa: S308 (two drawings by crispy)

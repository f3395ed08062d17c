"""An opt-in `{% translate %}` for the busiest pages: a literal message is looked up once per language.

A portal page holds 30-80 `{% translate "…" %}` tags, and Django resolves, translates, localises
and escapes each one on every request. A page that loads this library after `i18n`
(`{% load i18n i18n_literals %}`) gets a `translate` tag that, for the two plain forms
`{% translate "literal" %}` and `{% translate "literal" as name %}`, keeps the translated text per
language in its node; every other form (variables, filters, `noop`, `context`) is handed to
Django's own tag unchanged. Django's `i18n` library itself is not touched, so every other template
(the admin's too) renders exactly as Django does.

The text is what Django's tag gives: a literal in a template is safe text, so its translation is
not escaped; `%%` becomes `%`. The node's only state is a dict from language to text, written whole
per key, so threads rendering the same node at once each read or add a complete entry and never
change what another thread renders (`tests/test_template_translate_threads.py`).
"""

from __future__ import annotations

from django import template
from django.templatetags.i18n import do_translate
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


class LiteralTranslateNode(template.Node):
    def __init__(self, message: str, asvar: str | None) -> None:
        # As Django does for a template's literal: its percent signs doubled for the catalogue.
        self.msgid = message.replace("%", "%%")
        self.asvar = asvar
        self.texts: dict[str | None, SafeString] = {}

    def render(self, context: template.Context) -> str:
        language = translation.get_language()
        text = self.texts.get(language)
        if text is None:
            text = mark_safe(translation.gettext(self.msgid).replace("%%", "%"))
            self.texts[language] = text
        if self.asvar:
            context[self.asvar] = text
            return ""
        return text


def _literal(bit: str) -> str | None:
    """The text of a plain string literal ("…" or '…', no filter), or None."""
    if len(bit) >= 2 and bit[0] == bit[-1] and bit[0] in "\"'" and bit[0] not in bit[1:-1]:
        return bit[1:-1]
    return None


@register.tag("translate")
@register.tag("trans")
def translate(parser, token):
    bits = token.split_contents()
    message = _literal(bits[1]) if len(bits) > 1 else None
    if message is not None and "\\" not in message:
        if len(bits) == 2:
            return LiteralTranslateNode(message, None)
        if len(bits) == 4 and bits[2] == "as":
            return LiteralTranslateNode(message, bits[3])
    return do_translate(parser, token)

"""`{% translate "literal" %}` rendered once per language (Django's `i18n` library, one tag faster).

A portal page holds 30-50 `{% translate %}` tags; Django resolves, translates, localises and escapes
each one on every request (a fifth of a page's template time). A tag whose message is a literal,
with no filters and no context, gives the same text for a language every time: this library keeps
that text per language (and autoescape setting) in the node. Everything else — `{% blocktranslate %}`,
variables, filters, contexts — is Django's own. `install()` (nonasn's AppConfig.ready, before any
template is compiled) puts this tag in Django's own `i18n` library, so `{% load i18n %}` gives it.
"""

from __future__ import annotations

from django.templatetags import i18n as django_i18n
from django.utils import translation


class TranslateNode(django_i18n.TranslateNode):
    def __init__(self, filter_expression, noop, asvar=None, message_context=None):
        super().__init__(filter_expression, noop, asvar, message_context)
        expression = self.filter_expression
        self.constant = (
            message_context is None and not expression.filters and expression.var.literal is not None
        )
        self.outputs: dict[tuple[str | None, bool], str] = {}

    def render(self, context):
        if not self.constant:
            return super().render(context)
        key = (translation.get_language(), context.autoescape)
        value = self.outputs.get(key)
        if value is None:
            asvar, self.asvar = self.asvar, None
            try:
                value = self.outputs[key] = super().render(context)
            finally:
                self.asvar = asvar
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return TranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


def install() -> None:
    django_i18n.register.tags["translate"] = django_i18n.register.tags["trans"] = do_translate

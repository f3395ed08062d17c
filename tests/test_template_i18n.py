"""Literal {% translate %} tags are rendered once per language, and still in the right language."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from nonasn.template_i18n import TranslateNode


def test_a_literal_translate_tag_follows_the_language_and_keeps_its_text_per_language():
    template = Template(
        '{% load i18n %}{% translate "Dashboard" %}|{% translate "Log out" as out %}{{ out }}'
    )
    node = next(n for n in template.nodelist if isinstance(n, TranslateNode))
    assert node.constant
    with translation.override("id"):
        assert template.render(Context()) == "Dasbor|Keluar"
    with translation.override("en"):
        assert template.render(Context()) == "Dashboard|Log out"
    with translation.override("id"):
        assert template.render(Context()) == "Dasbor|Keluar"
    assert {key[0] for key in node.outputs} == {"id", "en"}


def test_variables_and_filters_are_djangos_own():
    template = Template(
        '{% load i18n %}{% translate name %}|{% translate "Dashboard"|upper %}|{% translate "Name" %}'
    )
    nodes = [n for n in template.nodelist if isinstance(n, TranslateNode)]
    assert [n.constant for n in nodes] == [False, False, True]
    with translation.override("id"):
        assert template.render(Context({"name": "Dashboard"})) == "Dasbor|DASBOR|Nama"
        assert template.render(Context({"name": "Log out"})) == "Keluar|DASBOR|Nama"
        # A translated variable is escaped as Django escapes it.
        assert template.render(Context({"name": "<b>"})) == "&lt;b&gt;|DASBOR|Nama"

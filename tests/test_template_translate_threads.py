"""One compiled template rendered by many threads at once (as a threaded server does) gives each thread
its own language's text, the first time and every time after: with Django's own `{% translate %}`
and with the opt-in `i18n_literals` library the busiest pages load, which also renders exactly what
Django's tag renders."""

from __future__ import annotations

import sys
import threading

import pytest
from django.template import Context, Template
from django.utils import translation

THREADS = 6
ROUNDS = 40
SOURCE = '{% load i18n %}{% translate "Log out" as out %}[{{ out }}]|{% translate "Dashboard" %}'
LITERALS_SOURCE = SOURCE.replace("{% load i18n %}", "{% load i18n i18n_literals %}")
EXPECTED = {"id": "[Keluar]|Dasbor", "en": "[Log out]|Dashboard"}


def render_from_threads(templates: list[Template]) -> list[tuple[str, str]]:
    """Every thread renders each never-rendered template at the same moment, then again."""
    start = threading.Barrier(THREADS)
    results: list[tuple[str, str]] = []
    lock = threading.Lock()

    def render(language: str) -> None:
        with translation.override(language):
            for template in templates:
                start.wait()
                outputs = [template.render(Context()) for _ in range(2)]
                with lock:
                    results.extend((language, output) for output in outputs)

    threads = [threading.Thread(target=render, args=(("id", "en")[i % 2],)) for i in range(THREADS)]
    # Switch threads as often as the interpreter allows, so the renders interleave inside one node.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    return results


@pytest.mark.parametrize("source", [SOURCE, LITERALS_SOURCE], ids=["django", "i18n_literals"])
def test_translate_as_variable_renders_each_threads_language_when_rendered_from_many_threads_at_once(source):
    results = render_from_threads([Template(source) for _ in range(ROUNDS)])
    assert len(results) == THREADS * ROUNDS * 2
    assert {output for language, output in results if language == "id"} == {EXPECTED["id"]}
    assert {output for language, output in results if language == "en"} == {EXPECTED["en"]}


@pytest.mark.parametrize("source", [SOURCE, LITERALS_SOURCE], ids=["django", "i18n_literals"])
def test_translate_as_variable_still_renders_after_a_concurrent_first_render(source):
    templates = [Template(source) for _ in range(ROUNDS)]
    render_from_threads(templates)
    for template in templates:
        with translation.override("id"):
            assert template.render(Context()) == EXPECTED["id"]
        with translation.override("en"):
            assert template.render(Context()) == EXPECTED["en"]


# Literals as the pages write them, and the forms the library hands to Django's tag.
FORMS = [
    '{% translate "Dashboard" %}',
    "{% translate 'Log out' %}",
    '{% translate "Log out" as out %}<{{ out }}>',
    '{% translate "Dashboard" as out %}{{ out|upper }}',
    '{% translate "Name" %}',
    '{% translate "a & <b> 100% %% x" %}',
    '{% translate "Dashboard"|upper %}',
    '{% translate "Dashboard" noop %}',
    '{% translate "May" context "month name" %}',
    "{% translate name %}",
    "{% translate name as out %}[{{ out }}]",
    '{% trans "Dashboard" %}',
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("autoescape", [True, False])
def test_the_opt_in_library_renders_what_djangos_tag_renders(form, autoescape):
    context = {"name": "Log out <b>"}
    django = Template("{% load i18n %}" + form)
    literals = Template("{% load i18n i18n_literals %}" + form)
    for language in ("id", "en", "id"):
        with translation.override(language):
            assert literals.render(Context(context, autoescape=autoescape)) == django.render(
                Context(context, autoescape=autoescape)
            )

"""`{% translate %}` is Django's own: one compiled template rendered by many threads at once (as a
threaded server does) gives each thread its own language's text, the first time and every time after."""

from __future__ import annotations

import sys
import threading

from django.template import Context, Template
from django.utils import translation

THREADS = 6
ROUNDS = 40
SOURCE = '{% load i18n %}{% translate "Log out" as out %}[{{ out }}]|{% translate "Dashboard" %}'
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


def test_translate_as_variable_renders_each_threads_language_when_rendered_from_many_threads_at_once():
    results = render_from_threads([Template(SOURCE) for _ in range(ROUNDS)])
    assert len(results) == THREADS * ROUNDS * 2
    assert {output for language, output in results if language == "id"} == {EXPECTED["id"]}
    assert {output for language, output in results if language == "en"} == {EXPECTED["en"]}


def test_translate_as_variable_still_renders_after_a_concurrent_first_render():
    templates = [Template(SOURCE) for _ in range(ROUNDS)]
    render_from_threads(templates)
    for template in templates:
        with translation.override("id"):
            assert template.render(Context()) == EXPECTED["id"]
        with translation.override("en"):
            assert template.render(Context()) == EXPECTED["en"]

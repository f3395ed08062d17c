"""An app server process pays its start-up before its first request (nonasn.warm_up, called from
deploy/gunicorn.conf.py's post_worker_init), and its long-lived objects are kept out of the
garbage collector's passes."""

from __future__ import annotations

import gc

import pytest
from django.template import engines
from django.urls import clear_url_caches

from nonasn.warm_up import site_templates, warm_up_process


@pytest.fixture(scope="module")
def warmed_up():
    # As a new process: nothing compiled, no URLconf loaded, nothing frozen (earlier tests may have).
    engines["django"].engine.template_loaders[0].reset()
    clear_url_caches()
    gc.unfreeze()
    warm_up_process()
    yield
    # Back as the suite's start left it (tests/conftest.py): what was loaded frozen, the rest not.
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def test_the_warm_up_compiles_every_site_template(warmed_up):
    loader = engines["django"].engine.template_loaders[0]
    names = site_templates()
    assert "announcements/statistics.html" in names and "base.html" in names
    assert set(names) <= set(loader.get_template_cache)


def test_the_warm_up_loads_the_urlconf_and_every_view(warmed_up):
    from django.urls import get_resolver

    assert "url_patterns" in get_resolver().__dict__  # imported, not left to the first request


def test_the_warm_up_freezes_what_the_process_has_loaded(warmed_up):
    assert gc.get_freeze_count() > 10_000

"""`{% fixed_url %}`: the header's and the portal's links, reversed once per process."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

NAMES = ["home", "registry:dashboard", "registry:worker-list", "staff:logout", "set_language"]


def _render(name: str) -> str:
    return Template("{% fixed_url '" + name + "' %}").render(Context())


@pytest.mark.parametrize("name", NAMES)
def test_fixed_url_is_the_same_address_as_url(name):
    assert _render(name) == reverse(name) == Template("{% url '" + name + "' %}").render(Context())


def test_fixed_url_follows_the_script_prefix():
    _render("registry:dashboard")  # memoised under the default prefix
    set_script_prefix("/app/")
    try:
        assert _render("registry:dashboard") == "/app/instansi/"
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert _render("registry:dashboard") == "/instansi/"


def test_the_portal_navigation_still_links_every_section(client, agency_admin):
    client.force_login(agency_admin)
    page = client.get(reverse("registry:dashboard")).content.decode()
    for name in ["registry:dashboard", "registry:worker-list", "verify:queue", "registry:import-list",
                 "phases:overview", "staff:user-list", "staff:password-change", "staff:logout"]:  # fmt: skip
        assert f'href="{reverse(name)}"' in page or f'action="{reverse(name)}"' in page, name

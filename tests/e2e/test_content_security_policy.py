"""The browser enforces the Content-Security-Policy and no page of ours breaks it.

Every browser test fails on a CSP violation in the console (tests/e2e/conftest.py); these add the
pages the other journeys do not open (the national admin's) and prove the watch itself works.
"""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_injected_inline_script_is_blocked_and_reported(page, csp_violations):
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.injected") is None  # the policy blocked it
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in v for v in csp_violations)
    csp_violations.clear()  # expected here; any other violation fails the test that meets it


def test_national_admin_pages_run_without_violations(page, national_admin, agency, csp_violations):
    page.goto("/admin/login/")
    page.fill("#id_username", national_admin.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/nasional/")  # the national admin lands on the national desk
    for url in (
        "/admin/registry/agency/",
        f"/admin/registry/agency/{agency.pk}/change/",
        "/admin/accounts/user/add/",
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    # The admin's own scripts ran (the action checkbox toggles the row highlight).
    page.goto("/admin/registry/agency/")
    page.check("#action-toggle")
    assert page.locator("tr.selected").count() >= 1
    assert csp_violations == []

"""The API's browsable docs (Swagger UI from drf-spectacular-sidecar's local files) run in the
browser under the site's Content-Security-Policy (the conftest fails the test on any violation)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_every_endpoint_without_violations(page, csp_violations):
    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/workers/bulk/" in p for p in paths)
    assert csp_violations == []

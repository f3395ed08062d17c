"""Accessibility (axe-core, injected by the tests only) and page weight, for the browser tests."""

from __future__ import annotations

import functools
import gzip
import os
from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@functools.cache
def _axe_source() -> str:
    return AXE.read_text() + "\n;typeof window.axe"


def axe_violations(page) -> list[dict]:
    """axe-core's serious and critical WCAG 2.1 AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline
        # scripts) stays in force for the page's own code, and axe is never served by the site.
        page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} — {targets}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No serious or critical WCAG 2.1 AA violation on the current page (axe-core)."""
    violations = axe_violations(page)
    if violations and os.environ.get("A11Y_COLLECT"):  # while fixing many at once: list, go on
        with open(os.environ["A11Y_COLLECT"], "a") as out:
            out.write(f"{page.url}\n{describe(violations)}\n\n")
        return
    assert not violations, f"{page.url}\n" + describe(violations)


class WeightMeter:
    """Counts what a page's first load transfers: the document and every sub-resource.

    The test server (pytest-django's live server) sends files uncompressed; production sends them
    gzip-compressed (whitenoise after collectstatic, and the front proxy for HTML), so each body is
    measured as its gzip-compressed length — what a phone on a slow network actually receives."""

    def __init__(self, context):
        self.bodies: dict[str, tuple[int, int]] = {}
        context.on("response", self._record)

    def _record(self, response) -> None:
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            return
        self.bodies[response.url] = (len(body), len(gzip.compress(body, compresslevel=6)))

    def reset(self) -> None:
        self.bodies.clear()

    @property
    def raw(self) -> int:
        return sum(raw for raw, _ in self.bodies.values())

    @property
    def compressed(self) -> int:
        return sum(packed for _, packed in self.bodies.values())

"""Browser tests: Playwright driving Debian's Chromium (its headless shell) against pytest-django's live server."""

from __future__ import annotations

import os
import shutil

import pytest


def _chromium() -> str:
    """Debian's Chromium headless shell when installed, else Debian's chromium (CHROMIUM_PATH wins).

    The shell is the same engine (the same Debian source package and version) without the desktop
    browser around it; `chromium --headless` runs that whole browser, and the browser tests cost
    it two and a half times the CPU (120 s against 49 s of Chromium's CPU for the browser tests
    on two processes; docs/performance.md). The shell has no PDF viewer: a test reads what a PDF frame is
    given rather than how it is drawn."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"]
    for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium"):
        if os.path.exists(path):
            return path
    return shutil.which("chromium") or "/usr/bin/chromium"


CHROMIUM = _chromium()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the test code's ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test, so a fixture can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = (
            f"No Chromium at {CHROMIUM}: install Debian's chromium-headless-shell "
            "(apt-get install chromium-headless-shell) or chromium"
        )
        if os.environ.get("CI_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# What every browser context of the tests shares: the live server, Indonesian, and reduced motion.
# Bootstrap scrolls smoothly (`scroll-behavior: smooth`) unless the reader asked for reduced motion:
# after an upload lands on `/akun/dokumen/#doc-…`, or a long form's button is scrolled into view,
# the page is still moving and Playwright finds the button "not stable", retrying for up to a
# second before it clicks (~0.7 s a click, ~10 s of the whole journey). A person clicks once the
# page is still; what each test checks is the same.
CONTEXT_DEFAULTS = {"locale": "id-ID", "reduced_motion": "reduce"}


@pytest.fixture
def new_context(browser, live_server):
    """Makes a browser context on the live server (closed after the test); options as Playwright's."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"base_url": live_server.url, **CONTEXT_DEFAULTS, **options})
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """Console errors in which Chromium reports a Content-Security-Policy violation."""
    return []


def _watch_for_csp_violations(context, violations: list[str]) -> None:
    def watch(page):
        def on_console(message):
            if message.type == "error" and "Content Security Policy" in message.text:
                violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)

    context.on("page", watch)


def _fail_on_csp_violations(violations: list[str]) -> None:
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def page(new_context, csp_violations):
    context = new_context()
    _watch_for_csp_violations(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
    _fail_on_csp_violations(csp_violations)


@pytest.fixture
def phone_page(new_context, csp_violations):
    """A cheap phone: 360 px wide."""
    context = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    _watch_for_csp_violations(context, csp_violations)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
    _fail_on_csp_violations(csp_violations)

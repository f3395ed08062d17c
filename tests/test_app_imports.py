"""Apps import in one direction: registry <- accounts <- verification <- announcements (<- api), the
project package (nonasn) imports no app, no app imports another app's views or URL modules, only URL
modules and views import a views module (no middleware or page builder reaches into views), and only
the demo app may use every app. Read from the source (every import, also those inside functions)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CHAIN = ["registry", "accounts", "verification", "announcements", "api"]
APPS = {*CHAIN, "demo"}
# The one arrow against the chain, named so that a new one fails: the agency portal's pages in
# registry get the user's agency and every object through accounts' access helpers (the single
# place that scopes to the agency and answers 404).
EXCEPTIONS = {("registry/views", "accounts.access")}


def may_import(app: str) -> set[str]:
    if app == "nonasn":
        return set()
    if app == "demo":
        return set(CHAIN)
    return set(CHAIN[: CHAIN.index(app) + 1])


def imports_of(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def arrows_against_the_rules() -> list[str]:
    wrong: list[str] = []
    for app in [*APPS, "nonasn"]:
        if not (ROOT / app).is_dir():
            continue
        allowed = may_import(app)
        for path in sources(app):
            relative = path.relative_to(ROOT).as_posix()
            for name in imports_of(path):
                target = name.split(".")[0]
                if target not in APPS or target == app:
                    continue
                if any(
                    relative.startswith(folder) and (name == module or name.startswith(f"{module}."))
                    for folder, module in EXCEPTIONS
                ):
                    continue
                parts = name.split(".")
                if target not in allowed:
                    wrong.append(f"{relative}: {name} (against the direction)")
                elif len(parts) > 1 and (parts[1] == "views" or parts[1].startswith("urls")):
                    wrong.append(f"{relative}: {name} (another app's views)")
    return sorted(set(wrong))


def test_every_app_imports_only_apps_before_it_and_no_other_apps_views():
    assert arrows_against_the_rules() == []


def _is_views_module(name: str) -> bool:
    parts = name.split(".")
    return len(parts) > 1 and parts[0] in {*APPS, "nonasn"} and parts[1].startswith("views")


def views_imported_outside_views_and_urls() -> list[str]:
    """Imports of a views module (also of the app's own) from a module that is neither a URL module
    nor a view: page building, middleware and services read from selectors and helpers instead."""
    wrong: list[str] = []
    for app in [*APPS, "nonasn"]:
        for path in sources(app):
            relative = path.relative_to(ROOT)
            if path.name.startswith(("urls", "views")) or "views" in relative.parts:
                continue
            wrong += [f"{relative.as_posix()}: {name}" for name in imports_of(path) if _is_views_module(name)]
    return sorted(set(wrong))


def test_only_url_modules_and_views_import_views():
    assert views_imported_outside_views_and_urls() == []


def test_the_rule_sees_a_middleware_importing_its_own_apps_views(tmp_path, monkeypatch):
    (tmp_path / "announcements").mkdir()
    (tmp_path / "announcements" / "middleware.py").write_text("from announcements.views.lists import rows\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert views_imported_outside_views_and_urls() == [
        "announcements/middleware.py: announcements.views.lists",
        "announcements/middleware.py: announcements.views.lists.rows",
    ]


def test_the_rule_sees_an_import_inside_a_function(tmp_path, monkeypatch):
    """The checker itself: a late import in registry of a later app is caught."""
    fake = tmp_path / "registry"
    fake.mkdir()
    (fake / "late.py").write_text("def f():\n    from verification.services import phases\n")
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "urls.py").write_text("from registry.views import workers\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert arrows_against_the_rules() == [
        "accounts/urls.py: registry.views (another app's views)",
        "accounts/urls.py: registry.views.workers (another app's views)",
        "registry/late.py: verification.services (against the direction)",
        "registry/late.py: verification.services.phases (against the direction)",
    ]

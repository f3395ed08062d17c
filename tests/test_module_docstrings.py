"""Every module of the project's packages starts with a docstring that says what it is for (the
house rule a newcomer reads first). Migrations are generated and empty `__init__.py` files hold
nothing, so they are left out."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nonasn", "registry", "accounts", "verification", "announcements", "api", "demo")


def project_modules() -> list[Path]:
    modules = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            if path.name == "__init__.py" and not path.read_text(encoding="utf-8").strip():
                continue
            modules.append(path)
    return modules


def test_the_walk_finds_every_package():
    found = {path.relative_to(ROOT).parts[0] for path in project_modules()}
    assert found == set(PACKAGES)


def test_every_project_module_starts_with_a_docstring():
    missing = [
        str(path.relative_to(ROOT))
        for path in project_modules()
        if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()
    ]
    assert missing == [], "modules without a docstring saying what they are for: " + ", ".join(missing)

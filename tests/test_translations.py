"""Every user-facing string has an Indonesian translation (English msgids in code, Indonesian on screen)."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = ["nonasn", "registry", "accounts", "verification", "announcements", "api"]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
# templatize() quotes a msgid with an apostrophe ("agency's") in double quotes, the others in single.
LITERAL = "(?:" + r"u?'(?:[^'\\]|\\.)*'" + "|" + r'u?"(?:[^"\\]|\\.)*"' + ")"
TEMPLATE_CALL = re.compile(rf"\b(?:gettext|pgettext|ngettext)\(({LITERAL}(?:\s*,\s*{LITERAL})*)")


def _python_msgids(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in GETTEXT_NAMES:
            continue
        args = node.args[1:] if name.startswith("pgettext") else node.args
        strings = args[:1]  # a plural's translations are filed under its singular
        found |= {a.value for a in strings if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


def _template_msgids(path: Path) -> set[str]:
    found: set[str] = set()
    for match in TEMPLATE_CALL.finditer(templatize(path.read_text())):
        try:
            value = ast.literal_eval(f"({match.group(1)},)")
        except (SyntaxError, ValueError):
            continue
        strings = [v for v in value if isinstance(v, str)]
        if match.group(0).startswith("pgettext"):
            strings = strings[1:]
        found |= set(strings[:1])
    return found


def _all_msgids() -> dict[str, str]:
    msgids: dict[str, str] = {}
    for folder in SOURCE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for msgid in _python_msgids(path):
                msgids.setdefault(msgid, str(path.relative_to(ROOT)))
    for path in (ROOT / "templates").rglob("*.html"):
        for msgid in _template_msgids(path):
            msgids.setdefault(msgid, str(path.relative_to(ROOT)))
    return msgids


def test_extraction_finds_strings_in_code_and_templates():
    msgids = _all_msgids()
    assert "Non-ASN Data Collection" in msgids  # templates/base.html
    assert "Indonesian" in msgids  # nonasn/settings.py


def test_every_user_facing_string_has_an_indonesian_translation():
    with translation.override("id"):
        catalog = trans_real.translation("id")._catalog
        missing = {
            msgid: where
            for msgid, where in _all_msgids().items()
            if not (catalog.get(msgid) or catalog.get((msgid, 0)))
        }
    assert not missing, "No Indonesian translation for:\n" + "\n".join(
        f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda kv: kv[1])
    )


OUR_CATALOGUES = [
    po
    for folder in [ROOT / "locale", *(ROOT / app / "locale" for app in SOURCE_DIRS)]
    if (po := folder / "id" / "LC_MESSAGES" / "django.po").exists()
]


@pytest.mark.parametrize("po", OUR_CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_is_not_older_than_its_source(po: Path):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `make messages`"
    # Every msgid in the .po must be in the compiled .mo.
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    text = po.read_text()
    # An id with a context (msgctxt) is compiled under "context\x04id".
    context_ids = {f"{c}\x04{m}" for c, m in re.findall(r'^msgctxt "(.+)"\nmsgid "(.+)"$', text, flags=re.M)}
    text = re.sub(r'^msgctxt "(.+)"\nmsgid "(.+)"$', "", text, flags=re.M)
    plural_ids = set(re.findall(r'^msgid "(.+)"\nmsgid_plural', text, flags=re.M))
    single_ids = set(re.findall(r'^msgid "(.+)"$', text, flags=re.M)) - plural_ids
    # Escaped ids are left out: comparing them would need a full PO parser.
    stale = [m for m in single_ids if "\\" not in m and m not in compiled]
    stale += [m for m in plural_ids if "\\" not in m and (m, 0) not in compiled]
    stale += [m for m in context_ids if m not in compiled]
    assert not stale, f"{mo} is older than {po}: run `make messages` ({stale[:3]} ...)"

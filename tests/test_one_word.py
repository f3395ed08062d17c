"""One word for one thing in the Indonesian catalogues and on the import page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
CATALOGUES = [*ROOT.glob("*/locale/id/LC_MESSAGES/django.po"), ROOT / "locale/id/LC_MESSAGES/django.po"]


def _msgstrs() -> list[str]:
    return [m for po in CATALOGUES for m in re.findall(r'^msgstr(?:\[0\])? "(.*)"$', po.read_text(), re.M)]


def test_the_import_file_is_a_templat_never_a_template():
    assert not [m for m in _msgstrs() if re.search(r"\btemplate\b", m, re.I)]


@pytest.mark.django_db
def test_the_import_page_states_the_row_limit_the_import_enforces(client, operator, settings):
    settings.IMPORT_MAX_ROWS = 12_345
    client.force_login(operator)
    page = client.get(reverse("registry:import-list")).content.decode()
    assert "Paling banyak 12.345 baris per berkas" in page


@pytest.mark.django_db
def test_catatan_kelayakan_counts_are_named_for_what_they_count(client, operator, national_admin):
    client.force_login(operator)
    assert "Data dengan catatan kelayakan" in client.get(reverse("registry:dashboard")).content.decode()
    client.force_login(national_admin)
    desk = client.get(reverse("national:desk")).content.decode()
    assert "Jumlah catatan kelayakan" in desk and ">Catatan kelayakan<" not in desk

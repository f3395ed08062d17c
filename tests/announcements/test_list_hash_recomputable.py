"""Anyone can recompute a published list's SHA-256 from its CSV download, with the recipe the list
page gives, whatever the values hold (issue 17.8: a value starting with = + - @ gets the formula
guard's apostrophe in the CSV, and the hash is over the CSV's cells, apostrophe included)."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import shlex
import subprocess
import sys

import pytest

from announcements.models import ListSnapshot, SnapshotRow, canonical_line
from registry.models import AgencySubmission, WorkUnit
from tests.announcements.support import move_phase

pytestmark = pytest.mark.django_db

HOSTILE_NAMES = ["=SUM(A1)", "+62 Budi", "-Dewi Lestari", "@Rina", 'Koma, "Kutip"', "Biasa Saja"]


@pytest.fixture
def hostile_list(agency, submission, make_record):
    unit = WorkUnit.objects.create(agency=agency, name="@Unit Kerja")
    for i, name in enumerate(HOSTILE_NAMES):
        make_record(full_name=name, position="=cmd|' /C calc'!A0" if i % 2 else "Guru", work_unit=unit)
    move_phase(submission, AgencySubmission.Phase.PREFINALISED)
    return ListSnapshot.objects.get(submission=submission, kind="public_test", version=1)


def _download(client, agency) -> bytes:
    response = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar.csv")
    return b"".join(response.streaming_content)


def test_the_list_pages_recipe_recomputes_the_shown_hash_from_the_csv(client, agency, hostile_list, tmp_path):
    page = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/").content.decode()
    shown = re.search(r'id="snapshot-sha256">([0-9a-f]{64})<', page).group(1)
    command = html.unescape(re.search(r'<code id="sha256-check-command">(.*?)</code>', page, re.S).group(1))
    (tmp_path / "daftar.csv").write_bytes(_download(client, agency))
    args = shlex.split(command)
    assert args[0] == "python3"
    result = subprocess.run(  # noqa: S603 - the page's own command, run on the test's file
        [sys.executable, *args[1:]], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == shown == hostile_list.sha256


def test_the_csv_states_the_hash_and_how_it_is_made(client, agency, hostile_list):
    lines = list(csv.reader(io.StringIO(_download(client, agency).decode("utf-8-sig"))))
    assert ["SHA-256", hostile_list.sha256] in lines
    rule = next(line[0] for line in lines if line and line[0].startswith("Pemeriksaan SHA-256"))
    assert "TAB" in rule and "LF" in rule and "UTF-8" in rule
    header = [x[:1] for x in lines].index(["No"])
    rows = lines[header + 1 :]
    assert {row[1] for row in rows} >= {"'=SUM(A1)", "'+62 Budi", "'-Dewi Lestari", "'@Rina", 'Koma, "Kutip"'}
    assert {row[4] for row in rows} == {"'@Unit Kerja"}
    recomputed = hashlib.sha256("".join("\t".join(r[:6] + r[7:8]) + "\n" for r in rows).encode()).hexdigest()
    assert recomputed == hostile_list.sha256


def test_the_database_and_canonical_line_agree_on_guarded_values(hostile_list):
    rows = SnapshotRow.objects.filter(snapshot=hostile_list).order_by("number")
    assert (
        hostile_list.sha256 == hashlib.sha256("".join(canonical_line(r) for r in rows).encode()).hexdigest()
    )

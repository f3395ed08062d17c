"""Files built to hurt: control characters in cells, zip bombs, sheets spanning a huge grid. Each is
refused with an Indonesian message (the row, or the whole file), never a 500 or a worker gone."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse

from registry.models import ImportJob, WorkerRecord
from registry.services.imports import import_run, import_start
from registry.services.imports.archive import MAX_UPLOAD_BYTES
from tests.registry.hostile_xlsx import sheet_xml, zip_bomb
from tests.registry.support import import_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def rewrite_xml(content: bytes, old: bytes, new: bytes) -> bytes:
    """The same XLSX with `old` replaced by `new` in its XML parts (to put bytes openpyxl refuses)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, data.replace(old, new) if info.filename.endswith(".xml") else data)
    return out.getvalue()


# --- Control characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw_bytes"),
    [
        ("Nul_x0000_Name", None),  # what openpyxl and Excel write for a NUL
        ("Ctl_x001F_Name", None),
        ("RAWMARK", b"Raw\x00Nul"),  # the NUL byte itself in the sheet's XML
        ("RAWMARK", b"Raw\x01Ctl"),
    ],
)
def test_a_control_character_in_a_cell_refuses_that_row_and_the_valid_row_is_saved(
    login, operator, period, name, raw_bytes
):
    content = xlsx_bytes(
        [import_row(serial=1, full_name=name), import_row(serial=2, full_name="Baris Benar")]
    )
    if raw_bytes:
        content = rewrite_xml(content, name.encode(), raw_bytes)
    response = login(operator).post(reverse("registry:import-upload"), {"file": upload(content)}, follow=True)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert (job.status, job.valid_rows, job.refused_rows) == ("done", 1, 1)
    assert list(WorkerRecord.objects.values_list("full_name", flat=True)) == ["Baris Benar"]
    [error] = job.errors
    assert error["row"] == 2 and error["column"] == "Nama Lengkap"
    assert "karakter kontrol" in error["message"]
    assert "karakter kontrol" in response.content.decode()
    # The refused-rows file can still be written and downloaded (without the control character).
    download = login(operator).get(reverse("registry:import-refused", args=[job.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:2] == b"PK"


# --- Zip bombs and huge grids -----------------------------------------------------------------


def test_a_zip_bomb_at_the_upload_limit_is_refused_at_upload_with_a_message(login, operator, period):
    bomb = zip_bomb(compressed_bytes=MAX_UPLOAD_BYTES - 512 * 1024)
    assert len(bomb) <= MAX_UPLOAD_BYTES
    response = login(operator).post(reverse("registry:import-upload"), {"file": upload(bomb)})
    assert response.status_code == 400
    assert "dibongkar" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_zip_bomb_that_lies_about_its_size_is_refused_by_what_it_really_unpacks_to(
    agency, period, operator
):
    """The declared size says 100 kB; unpacking (in small pieces) finds out. Checked again in the
    task, for a file that reached storage some other way."""
    bomb = zip_bomb(compressed_bytes=1024 * 1024, lie_about_size=True)  # 1 MB that unpacks to ~1 GB
    job = ImportJob.objects.create(
        agency=agency, period=period, created_by=operator, original_name="bom.xlsx"
    )
    job.file.save("bom.xlsx", ContentFile(bomb))
    job = import_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert "dibongkar" in job.message or "dimampatkan" in job.message
    assert not WorkerRecord.objects.exists()


@pytest.mark.parametrize(
    "rows",
    [
        # Two cells a sheet apart: calamine would allocate a grid of 17 billion cells (and abort).
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
        # The same without cell references: a far row, and a row of 16,384 cells.
        b'<row r="1">' + b"<c><v>1</v></c>" * 16384 + b'</row><row r="1048576"><c><v>1</v></c></row>',
    ],
    ids=["far-apart-references", "counted-cells"],
)
def test_a_sheet_whose_cells_span_a_huge_grid_is_refused_before_it_is_read(login, operator, period, rows):
    """Without the check the reader allocates the grid and the process aborts (a worker gone)."""
    response = login(operator).post(
        reverse("registry:import-upload"), {"file": upload(sheet_xml(rows))}, follow=True
    )
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and not job.can_retry
    assert "Hapus baris dan kolom" in job.message
    assert "Hapus baris dan kolom" in response.content.decode()
    assert not WorkerRecord.objects.exists()


def test_a_normal_file_passes_the_archive_checks(agency, period, operator):
    job = import_start(
        agency=agency, period=period, upload=upload(xlsx_bytes([import_row(serial=1)])), actor=operator
    )
    assert import_run(job_id=job.pk).valid_rows == 1


# Peak RSS from /proc (VmHWM): ru_maxrss would carry over the parent's peak across fork + exec.
MEASURE = """
import json, os, sys
import django
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nonasn.settings")
django.setup()
from registry.services.imports.archive import ImportRefused, check_archive
from registry.services.imports.parse import open_sheet
before = peak_mb()
message = ""
with open(sys.argv[1], "rb") as fh:
    try:
        check_archive(fh)
        wb, ws = open_sheet(fh)  # what the task does next; never reached for a bomb
    except ImportRefused as exc:
        message = str(exc)
print(json.dumps({"before_mb": before, "peak_mb": peak_mb(), "message": message}))
"""


@pytest.mark.parametrize("lie", [False, True], ids=["honest-size", "lying-size"])
def test_the_task_side_check_of_a_bomb_at_the_upload_limit_stays_under_300_mb(tmp_path, lie):
    """What the task worker does with the file, in a fresh process, measured: peak RSS < 300 MB."""
    path = Path(tmp_path) / "bomb.xlsx"
    path.write_bytes(zip_bomb(compressed_bytes=MAX_UPLOAD_BYTES - 512 * 1024, lie_about_size=lie))
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"bomb ({'lying' if lie else 'honest'} sizes): {measured}")
    assert measured["message"]
    assert measured["peak_mb"] < 300

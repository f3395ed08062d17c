"""The upload's and the archive's checks, before any XLSX reader sees the file.

A small file can unpack to gigabytes, or place two cells so far apart that the reader allocates a
grid of billions: the archive's members are really unpacked (in pieces, never held whole) and the
worksheets' tags followed, and such a file is refused with a message saying what to do.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from registry.services.imports.template import (
    MAX_ROWS,
)

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# A full 60,000-row sheet written with inline strings unpacks to about 110 MB (ratio ~12); the
# reader (calamine) then peaks near 190 MB. Above these an archive is refused unread.
MAX_UNPACKED_BYTES = 160 * 1024 * 1024
MAX_RATIO = 100  # for members that unpack to more than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 500
# calamine holds a sheet as a dense rows x columns grid: bound the area the cells span.
MAX_SHEET_CELLS = (MAX_ROWS + 1) * 64


class ImportRefused(Exception):
    """The whole file is refused (not XLSX, empty, missing columns, too large)."""


def not_xlsx() -> str:
    return _("This is not an XLSX file. Save the sheet as Excel Workbook (.xlsx) and upload it again.")


_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)([0-9]+)["']""")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


class _SheetArea:
    """Follows the row and cell tags of a worksheet's XML as it streams past, to know the grid
    the reader would allocate (the last row and the last column, explicit or counted)."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self._row = 0
        self._column = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        data = self._tail + chunk
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:
            data, self._tail = data[:cut], data[cut:]
        else:
            self._tail = b""
        if len(self._tail) > 4096:  # a tag never grows this long in a real sheet
            self._tail = self._tail[-4096:]
        self._follow(data)

    def _follow(self, data: bytes) -> None:
        """Tag by tag, counting rows and cells that carry no reference."""
        for match in _TAG.finditer(data):
            ref = _REF.search(match.group(2))
            if match.group(1) == b"row":
                self._row = int(ref.group(2)) if ref else self._row + 1
                self._column = 0
                self.rows = max(self.rows, self._row)
            else:
                if ref and ref.group(1):
                    self._column = _column_number(ref.group(1))
                    self.rows = max(self.rows, int(ref.group(2)))
                else:
                    self._column += 1
                self.columns = max(self.columns, self._column)


def _member_data_offset(fileobj: BinaryIO, info: zipfile.ZipInfo) -> int:
    fileobj.seek(info.header_offset)
    header = fileobj.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return info.header_offset + 30 + name_length + extra_length


def check_archive(fileobj: BinaryIO, *, grid: bool = True) -> None:
    """Refuse (ImportRefused) an archive that unpacks too big, too compressed, or (grid=True) to a
    sheet whose cells span too large an area. The members are really unpacked (in small pieces,
    never held whole), so a size the archive lies about does not help. The grid is followed tag by
    tag (about 4 s for the largest sheet accepted), so the upload checks sizes only and the import
    itself, right before the reader, checks the grid too."""
    try:
        with zipfile.ZipFile(fileobj) as zf:
            members = zf.infolist()
            if "xl/workbook.xml" not in zf.namelist() or len(members) > MAX_MEMBERS:
                raise zipfile.BadZipFile
            declared = sum(m.file_size for m in members)
            if declared > MAX_UNPACKED_BYTES:
                raise ImportRefused(_too_big())
            unpacked = 0
            for info in members:
                unpacked += _unpack_member(fileobj, info, budget=MAX_UNPACKED_BYTES - unpacked, grid=grid)
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError, struct.error):
        raise ImportRefused(not_xlsx()) from None
    finally:
        fileobj.seek(0)


def _too_big() -> str:
    return _(
        "The file unpacks to more than %(limit)d MB, more than a sheet of %(rows)s rows needs. "
        "Save it again from Excel without extra sheets or objects, or split it into several files."
    ) % {"limit": MAX_UNPACKED_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}".replace(",", ".")}


def _unpack_member(fileobj: BinaryIO, info: zipfile.ZipInfo, *, budget: int, grid: bool) -> int:
    """Unpack one member piece by piece; returns its real size. Worksheets are followed for their
    area."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise zipfile.BadZipFile
    area = _SheetArea() if grid and info.filename.startswith("xl/worksheets/") else None
    fileobj.seek(_member_data_offset(fileobj, info))
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    size = 0
    piece = 1024 * 1024

    def take(chunk: bytes) -> None:
        nonlocal size
        size += len(chunk)
        if size > budget:
            raise ImportRefused(_too_big())
        if area is not None:
            area.feed(chunk)

    while left > 0:
        raw = fileobj.read(min(piece, left))
        if not raw:
            raise zipfile.BadZipFile
        left -= len(raw)
        if inflater is None:
            take(raw)
            continue
        data = inflater.decompress(raw, piece)
        take(data)
        while inflater.unconsumed_tail:
            take(inflater.decompress(inflater.unconsumed_tail, piece))
    if inflater is not None:
        take(inflater.flush())
    if size > RATIO_FLOOR and size > MAX_RATIO * max(1, info.compress_size):
        raise ImportRefused(
            _(
                "The file is packed suspiciously tightly (%(ratio)d times); it cannot be a filled-in template. "
                "Save the sheet again from Excel and upload that file."
            )
            % {"ratio": size // max(1, info.compress_size)}
        )
    if area is not None and area.rows * area.columns > MAX_SHEET_CELLS:
        raise ImportRefused(
            _(
                "A sheet of the file has cells up to row %(row)s, column %(column)d: far more than %(rows)s rows "
                "of the template's columns. Delete the rows and columns after your data and upload again."
            )
            % {
                "row": f"{area.rows:,}".replace(",", "."),
                "column": area.columns,
                "rows": f"{MAX_ROWS:,}".replace(",", "."),
            }
        )
    return size


def check_upload(upload: UploadedFile) -> None:
    """Refuse what is not an XLSX file, or would not be safe to read, before it is stored."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)d MB). The limit is %(limit)d MB; split it into several files.")
            % {"size": upload.size // (1024 * 1024), "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    head = upload.read(4)
    upload.seek(0)
    if not upload.name.lower().endswith(".xlsx") or head != b"PK\x03\x04":
        raise ValidationError(not_xlsx())
    try:
        check_archive(upload, grid=False)
    except ImportRefused as exc:
        raise ValidationError(str(exc)) from None
    finally:
        upload.seek(0)

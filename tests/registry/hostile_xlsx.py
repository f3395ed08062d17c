"""Hand-built XLSX files an attacker would send: zip bombs (ZIP64, honest or lying sizes) and sheets
whose cells span an enormous grid. Built from pre-compressed deflate blocks, so a 25 MB file that
unpacks to 25 GB is made in well under a second."""

from __future__ import annotations

import ctypes
import ctypes.util
import struct
import zlib

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
    b'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats'
    b'-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    b'2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"

_libz = ctypes.CDLL(ctypes.util.find_library("z") or "libz.so.1")
_combine = getattr(_libz, "crc32_combine64", None) or _libz.crc32_combine
_combine.restype = ctypes.c_ulong
_combine.argtypes = [ctypes.c_ulong, ctypes.c_ulong, ctypes.c_int64]


def _crc_combine(crc1: int, crc2: int, len2: int) -> int:
    return _combine(crc1, crc2, len2) & 0xFFFFFFFF


def _crc_repeat(chunk: bytes, times: int) -> int:
    """CRC-32 of `chunk` repeated `times` times, without reading it that often (square and multiply)."""
    result, power_crc, power_len = 0, zlib.crc32(chunk), len(chunk)
    while times:
        if times & 1:
            result = _crc_combine(result, power_crc, power_len)
        power_crc = _crc_combine(power_crc, power_crc, power_len)
        power_len *= 2
        times >>= 1
    return result


class Member:
    """A zip member given as raw deflate data with its real CRC and size (and the size to declare)."""

    def __init__(self, name: str, raw: bytes, crc: int, size: int, declared: int | None = None):
        self.name, self.raw, self.crc, self.size = name.encode(), raw, crc, size
        self.declared = size if declared is None else declared

    @classmethod
    def of(cls, name: str, data: bytes) -> Member:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return cls(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))

    @classmethod
    def repeated(cls, name: str, head: bytes, chunk: bytes, times: int, tail: bytes, declared=None) -> Member:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        start = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
        block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
        again = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
        assert block == again  # a full flush resets the history: the block can simply be repeated
        end = c.compress(tail) + c.flush()
        crc = _crc_combine(zlib.crc32(head), _crc_repeat(chunk, times), len(chunk) * times)
        crc = zlib.crc32(tail, crc)
        size = len(head) + len(chunk) * times + len(tail)
        return cls(name, start + block * times + end, crc, size, declared)


def build_zip(members: list[Member]) -> bytes:
    """A ZIP64 archive (every member carries 64-bit sizes) of deflated members."""
    out = bytearray()
    central = bytearray()
    for m in members:
        extra = struct.pack("<HHQQ", 1, 16, m.declared, len(m.raw))
        offset = len(out)
        out += struct.pack(
            "<4sHHHHHIIIHH",
            b"PK\x03\x04",
            45,
            0,
            8,
            0,
            0x21,
            m.crc,
            0xFFFFFFFF,
            0xFFFFFFFF,
            len(m.name),
            len(extra),
        )
        out += m.name + extra + m.raw
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 45, 45, 0, 8, 0, 0x21, m.crc, 0xFFFFFFFF, 0xFFFFFFFF,
            len(m.name), len(extra), 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += m.name + extra
    cd_offset = len(out)
    out += central
    out += struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), cd_offset, 0
    )
    return bytes(out)


def xlsx_with_sheet(sheet: Member) -> bytes:
    return build_zip(
        [
            Member.of("[Content_Types].xml", CONTENT_TYPES),
            Member.of("_rels/.rels", RELS),
            Member.of("xl/workbook.xml", WORKBOOK),
            Member.of("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            sheet,
        ]
    )


def zip_bomb(*, compressed_bytes: int, lie_about_size: bool = False) -> bytes:
    """A valid XLSX of about `compressed_bytes` whose one sheet is row after identical row."""
    row = b'<row><c t="inlineStr"><is><t>' + b"A" * 30000 + b"</t></is></c></row>"
    chunk = row * (1024 * 1024 // len(row))
    block = Member.repeated("x", b"", chunk, 1, b"").raw
    times = max(1, compressed_bytes // len(block))
    head = SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c></row>'
    sheet = Member.repeated(
        "xl/worksheets/sheet1.xml",
        head,
        chunk,
        times,
        SHEET_TAIL,
        declared=100_000 if lie_about_size else None,
    )
    return xlsx_with_sheet(sheet)


def sheet_xml(rows: bytes) -> bytes:
    return xlsx_with_sheet(Member.of("xl/worksheets/sheet1.xml", SHEET_HEAD + rows + SHEET_TAIL))

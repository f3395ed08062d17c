"""Indonesia's provinces by their two-digit region code (kode wilayah, Kemendagri), and the province
of an agency.

An agency stores no region field of its own: its code carries it. Regional agencies are coded with
a letter for their kind and the region code after it (`P32` the province of Jawa Barat, `B3204`
Kabupaten Bandung, `C3273` Kota Bandung: the first two digits are the province); central agencies
(`K…`) belong to no province.
"""

from __future__ import annotations

import re

from registry.validators import PROVINCE_CODES

PROVINCES: dict[str, str] = {
    "11": "Aceh", "12": "Sumatera Utara", "13": "Sumatera Barat", "14": "Riau", "15": "Jambi",
    "16": "Sumatera Selatan", "17": "Bengkulu", "18": "Lampung", "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau", "31": "DKI Jakarta", "32": "Jawa Barat", "33": "Jawa Tengah",
    "34": "DI Yogyakarta", "35": "Jawa Timur", "36": "Banten", "51": "Bali", "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur", "61": "Kalimantan Barat", "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan", "64": "Kalimantan Timur", "65": "Kalimantan Utara", "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah", "73": "Sulawesi Selatan", "74": "Sulawesi Tenggara", "75": "Gorontalo",
    "76": "Sulawesi Barat", "81": "Maluku", "82": "Maluku Utara", "91": "Papua", "92": "Papua Barat",
    "93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan", "96": "Papua Barat Daya",
}  # fmt: skip
assert set(PROVINCES) == PROVINCE_CODES  # noqa: S101 - one list of codes for NIKs and provinces

REGIONAL_CODE = re.compile(r"^[PBC](\d{2})")


def province_of(*, code: str, kind: str) -> str:
    """The two-digit province code of an agency, or '' for a central agency (or a code without one)."""
    if kind == "central":
        return ""
    match = REGIONAL_CODE.match(code)
    return match.group(1) if match and match.group(1) in PROVINCES else ""

"""The refused-rows report: the rows an import refused, as they were, with the reason beside each
(an XLSX the operator corrects and uploads again)."""

from __future__ import annotations

import io
from typing import Any

from registry.services.exports import spreadsheet_safe
from registry.services.imports.parse import (
    CONTROL_CHARACTERS,
    text_of,
)
from registry.services.imports.template import ERROR_HEADER


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = CONTROL_CHARACTERS.sub("", value)
    return spreadsheet_safe(value)


def refused_workbook(header: tuple, refused: list[tuple[int, tuple, str]]) -> bytes:
    from openpyxl import Workbook  # imported here: ~0.2 s that every process start would pay

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(["Baris Asal", *[_cell(text_of(h)) for h in header], ERROR_HEADER])
    for number, values, message in refused:
        ws.append([number, *[_cell(v) for v in values], _cell(message)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

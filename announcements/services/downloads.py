"""A published list as a download: CSV (streamed) and PDF (written once per version into storage)."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator

from django.conf import settings
from django.core.files import File
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from announcements.models import CANONICAL_FIELDS, ListSnapshot, SnapshotRow
from registry.models import EducationLevel
from registry.services.exports import spreadsheet_safe

# Rows per WeasyPrint run: a big list is laid out in parts and the parts joined (bounded memory).
PDF_CHUNK_ROWS = 2000
CSV_CHUNK_ROWS = 5000

# How the SHA-256 is defined, for the person checking it (the CSV's own words; the list page says it too).
SHA256_RULE = gettext_noop(
    "SHA-256 check: take the rows under the header line (No, Name, ...) exactly as this file holds "
    "them, an apostrophe in front included; for each row join the columns No, Name, NIK, Position, "
    "Work unit, Education and Status code with a TAB and end it with a line feed (LF, the last row "
    "too); the SHA-256 of that text in UTF-8 (without a byte-order mark) is the one above."
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(snapshot: ListSnapshot, chunk: int) -> Iterator[SnapshotRow]:
    """Every row in number order, a keyset chunk at a time (no server-side cursor held open)."""
    after = 0
    while True:
        batch = list(
            SnapshotRow.objects.filter(snapshot=snapshot, number__gt=after)
            .order_by("number")
            .only("number", "full_name", "masked_nik", "position", "unit", "education_level", "status")[
                :chunk
            ]
        )
        if not batch:
            return
        yield from batch
        after = batch[-1].number


def snapshot_csv_lines(snapshot: ListSnapshot) -> Iterator[str]:
    """The CSV: who published what and its SHA-256, then one line per listed person."""
    writer = csv.writer(_Echo())
    agency = snapshot.submission.agency
    yield "\ufeff"  # spreadsheet programs read the file as UTF-8
    yield writer.writerow([_("Agency"), spreadsheet_safe(agency.name)])
    yield writer.writerow([_("List"), f"{snapshot.get_kind_display()} — {_('version')} {snapshot.version}"])
    yield writer.writerow(
        [_("Published"), timezone.localtime(snapshot.published_at).strftime("%d-%m-%Y %H:%M")]
    )
    yield writer.writerow([_("Rows"), snapshot.row_count])
    yield writer.writerow(["SHA-256", snapshot.sha256])
    yield writer.writerow([_(SHA256_RULE)])
    yield writer.writerow([])
    yield writer.writerow(
        ["No", _("Name"), "NIK", _("Position"), _("Work unit"), _("Education"), _("Status"), _("Status code")]
    )
    for row in _rows(snapshot, CSV_CHUNK_ROWS):
        # Every hashed value exactly as canonical_line hashes it: the file is what the hash is over.
        cells = [spreadsheet_safe(str(getattr(row, name))) for name in CANONICAL_FIELDS]
        yield writer.writerow([*cells[:6], row.status_label, cells[6]])


def _pdf_part(snapshot: ListSnapshot, rows: list[SnapshotRow], *, first: bool) -> bytes:
    from weasyprint import HTML

    education = dict(EducationLevel.choices)
    html = render_to_string(
        "announcements/list_pdf.html",
        {
            "snapshot": snapshot,
            "agency": snapshot.submission.agency,
            "rows": rows,
            "first": first,
            "education": education,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def snapshot_pdf_ensure(*, snapshot_id: int) -> ListSnapshot:
    """The version's PDF, laid out once and kept in storage (a background task for large lists)."""
    from pypdf import PdfWriter

    snapshot = ListSnapshot.objects.select_related("submission__agency").get(pk=snapshot_id)
    if snapshot.pdf or snapshot.state != ListSnapshot.State.PUBLISHED:
        return snapshot
    writer = PdfWriter()
    batch: list[SnapshotRow] = []
    first = True
    for row in _rows(snapshot, PDF_CHUNK_ROWS):
        batch.append(row)
        if len(batch) == PDF_CHUNK_ROWS:
            writer.append(io.BytesIO(_pdf_part(snapshot, batch, first=first)))
            batch, first = [], False
    if batch or first:
        writer.append(io.BytesIO(_pdf_part(snapshot, batch, first=first)))
    agency = snapshot.submission.agency
    name = f"{agency.code}-{snapshot.slug}-v{snapshot.version}-{snapshot.sha256[:12]}.pdf"
    with tempfile.TemporaryFile() as handle:
        writer.write(handle)
        handle.seek(0)
        stored = snapshot.pdf.storage.save(snapshot.pdf.field.generate_filename(snapshot, name), File(handle))
    if ListSnapshot.objects.filter(pk=snapshot.pk, pdf="").update(pdf=stored) != 1:
        snapshot.pdf.storage.delete(stored)  # another run stored it first
    snapshot.refresh_from_db()
    return snapshot

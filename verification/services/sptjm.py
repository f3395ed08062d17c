"""The SPTJM (Surat Pernyataan Tanggung Jawab Mutlak): generating it, and receiving its signed scan.

The statement pages are HTML rendered by WeasyPrint (like the cards); the annexed list of up to
140,000 records is drawn page by page with ReportLab's canvas straight to a temporary file (WeasyPrint
lays a table out at roughly 1,000 rows a second, far too slow for that), and pypdf joins both into
the stored file. Records are read with a server-side cursor: memory stays flat whatever the size.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter

from registry.documents import check_pdf
from registry.models import AgencySubmission, AuditEvent, Status, WorkerRecord
from registry.validators import mask_number
from verification.audit import VerificationAuditAction
from verification.models import SignedSptjm, Sptjm
from verification.services.phases import Phase, submission_phase_change

logger = logging.getLogger(__name__)

MAX_SIGNED_BYTES = 20 * 1024 * 1024
STATEMENT_TEMPLATE = "verification/sptjm_statement.html"
PROGRESS_EVERY = 5000
# Statuses listed in the annex and counted in the statement (released records left the agency).
ANNEX_STATUSES = [s for s in Status if s != Status.RELEASED]


def validate_nip(value: str) -> str:
    """A civil servant's NIP: 18 digits — birth date (YYYYMMDD), appointment (YYYYMM), sex (1/2), serial."""
    nip = "".join((value or "").split())
    if len(nip) != 18 or not nip.isdigit():
        raise ValidationError(_("A NIP has exactly 18 digits."), code="nip_length")
    try:
        dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("The first 8 digits of a NIP are the birth date (YYYYMMDD); these are not a date."),
            code="nip_date",
        ) from None
    if not 1 <= int(nip[12:14]) <= 12 or nip[14] not in "12":
        raise ValidationError(
            _(
                "This is not a valid NIP: digits 9–14 are the appointment year and month, digit 15 the sex (1 or 2)."
            ),
            code="nip_format",
        )
    return nip


def status_counts(submission: AgencySubmission) -> dict[str, int]:
    rows = (
        WorkerRecord.objects.filter(agency_id=submission.agency_id, period_id=submission.period_id)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(Status.values, 0)
    counts.update(dict(rows))
    return counts


def current_sptjm(submission: AgencySubmission) -> Sptjm | None:
    """The latest SPTJM asked for since the agency's last finalisation (an older one may be stale)."""
    qs = Sptjm.objects.filter(submission=submission)
    if submission.finalised_at:
        qs = qs.filter(created_at__gte=submission.finalised_at)
    return qs.first()


def current_signed(submission: AgencySubmission) -> SignedSptjm | None:
    return SignedSptjm.objects.filter(submission=submission, superseded_at__isnull=True).first()


@transaction.atomic
def sptjm_start(*, submission_id: int, ppk_name: str, ppk_nip: str, ppk_position: str, actor: Any) -> Sptjm:
    """Ask for a new SPTJM for a finalised agency; the caller enqueues `build_sptjm` after the commit."""
    submission = AgencySubmission.objects.select_for_update().get(pk=submission_id)
    if not (
        actor.is_national_admin or (actor.role == "agency_admin" and actor.agency_id == submission.agency_id)
    ):
        raise PermissionDenied
    if submission.phase != Phase.FINALISED:
        raise ValidationError(_("The SPTJM is generated after the agency is finalised."), code="phase")
    errors: dict[str, list[str]] = {}
    if not ppk_name.strip():
        errors["ppk_name"] = [_("Enter the agency head's name.")]
    if not ppk_position.strip():
        errors["ppk_position"] = [_("Enter the agency head's position.")]
    try:
        ppk_nip = validate_nip(ppk_nip)
    except ValidationError as exc:
        errors["ppk_nip"] = exc.messages
    if errors:
        raise ValidationError(errors)
    sptjm = Sptjm.objects.create(
        submission=submission,
        ppk_name=" ".join(ppk_name.split()),
        ppk_nip=ppk_nip,
        ppk_position=" ".join(ppk_position.split()),
        created_by=actor,
    )
    AuditEvent.log(
        actor=actor, action=VerificationAuditAction.SPTJM_REQUEST, obj=submission, after={"sptjm": sptjm.pk}
    )
    return sptjm


def _annex_rows(submission: AgencySubmission) -> Iterable[tuple]:
    return (
        WorkerRecord.objects.filter(
            agency_id=submission.agency_id, period_id=submission.period_id, status__in=ANNEX_STATUSES
        )
        .order_by("full_name", "id")
        .values_list("full_name", "nik", "position", "work_unit__name", "status")
        .iterator(chunk_size=PROGRESS_EVERY)
    )


def _latin1(text: str) -> str:
    # The PDF's standard fonts cover Windows-1252; anything else becomes "?" rather than a failure.
    return (text or "").encode("cp1252", "replace").decode("cp1252")


def _write_annex(
    path: Path,
    *,
    rows: Iterable[tuple],
    total: int,
    heading: str,
    progress: Callable[[int], None],
) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    width, height = landscape(A4)
    per_page = 42
    line = 11.5
    pages = max(1, -(-total // per_page))
    # (x, width, title) in points; the text is cut to fit its column.
    columns = [
        (28, 40, "No."), (70, 200, "Nama"), (272, 88, "NIK"), (362, 150, "Jabatan"),
        (514, 200, "Unit Kerja"), (716, 100, "Status"),
    ]  # fmt: skip
    status_labels = {s.value: _latin1(str(s.label)) for s in Status}
    pdf = canvas.Canvas(str(path), pagesize=(width, height), pageCompression=1)
    pdf.setTitle(_latin1(heading))

    def fit(text: str, room: float) -> str:
        text = _latin1(text)
        if len(text) * 5.2 <= room or stringWidth(text, "Helvetica", 8) <= room:
            return text
        while text and stringWidth(text + "…", "Helvetica", 8) > room:
            text = text[:-1]
        return text + "…"

    def page_head(page: int) -> float:
        pdf.setFont("Helvetica-Bold", 9)
        pdf.drawString(28, height - 30, _latin1(heading))
        pdf.setFont("Helvetica", 8)
        pdf.drawRightString(width - 28, height - 30, f"Halaman {page} dari {pages}")
        y = height - 50
        pdf.setFont("Helvetica-Bold", 8)
        for x, _w, title in columns:
            pdf.drawString(x, y, title)
        pdf.line(28, y - 3, width - 28, y - 3)
        pdf.setFont("Helvetica", 8)
        return y - line - 2

    number = 0
    page = 1
    y = page_head(page)
    for name, nik, position, unit, status in rows:
        if number and number % per_page == 0:
            pdf.showPage()
            page += 1
            y = page_head(page)
        number += 1
        values = (
            str(number),
            name,
            mask_number(nik),
            position,
            unit or "-",
            status_labels.get(status, status),
        )
        for (x, room, _title), value in zip(columns, values, strict=True):
            pdf.drawString(x, y, fit(value, room - 6))
        y -= line
        if number % PROGRESS_EVERY == 0:
            progress(number)
    if number == 0:
        pdf.drawString(28, y, "Tidak ada data.")
    pdf.showPage()
    pdf.save()


def sptjm_build(*, sptjm_id: int) -> Sptjm:
    """Build the PDF of one requested SPTJM (run by the task worker; progress on the row)."""
    if (
        Sptjm.objects.filter(pk=sptjm_id, status=Sptjm.Status.PENDING).update(status=Sptjm.Status.RUNNING)
        != 1
    ):
        return Sptjm.objects.get(pk=sptjm_id)  # built or being built by someone else
    sptjm = Sptjm.objects.select_related("submission__agency", "submission__period").get(pk=sptjm_id)
    submission = sptjm.submission
    try:
        with translation.override("id"), tempfile.TemporaryDirectory(prefix="sptjm-") as tmp:
            counts = status_counts(submission)
            total = sum(counts[s] for s in ANNEX_STATUSES)
            Sptjm.objects.filter(pk=sptjm.pk).update(total_rows=total, counts=counts)
            statement = Path(tmp) / "statement.pdf"
            annex = Path(tmp) / "annex.pdf"
            out = Path(tmp) / "sptjm.pdf"
            html = render_to_string(
                STATEMENT_TEMPLATE,
                {
                    "sptjm": sptjm,
                    "agency": submission.agency,
                    "period": submission.period,
                    "counts": [(Status(s).label, counts[s]) for s in ANNEX_STATUSES],
                    "total": total,
                    "printed_at": timezone.localtime(),
                },
            )
            from weasyprint import HTML

            HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(target=str(statement))
            _write_annex(
                annex,
                rows=_annex_rows(submission),
                total=total,
                heading=f"Lampiran SPTJM — {submission.agency.name} — {submission.period.name}",
                progress=lambda n: Sptjm.objects.filter(pk=sptjm.pk).update(processed_rows=n),
            )
            writer = PdfWriter()
            writer.append(str(statement))
            writer.append(str(annex))
            with out.open("wb") as fh:
                writer.write(fh)
            writer.close()
            with out.open("rb") as fh:
                sptjm.file.save(f"sptjm-{submission.agency.code}.pdf", File(fh), save=False)
        sptjm.status, sptjm.counts, sptjm.total_rows = Sptjm.Status.DONE, counts, total
        sptjm.processed_rows, sptjm.finished_at = total, timezone.now()
        sptjm.save(update_fields=["file", "status", "counts", "total_rows", "processed_rows", "finished_at"])
    except Exception:
        logger.exception("SPTJM %s failed", sptjm_id)
        Sptjm.objects.filter(pk=sptjm.pk).update(
            status=Sptjm.Status.FAILED,
            finished_at=timezone.now(),
            message=_("The SPTJM could not be generated because of an internal error. Try again."),
        )
        raise
    AuditEvent.log(
        actor=sptjm.created_by,
        action=VerificationAuditAction.SPTJM_GENERATE,
        obj=submission,
        after={"sptjm": sptjm.pk},
    )
    return sptjm


def check_signed_pdf(upload: UploadedFile) -> tuple[int, str, bytes]:
    """The signed scan: a real, clean PDF of at most 20 MB. Returns (pages, sha256, checked content)."""
    size = upload.size or 0
    if size > MAX_SIGNED_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; at most 20 MB is accepted. Scan at a lower resolution "
              "(150–200 dpi is enough) and upload again.") % {"size": f"{size / 1024 / 1024:.1f}"},
            code="too_large",
        )  # fmt: skip
    upload.seek(0)
    head = upload.read(8192)
    if not head.strip(b"\x00 \r\n\t"):
        raise ValidationError(_("The file is empty. Choose the scanned PDF again."), code="empty")
    kind = filetype.guess(head)
    if kind is None or kind.mime != "application/pdf":
        raise ValidationError(
            _("This file is not a PDF (whatever its name says). Upload the signed SPTJM scanned as a PDF."),
            code="type",
        )
    upload.seek(0)
    # The same checks as every other PDF of the product (no script, attachment or appended page):
    # what is stored is the checked file, not the bytes as uploaded.
    checked = check_pdf(b"".join(upload.chunks()))
    upload.seek(0)
    return checked.pages or 0, checked.checksum, checked.content


def statement_pages(sptjm: Sptjm | None) -> int:
    """Pages of the generated SPTJM (statement and annex) the signed scan must cover."""
    if sptjm is None or not sptjm.file:
        return 0
    with sptjm.file.open("rb") as fh:
        return len(PdfReader(fh).pages)


def sptjm_upload_signed(
    *, submission_id: int, upload: UploadedFile, actor: Any, ip: str | None = None
) -> SignedSptjm:
    """Store the signed scan. A finalised agency becomes completed; a completed agency's scan is
    replaced only by the national admin (the old one stays, marked as superseded)."""
    pages, sha256, content = check_signed_pdf(upload)
    with transaction.atomic():
        submission = AgencySubmission.objects.select_for_update().get(pk=submission_id)
        own_admin = actor.role == "agency_admin" and actor.agency_id == submission.agency_id
        if not (actor.is_national_admin or own_admin):
            raise PermissionDenied
        replacing = submission.phase == Phase.COMPLETED
        if replacing and not actor.is_national_admin:
            raise ValidationError(
                _("The agency is completed: only the national admin (BKN) can replace its SPTJM."),
                code="completed",
            )
        expected = statement_pages(current_sptjm(submission))
        if pages < expected:
            raise ValidationError(
                _(
                    "The scan has %(pages)s pages, but the SPTJM it signs has %(expected)s (statement and "
                    "annexed list). Scan every page and upload again."
                )
                % {"pages": pages, "expected": expected},
                code="pages",
            )
        if not replacing:
            # Checks the phase (finalised), the generated SPTJM and the role; locks and records the move.
            submission_phase_change(submission_id=submission.pk, to=Phase.COMPLETED, actor=actor, ip=ip)
        now = timezone.now()
        old = current_signed(submission)
        if old is not None:
            SignedSptjm.objects.filter(pk=old.pk).update(superseded_at=now)
        signed = SignedSptjm(
            submission=submission,
            sptjm=current_sptjm(submission),
            original_name=(upload.name or "sptjm.pdf")[:200],
            size=len(content),
            pages=pages,
            sha256=sha256,
            uploaded_by=actor,
            uploaded_at=now,
        )
        signed.file.save("signed.pdf", ContentFile(content), save=False)
        try:
            signed.save()
        except Exception:
            signed.file.delete(save=False)
            raise
        AuditEvent.log(
            actor=actor,
            action=VerificationAuditAction.SPTJM_REPLACE
            if replacing
            else VerificationAuditAction.SPTJM_UPLOAD,
            obj=submission,
            before={"sha256": old.sha256} if old else {},
            after={"sha256": sha256, "pages": pages, "size": len(content)},
            ip=ip,
        )
    return signed

"""The two printed cards (PDF, A4, black-and-white friendly) and the QR code on the second.

Only the masked NIK (registry.validators.mask_number) ever appears on a card.
"""

from __future__ import annotations

import base64
import io
import threading
from typing import TYPE_CHECKING

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from registry.models import Document, WorkerRecord

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

ACCOUNT_CARD_TEMPLATE = "cards/account_card.html"
DATA_CARD_TEMPLATE = "cards/data_card.html"


def verification_url(record: WorkerRecord) -> str:
    return settings.SITE_URL + reverse("card:verify", args=[record.card_token])


# The QR code as a small PNG (one pixel per module, drawn crisp at its printed size by the card's
# `image-rendering: pixelated`), not SVG: WeasyPrint parses an SVG symbol's path of some 2,000
# segments and draws each, ~10 ms a card. Mask pattern 0 is fixed rather than chosen by scoring all
# eight (~6 ms): any mask is valid and read by every scanner; the scoring only evens out the print.
QR_MASK = 0


def qr_png_data_uri(url: str) -> str:
    qr = segno.make(url, error="m", mask=QR_MASK)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=1, border=2)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _photo_data_uri(record: WorkerRecord) -> str | None:
    document = Document.objects.filter(record=record, kind=Document.Kind.PHOTO).first()
    if document is None or not document.content_type.startswith("image/"):
        return None
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return f"data:{document.content_type};base64," + base64.b64encode(data).decode()


# WeasyPrint sets up fontconfig and Pango's font map for every document unless it is handed one
# (a third of the cost of a short document, ~5 ms a card): each thread keeps its own (a
# FontConfiguration is not meant to be shared between threads). Our cards declare no @font-face,
# so nothing a document adds to it leaks into the next one.
_fonts = threading.local()


def _font_config() -> FontConfiguration:
    if not hasattr(_fonts, "config"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.config = FontConfiguration()
    return _fonts.config


def _render(template: str, context: dict) -> bytes:
    # WeasyPrint is imported at the first card, not with the URLs: loading Pango and HarfBuzz costs
    # ~0.6 s of CPU that every process start (the task worker, management commands, the test
    # suite's subprocesses) would otherwise pay; app workers draw a card as they start (warm_up).
    from weasyprint import HTML

    html = render_to_string(template, context)
    fonts = _font_config()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)


def warm_up() -> None:
    """Draw both cards once for a stand-in worker (nothing read or written), once per process:
    deploy/gunicorn.conf.py calls it as each app worker starts. The first card a process draws
    costs ~0.4 s of CPU more than the next (fontconfig's and Pango's font set-up and fallbacks for
    the cards' characters, cffi's parsing of the font subsetter's types, WeasyPrint's lazy imports),
    which would otherwise fall on the first worker to ask for a card from each app process."""
    from registry.models import Agency, Period

    record = WorkerRecord(
        period=Period(name="Pendataan Non-ASN"),
        agency=Agency(name="Instansi"),
        nik="3273010101900001",
        full_name="Pegawai Contoh",
        registration_number="NA-0",
        birth_place="Bandung",
        sex="M",
    )
    now = timezone.localtime()
    common = {"record": record, "masked_nik": record.masked_nik, "printed_at": now}
    _render(ACCOUNT_CARD_TEMPLATE, {**common, "login_url": settings.SITE_URL, "account_email": "a@b.id"})
    url = settings.SITE_URL + "/verifikasi/0/"
    _render(DATA_CARD_TEMPLATE, {**common, "photo": None, "qr": qr_png_data_uri(url), "verify_url": url})


def account_card_pdf(record: WorkerRecord) -> bytes:
    """'Kartu Informasi Akun': who the account belongs to and how to log in."""
    return _render(
        ACCOUNT_CARD_TEMPLATE,
        {
            "record": record,
            "masked_nik": record.masked_nik,
            "printed_at": timezone.localtime(),
            "login_url": settings.SITE_URL + reverse("worker:login"),
            "account_email": getattr(getattr(record, "account", None), "email", "") or record.email,
        },
    )


def data_card_pdf(record: WorkerRecord) -> bytes:
    """'Kartu/Bukti Pendataan Tenaga Non ASN' with photo, data and a QR code to the verification page."""
    url = verification_url(record)
    return _render(
        DATA_CARD_TEMPLATE,
        {
            "record": record,
            "masked_nik": record.masked_nik,
            "printed_at": timezone.localtime(),
            "photo": _photo_data_uri(record),
            "qr": qr_png_data_uri(url),
            "verify_url": url,
        },
    )

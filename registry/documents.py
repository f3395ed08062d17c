"""Checking and normalising uploaded documents before they are stored.

Phones and scanners produce JPEG, PNG and PDF files of any usual size. The type is read from the
content (never the name); images are opened with Pillow under a pixel limit (decompression bombs),
turned upright, shrunk and re-encoded as JPEG with no metadata at all (no EXIF, comment or other
APPn segment: a comment can carry `<html><script>…`); PDFs must open with pypdf, not be encrypted,
carry no JavaScript, launch action or attached file, lose whatever was appended after their end,
and are page-counted. Served back, every such file also gets `Content-Security-Policy: sandbox`
(nonasn.middleware.SandboxDownloadsMiddleware), so a file that still hides HTML cannot run it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import threading
import warnings
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A 48-megapixel phone camera is the largest honest source; beyond this it is a decompression bomb.
MAX_IMAGE_PIXELS = 60_000_000
MAX_IMAGE_SIDE = 2000
PHOTO_MAX_BYTES = 200 * 1024
PHOTO_MAX_SIDE = 800
JPEG_QUALITY = 85
# What is left to shrink after a JPEG's draft decode is a factor under 2 (a 12-megapixel photo comes
# out of the decoder at 1000 px for an 800-px passport photo): bicubic looks the same there as
# Lanczos at two thirds of its cost (~4 ms a photo). A PNG (no draft) is first reduced by whole
# factors while at least 3x too large (Pillow's reducing_gap), then resampled.
RESAMPLING = Image.Resampling.BICUBIC
REDUCING_GAP = 3.0

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
PDF_TYPE = "application/pdf"
# Kinds that must be a picture of the person (printed on the card, compared by the operator).
IMAGE_ONLY_KINDS = frozenset({"photo", "selfie"})
EXECUTABLE_TYPES = frozenset(
    {
        "application/x-msdownload",
        "application/x-executable",
        "application/x-elf",
        "application/x-mach-binary",
        "application/x-sh",
        "application/vnd.microsoft.portable-executable",
        "application/x-dosexec",
    }
)


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    pages: int | None

    @property
    def size(self) -> int:
        return len(self.content)

    @functools.cached_property
    def checksum(self) -> str:
        # Read for the document row and again for its audit row: hash the (up to 2 MB) file once.
        return hashlib.sha256(self.content).hexdigest()


def _read(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _(
                "The file is %(size)s MB; the limit is 10 MB. Take the photo again or scan at a lower resolution."
            )
            % {"size": f"{upload.size / 1024 / 1024:.1f}"},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    if not data.strip(b"\x00 \r\n\t"):
        raise ValidationError(_("The file is empty. Choose the file again."), code="empty")
    return data


def _detect(data: bytes) -> str:
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ""
    if data[:2] == b"MZ" or data[:4] == b"\x7fELF" or mime in EXECUTABLE_TYPES:
        raise ValidationError(
            _("This file is a program, not a photo or a scan. Upload a JPEG, PNG or PDF."),
            code="executable",
        )
    if mime not in IMAGE_TYPES and mime != PDF_TYPE:
        raise ValidationError(
            _("This file is not a JPEG, PNG or PDF (whatever its name says). Upload a photo or a PDF scan."),
            code="type",
        )
    return mime


def _corrupt() -> ValidationError:
    return ValidationError(
        _("The file is damaged and cannot be opened. Take the photo or scan again."), code="corrupt"
    )


def _bomb() -> ValidationError:
    return ValidationError(
        _("The picture is too large (too many pixels). Upload a normal photo or scan."), code="bomb"
    )


def _encode_jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # Pillow writes back what it read into image.info (a JPEG comment, an ICC profile…), and an
    # image made by convert() or resize() inherits it: start from nothing. No exif= argument
    # either: the re-encoded file carries only the JFIF header and the picture.
    # Baseline with the standard Huffman tables: optimised tables (+17 ms for a 2000-pixel scan)
    # and progressive encoding (+50 ms more) each saved only ~5 % of the file, on the upload every
    # worker makes seven times, most of them on deadline day; storage is the cheaper resource.
    image.info = {}
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


# WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES on import, which would let a cut-off
# upload through as a grey-padded picture. Uploads are decoded with it off; the lock keeps two
# uploads from restoring each other's value. (WeasyPrint only renders our own, complete JPEGs.)
_TRUNCATION_LOCK = threading.Lock()


def _load_strictly(image: Image.Image) -> None:
    with _TRUNCATION_LOCK:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _draft(image: Image.Image, *, side: int) -> None:
    """Have a JPEG decoded straight at about the size it will be stored at (libjpeg scales by 1/2,
    1/4 or 1/8 while decoding, never below the requested size): a 12-megapixel phone photo stored
    at 2000 or 800 pixels then costs a quarter or a sixteenth of a full decode, and is decoded once.
    The box is square, so the size holds whichever way the EXIF orientation turns the picture."""
    width, height = image.size
    if image.format != "JPEG" or max(width, height) <= side:
        return
    scale = side / max(width, height)
    image.draft(image.mode, (max(1, int(width * scale)), max(1, int(height * scale))))


def _open_image(data: bytes, *, side: int) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice the limit; treat both as a bomb.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise _bomb()
            if getattr(image, "n_frames", 1) > 1 and image.format == "PNG":
                raise _bomb()
            _draft(image, side=side)
            _load_strictly(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _bomb() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _corrupt() from None
    return image


def _normalise_image(data: bytes, *, kind: str) -> CheckedFile:
    image = _open_image(data, side=PHOTO_MAX_SIDE if kind == "photo" else MAX_IMAGE_SIDE)
    try:
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError):
        pass  # an unreadable orientation tag: keep the picture as stored
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    if kind == "photo":
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), RESAMPLING, reducing_gap=REDUCING_GAP)
        # The original rules asked for a passport photo of at most 200 KB: lower quality, then size.
        quality = JPEG_QUALITY
        content = _encode_jpeg(image, quality)
        while len(content) > PHOTO_MAX_BYTES:
            if quality > 50:
                quality -= 10
            else:
                image = image.resize(
                    (max(1, int(image.width * 0.8)), max(1, int(image.height * 0.8))),
                    RESAMPLING,
                )
            content = _encode_jpeg(image, quality)
    else:
        image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE), RESAMPLING, reducing_gap=REDUCING_GAP)
        content = _encode_jpeg(image, JPEG_QUALITY)
    return CheckedFile(content=content, content_type="image/jpeg", pages=None)


# What a scan or a printed-to-PDF letter never needs, and what makes a PDF act instead of show:
# scripts (/JS, /JavaScript actions and name trees), programs (/Launch), attached files
# (/EmbeddedFiles, /EmbeddedFile, file-attachment annotations), Flash-era rich media, XFA forms.
ACTIVE_PDF_NAMES = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/FileAttachment",
        "/RichMedia",
        "/XFA",
    }
)
# A bound on the walk (a real scan has a few hundred objects): beyond it the PDF is refused.
MAX_PDF_OBJECTS = 200_000


def _active_content() -> ValidationError:
    return ValidationError(
        _(
            "This PDF contains scripts, program launches or attached files, which are not allowed. "
            "Print it to a new PDF (or scan the paper again) and upload that file."
        ),
        code="active_content",
    )


def _has_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the trailer (catalog, /OpenAction, /AA, /Names, pages,
    annotations, outlines, form fields) looking for an active key, type or action."""
    stack: list = [reader.trailer]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            return True
        if isinstance(node, DictionaryObject):
            for name, value in node.items():
                if name in ACTIVE_PDF_NAMES:
                    return True
                if isinstance(value, NameObject) and value in ACTIVE_PDF_NAMES:
                    return True  # /S /JavaScript, /S /Launch, /Type /EmbeddedFile, /Subtype /FileAttachment
                if name != "/Parent":  # the page tree links back up; its parents are reached anyway
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return False


def _without_appended_data(data: bytes) -> bytes:
    """Drop what follows the last %%EOF (an HTML page appended to a PDF, for one). Incremental
    updates each end in their own %%EOF, so signed or amended PDFs keep every revision."""
    end = data.rfind(b"%%EOF")
    if end < 0:
        return data
    return data[: end + len(b"%%EOF")] + b"\n"


def _check_pdf(data: bytes) -> CheckedFile:
    data = _without_appended_data(data)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValidationError(
                _("The PDF is protected with a password. Save it without a password and upload again."),
                code="encrypted",
            )
        pages = len(reader.pages)
        if _has_active_content(reader):
            raise _active_content()
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise _corrupt() from None
    if pages < 1:
        raise _corrupt()
    return CheckedFile(content=data, content_type=PDF_TYPE, pages=pages)


def check_pdf(data: bytes) -> CheckedFile:
    """The PDF rules every PDF upload of the product passes (documents, complaint evidence, the
    signed SPTJM): opens, not encrypted, no active content, nothing appended; page-counted."""
    return _check_pdf(data)


def check_upload(upload: UploadedFile, *, kind: str) -> CheckedFile:
    """Read, check and normalise one upload; raise ValidationError with a message a person can act on."""
    data = _read(upload)
    mime = _detect(data)
    if mime == PDF_TYPE:
        if kind in IMAGE_ONLY_KINDS:
            raise ValidationError(
                _("This document must be a photo (JPEG or PNG), not a PDF."), code="photo_required"
            )
        return _check_pdf(data)
    return _normalise_image(data, kind=kind)

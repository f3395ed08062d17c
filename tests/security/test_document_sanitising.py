"""Uploaded files keep no hidden payload: no metadata in pictures, no active content in PDFs, and
every file is served back sandboxed."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageCms
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from registry.documents import check_upload
from registry.models import Document
from registry.services.worker_data import document_store
from tests.accounts.support import pdf_bytes, upload

SCRIPT = b"<html><script>alert(document.cookie)</script></html>"
# JPEG markers a bare re-encoded picture may hold: SOI, JFIF APP0, DQT, SOF0-2, DHT, DRI, SOS, EOI.
PICTURE_MARKERS = {0xD8, 0xE0, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, 0xDA, 0xD9}


def jpeg_markers(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, first bytes of payload) for every segment, skipping entropy-coded scan data."""
    assert data[:2] == b"\xff\xd8"
    found, i = [(0xD8, b"")], 2
    while i < len(data) - 1:
        assert data[i] == 0xFF, f"no marker at {i}"
        marker = data[i + 1]
        if marker == 0xD9:
            found.append((marker, b""))
            break
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        found.append((marker, data[i + 4 : i + 4 + 5]))
        i += 2 + length
        if marker == 0xDA:  # scan data runs to the next marker that is not a stuffed 0xFF00 or RSTn
            while not (data[i] == 0xFF and data[i + 1] != 0x00 and not 0xD0 <= data[i + 1] <= 0xD7):
                i += 1
    return found


def jpeg_with_everything() -> bytes:
    """A phone picture carrying a script in its comment, EXIF, an ICC profile and a Photoshop block."""
    image = Image.effect_noise((400, 300), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "TestPhone Maker"
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, comment=SCRIPT, exif=exif.tobytes(), icc_profile=icc)
    data = out.getvalue()
    photoshop = b"Photoshop 3.0\x00" + SCRIPT
    app13 = b"\xff\xed" + (len(photoshop) + 2).to_bytes(2, "big") + photoshop
    data = data[:2] + app13 + data[2:] + SCRIPT  # and some HTML after the end of the picture
    assert {m for m, _ in jpeg_markers(data)} >= {0xFE, 0xE1, 0xE2, 0xED}
    return data


@pytest.mark.parametrize("kind", ["ktp", "photo"])
def test_reencoded_pictures_keep_no_metadata_segment_at_all(kind):
    checked = check_upload(upload(jpeg_with_everything(), "ktp.jpg"), kind=kind)
    markers = jpeg_markers(checked.content)
    assert {m for m, _ in markers} <= PICTURE_MARKERS
    assert [payload for m, payload in markers if m == 0xE0] == [b"JFIF\x00"]
    assert b"<script" not in checked.content
    assert b"TestPhone" not in checked.content


def test_png_text_chunks_do_not_survive():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    out = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(out, "PNG", pnginfo=info)
    checked = check_upload(upload(out.getvalue(), "kk.png", "image/png"), kind="kk")
    assert b"<script" not in checked.content
    assert {m for m, _ in jpeg_markers(checked.content)} <= PICTURE_MARKERS


# --- PDFs ------------------------------------------------------------------------------------


def pdf_with(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def javascript_action() -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def open_action_javascript(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(javascript_action())


def document_level_javascript(writer: PdfWriter) -> None:
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("init"), javascript_action()])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def embedded_file(writer: PdfWriter) -> None:
    writer.add_attachment("invoice.html", SCRIPT)


def launch_link(writer: PdfWriter) -> None:
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(100), FloatObject(100)]
            ),
            NameObject("/A"): action,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def page_open_javascript(writer: PdfWriter) -> None:
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): javascript_action()})


@pytest.mark.parametrize(
    "change",
    [open_action_javascript, document_level_javascript, embedded_file, launch_link, page_open_javascript],
)
def test_pdf_with_scripts_launch_actions_or_attachments_is_refused(change):
    data = pdf_with(change) + SCRIPT
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(data, "sk.pdf", "application/pdf"), kind="sk")
    assert caught.value.code == "active_content"
    assert "skrip" in caught.value.messages[0]
    assert "lampiran" in caught.value.messages[0]


def test_html_appended_to_a_plain_pdf_is_cut_off():
    plain = pdf_bytes(2)
    checked = check_upload(upload(plain + b"\n" + SCRIPT, "sk.pdf", "application/pdf"), kind="sk")
    assert checked.pages == 2
    assert b"<html" not in checked.content
    assert checked.content.rstrip().endswith(b"%%EOF")


def test_a_plain_scan_pdf_is_accepted_unchanged():
    plain = pdf_bytes(3)
    checked = check_upload(upload(plain, "sk.pdf", "application/pdf"), kind="sk")
    assert checked.pages == 3
    assert checked.content.rstrip() == plain.rstrip()


# --- Served back sandboxed -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["ktp", "sk"])
def test_documents_are_served_with_a_sandbox_policy(worker_client, worker, kind):
    data = pdf_bytes(1) if kind == "sk" else jpeg_with_everything()
    name, content_type = ("sk.pdf", "application/pdf") if kind == "sk" else ("ktp.jpg", "image/jpeg")
    document_store(
        record=worker.worker_record, kind=kind, upload=upload(data, name, content_type), actor=worker
    )
    document = Document.objects.get(record=worker.worker_record, kind=kind)
    response = worker_client.get(f"/akun/dokumen/{document.pk}/")
    assert response.status_code == 200
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy
    assert "default-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"

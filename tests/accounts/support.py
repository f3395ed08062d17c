"""What the worker's tests build: files (JPEG, PNG, PDF, a PNG bomb), the identity check's post, a worker with an account, a complete record."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from accounts.services.registration import account_create
from registry.models import Document, WorkerRecord
from registry.services.worker_data import HistoryEntry, document_store, work_history_replace
from tests.factories import PASSWORD

BIRTH = dt.date(1991, 3, 14)


def jpeg_bytes(size=(640, 480), color=(30, 90, 200), quality=90, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.save(out, "JPEG", quality=quality, **({"exif": exif.tobytes()} if exif is not None else {}))
    return out.getvalue()


def png_bytes(size=(300, 200), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 10, 10, 128) if mode == "RGBA" else "red").save(out, "PNG")
    return out.getvalue()


def pdf_bytes(pages: int = 2, password: str | None = None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A tiny PNG whose header claims a gigantic picture (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(data: bytes, name: str = "file.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def identity_post(record: WorkerRecord, **overrides) -> dict:
    data = {
        "nik": record.nik,
        "kk": record.kk,
        "full_name": record.full_name,
        "birth_place": record.birth_place,
        "birth_date": record.birth_date.strftime("%d-%m-%Y"),
        "phone": "081234567890",
        "email": "siti@example.test",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }
    data.update(overrides)
    return data


def make_worker(record: WorkerRecord, email: str = "siti@example.test"):
    return account_create(
        record_id=record.pk,
        password=PASSWORD,
        phone="081234567890",
        email=email,
        ktp=upload(jpeg_bytes(), "ktp.jpg"),
        photo=upload(jpeg_bytes((300, 400)), "foto.jpg"),
    )


def complete(record: WorkerRecord, user) -> WorkerRecord:
    """Fill everything the worker must enter, so the record can be submitted."""
    WorkerRecord.objects.filter(pk=record.pk).update(
        address="Jl. Merdeka 1, Bandung",
        sk_number="800/1/2019",
        sk_date=dt.date(2019, 1, 2),
        sk_signer_position="Kepala Dinas",
        start_date=dt.date(2019, 1, 2),
        monthly_pay=1_500_000,
        education_level="S1",
        education_institution="Universitas Padjadjaran",
        education_major="Pendidikan Matematika",
        diploma_number="UNPAD/2013/123",
        graduation_date=dt.date(2013, 8, 30),
    )
    work_history_replace(
        record_id=record.pk,
        entries=[HistoryEntry(dt.date(2019, 1, 2), None, "800/1/2019", "Guru", "SDN 1 Bandung")],
        actor=user,
    )
    for kind in Document.Kind.values:
        if not Document.objects.filter(record=record, kind=kind).exists():
            document_store(record=record, kind=kind, upload=upload(jpeg_bytes(), f"{kind}.jpg"), actor=user)
    record.refresh_from_db()
    return record

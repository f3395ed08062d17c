from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from accounts.models import Role
from registry.documents import PHOTO_MAX_BYTES, check_upload
from registry.models import AuditEvent, Document
from registry.services.worker_data import document_store
from tests.accounts.support import jpeg_bytes, make_worker, pdf_bytes, png_bomb, png_bytes, upload
from tests.factories import UserFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db


# --- Refusals, each with its own message -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "kind", "code", "words"),
    [
        (b"", "ktp.jpg", "ktp", "empty", "kosong"),
        (b"MZ\x90\x00\x03" + b"\x00" * 400, "ktp.jpg", "ktp", "executable", "program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 400, "ktp.pdf", "ktp", "executable", "program"),
        (b"PK\x03\x04" + b"\x00" * 400, "ktp.jpg", "ktp", "type", "bukan JPEG, PNG atau PDF"),
        (jpeg_bytes((800, 600))[:900], "ktp.jpg", "ktp", "corrupt", "rusak"),
        (b"%PDF-1.4\n" + b"garbage " * 200, "sk.pdf", "sk", "corrupt", "rusak"),
        (pdf_bytes(1, password="rahasia"), "sk.pdf", "sk", "encrypted", "kata sandi"),
        (png_bomb(20000, 20000), "kk.png", "kk", "bomb", "terlalu besar"),
        (png_bomb(9000, 8000), "kk.png", "kk", "bomb", "terlalu besar"),
        (pdf_bytes(1), "foto.pdf", "photo", "photo_required", "harus berupa foto"),
    ],
    ids=["empty", "renamed-exe", "elf-as-pdf", "zip", "truncated-jpeg", "broken-pdf", "encrypted-pdf",
         "bomb-huge", "bomb-over-limit", "pdf-as-photo"],
)  # fmt: skip
def test_bad_file_is_refused_with_its_message(data, name, kind, code, words):
    with pytest.raises(ValidationError) as caught:
        check_upload(upload(data, name), kind=kind)
    assert caught.value.code == code
    assert words in " ".join(caught.value.messages)


def test_file_over_10_mb_is_refused_before_reading():
    big = upload(b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024 + 10), "besar.jpg")
    with pytest.raises(ValidationError) as caught:
        check_upload(big, kind="ktp")
    assert caught.value.code == "too_large"
    assert "10 MB" in caught.value.messages[0]


# --- Accepted and normalised -----------------------------------------------------------------


def test_six_mb_phone_photo_is_stored_upright_small_and_without_exif(worker, phone_jpeg):
    record = worker.worker_record
    document = document_store(
        record=record, kind="kk", upload=upload(phone_jpeg, "IMG_0001.JPG"), actor=worker
    )
    document.refresh_from_db()
    assert document.content_type == "image/jpeg"
    assert document.size < 3 * 1024 * 1024
    assert document.file.name.startswith("documents/")
    assert "IMG_0001" not in document.file.name
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert document.checksum == __import__("hashlib").sha256(stored).hexdigest()
    image = Image.open(io.BytesIO(stored))
    # 4000x3000 taken sideways (orientation 6) → upright 3000x4000 → at most 2000 px.
    assert image.size == (1500, 2000)
    exif = image.getexif()
    assert 0x0112 not in exif and 0x010F not in exif
    assert b"TestPhone" not in stored
    assert AuditEvent.objects.filter(record=record, action="document:upload:kk").exists()


def test_passport_photo_is_reduced_to_200_kb(worker, phone_jpeg):
    document = document_store(
        record=worker.worker_record, kind="photo", upload=upload(phone_jpeg), actor=worker
    )
    assert document.size <= PHOTO_MAX_BYTES
    assert document.content_type == "image/jpeg"


def test_sideways_passport_photo_is_stored_upright_at_800_pixels_without_exif(worker, phone_jpeg):
    # Decoded at a reduced size (JPEG draft mode), then turned: still 600 x 800, portrait.
    document = document_store(
        record=worker.worker_record, kind="photo", upload=upload(phone_jpeg), actor=worker
    )
    with document.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert stored.size == (600, 800)
    assert 0x0112 not in stored.getexif()


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_grey_and_cmyk_phone_scans_are_stored_as_rgb_at_2000_pixels(mode):
    out = io.BytesIO()
    Image.new(mode, (4000, 3000), 128 if mode == "L" else (10, 20, 30, 40)).save(out, "JPEG")
    checked = check_upload(upload(out.getvalue()), kind="ktp")
    stored = Image.open(io.BytesIO(checked.content))
    assert (stored.mode, stored.size) == ("RGB", (2000, 1500))


def test_png_with_transparency_becomes_jpeg():
    checked = check_upload(upload(png_bytes(), "scan.png", "image/png"), kind="diploma")
    assert checked.content_type == "image/jpeg"
    assert Image.open(io.BytesIO(checked.content)).mode == "RGB"


def test_pdf_is_kept_and_page_counted(worker):
    document = document_store(
        record=worker.worker_record,
        kind="sk",
        upload=upload(pdf_bytes(3), "sk.pdf", "application/pdf"),
        actor=worker,
    )
    assert (document.content_type, document.pages) == ("application/pdf", 3)


def test_upload_replaces_the_old_file_of_the_same_kind(worker, django_capture_on_commit_callbacks):
    record = worker.worker_record
    old = Document.objects.get(record=record, kind="ktp")
    old_name = old.file.name
    storage = old.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        new = document_store(record=record, kind="ktp", upload=upload(pdf_bytes(2), "k.pdf"), actor=worker)
    assert Document.objects.filter(record=record, kind="ktp").count() == 1
    assert new.pk == old.pk and new.file.name != old_name
    assert not storage.exists(old_name)


def test_documents_page_shows_the_refusal_next_to_the_document(worker_client, worker):
    response = worker_client.post(
        reverse("worker:documents"), {"kind": "kk", "file": upload(b"MZ" + b"\x00" * 300, "kk.jpg")}
    )
    assert response.status_code == 400
    assert "Berkas ini adalah program" in response.content.decode()
    assert not Document.objects.filter(record=worker.worker_record, kind="kk").exists()


def test_documents_page_upload_stores_the_document(worker_client, worker):
    response = worker_client.post(
        reverse("worker:documents"), {"kind": "selfie", "file": upload(jpeg_bytes())}
    )
    assert response.status_code == 302
    assert Document.objects.filter(record=worker.worker_record, kind="selfie").exists()


# --- Who may see a document ------------------------------------------------------------------


@pytest.fixture
def ktp(worker) -> Document:
    return Document.objects.get(record=worker.worker_record, kind="ktp")


def test_owner_sees_their_document_inline_with_nosniff(worker_client, ktp):
    response = worker_client.get(reverse("worker:document", args=[ktp.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_another_worker_cannot_see_the_document(client, ktp, agency, period):
    other = make_worker(WorkerRecordFactory(agency=agency, period=period), email="lain@example.test")
    client.force_login(other, backend="accounts.backends.LoginBackend")
    assert client.get(reverse("worker:document", args=[ktp.pk])).status_code == 404


def test_staff_of_another_agency_cannot_see_the_document(client, ktp, other_agency):
    client.force_login(UserFactory(role=Role.OPERATOR, agency=other_agency))
    assert client.get(reverse("worker:document", args=[ktp.pk])).status_code == 404


def test_staff_of_the_records_agency_and_national_admin_see_the_document(
    client, ktp, operator, national_admin
):
    for user in (operator, national_admin):
        client.force_login(user)
        assert client.get(reverse("worker:document", args=[ktp.pk])).status_code == 200


def test_anonymous_visitor_cannot_see_the_document(client, ktp):
    assert client.get(reverse("worker:document", args=[ktp.pk])).status_code == 404


def test_truncated_jpeg_is_refused_even_after_weasyprint_relaxed_pillow():
    import weasyprint.images  # noqa: F401  (sets LOAD_TRUNCATED_IMAGES = True on import)

    with pytest.raises(ValidationError) as caught:
        check_upload(upload(jpeg_bytes((800, 600))[:900], "ktp.jpg"), kind="ktp")
    assert caught.value.code == "corrupt"


def test_six_mb_photo_uploads_through_the_documents_page(worker_client, worker, phone_jpeg):
    response = worker_client.post(reverse("worker:documents"), {"kind": "selfie", "file": upload(phone_jpeg)})
    assert response.status_code == 302
    document = Document.objects.get(record=worker.worker_record, kind="selfie")
    assert document.content_type == "image/jpeg" and document.size < len(phone_jpeg)


def test_agency_worker_page_links_each_document_to_its_file(client, ktp, operator):
    client.force_login(operator)
    page = client.get(reverse("registry:worker-detail", args=[ktp.record_id])).content.decode()
    link = reverse("worker:document", args=[ktp.pk])
    assert f'href="{link}"' in page
    assert client.get(link).status_code == 200


def test_agency_timeline_names_the_worker_s_uploads_in_indonesian(client, ktp, operator):
    client.force_login(operator)
    page = client.get(reverse("registry:worker-detail", args=[ktp.record_id])).content.decode()
    text = re.sub(r"<[^>]+>", " ", page)  # what a person reads, without attributes
    assert "Dokumen diunggah: KTP" in text
    assert "document:upload:" not in text


def test_phone_photo_upload_is_parsed_in_memory_not_through_a_temporary_file(phone_jpeg):
    from django.core.files.uploadedfile import InMemoryUploadedFile
    from django.test import RequestFactory

    from registry.documents import MAX_UPLOAD_BYTES

    assert 2 * 1024 * 1024 < len(phone_jpeg) <= MAX_UPLOAD_BYTES
    request = RequestFactory().post(
        "/akun/dokumen/", {"kind": "kk", "file": upload(phone_jpeg, "IMG_0001.jpg")}
    )
    parsed = request.FILES["file"]
    assert isinstance(parsed, InMemoryUploadedFile)
    assert parsed.read() == phone_jpeg


def test_refused_upload_page_still_lists_the_documents_already_stored(worker_client, worker):
    ktp = Document.objects.get(record=worker.worker_record, kind="ktp")
    response = worker_client.post(
        reverse("worker:documents"), {"kind": "kk", "file": upload(b"MZ" + b"\x00" * 300, "kk.jpg")}
    )
    assert response.status_code == 400
    assert reverse("worker:document", args=[ktp.pk]) in response.content.decode()


def test_successful_upload_reads_no_lists_it_does_not_show(
    worker_client, worker, django_assert_max_num_queries
):
    # The redirect's page reads them; the upload itself reads the record, locks it, stores, audits.
    with django_assert_max_num_queries(13):
        response = worker_client.post(
            reverse("worker:documents"), {"kind": "selfie", "file": upload(jpeg_bytes())}
        )
    assert response.status_code == 302

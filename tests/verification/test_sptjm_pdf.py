# ruff: noqa: F811 - the shared fixtures are imported by name and used as arguments
"""The SPTJM: generated PDF (statement, counts, annexed list) and the signed scan's checks."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from registry.models import AgencySubmission, AuditEvent, Status
from tests.verification.phases_support import (  # noqa: F401
    _tasks_inline,
    end_public_test,
    pdf_bytes,
    pdf_upload,
    records,
    set_phase,
    submission,
)
from verification.models import PhaseChange, SignedSptjm, Sptjm
from verification.services.sptjm import sptjm_build, sptjm_start, validate_nip

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase
NIP = "197001012000031001"
PPK = {"ppk_name": "Dr. Siti Aminah, M.Si.", "ppk_nip": NIP, "ppk_position": "Sekretaris Daerah"}


@pytest.fixture
def finalised(submission, records):
    set_phase(submission, Phase.FINALISED)
    return submission


def generate(client, admin, django_capture_on_commit_callbacks) -> Sptjm:
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("phases:sptjm-generate"), PPK)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Sptjm.objects.get()


def pdf_text(sptjm: Sptjm) -> tuple[str, int]:
    with sptjm.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
        text = "\n".join(page.extract_text() for page in reader.pages)
        return " ".join(text.split()), len(reader.pages)


def test_generated_sptjm_holds_the_statement_counts_ppk_and_the_annexed_list(
    client, agency_admin, finalised, records, django_capture_on_commit_callbacks
):
    sptjm = generate(client, agency_admin, django_capture_on_commit_callbacks)
    assert sptjm.status == Sptjm.Status.DONE
    text, pages = pdf_text(sptjm)
    assert pages >= 2
    assert "Surat Pernyataan Tanggung Jawab Mutlak".upper() in text.upper()
    assert "bertanggung jawab secara mutlak" in text
    assert finalised.agency.name in text and finalised.period.name in text
    assert "Dr. Siti Aminah, M.Si." in text and NIP in text and "Sekretaris Daerah" in text
    # Counts per status (4 active records: released ones are not listed) and the annex rows.
    assert "Memenuhi Syarat" in text or "Eligible" in text
    assert "Jumlah seluruhnya" in text
    counts = sptjm.counts
    assert counts[Status.ELIGIBLE] == 1 and counts[Status.INELIGIBLE] == 1 and counts[Status.RELEASED] == 1
    assert sptjm.total_rows == 4
    for status, record in records.items():
        if status == Status.RELEASED:
            assert record.full_name not in text
        else:
            assert record.full_name in text
            assert record.masked_nik in text
            assert record.nik not in text
    assert AuditEvent.objects.filter(action="sptjm:generate").exists()


def test_sptjm_progress_and_download_answer_only_the_own_agency(
    client, agency_admin, finalised, django_capture_on_commit_callbacks, other_agency
):
    from accounts.models import Role
    from tests.factories import UserFactory

    sptjm = generate(client, agency_admin, django_capture_on_commit_callbacks)
    progress = client.get(reverse("phases:sptjm-progress", args=[sptjm.pk])).json()
    assert progress["finished"] and progress["percent"] == 100
    download = client.get(reverse("phases:sptjm-download", args=[sptjm.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.force_login(UserFactory(role=Role.AGENCY_ADMIN, agency=other_agency))
    assert client.get(reverse("phases:sptjm-download", args=[sptjm.pk])).status_code == 404
    assert client.get(reverse("phases:sptjm-progress", args=[sptjm.pk])).status_code == 404


@pytest.mark.parametrize(
    "nip, message",
    [
        ("12345", "tepat 18 angka"),
        ("19701301200003100A", "tepat 18 angka"),
        ("197013012000031001", "tanggal lahir"),
        ("197001012000131001", "tidak sah"),
        ("197001012000033001", "tidak sah"),
    ],  # fmt: skip
)
def test_a_bad_nip_is_refused_next_to_the_field(client, agency_admin, finalised, nip, message):
    client.force_login(agency_admin)
    response = client.post(reverse("phases:sptjm-generate"), {**PPK, "ppk_nip": nip})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Sptjm.objects.exists()


def test_nip_with_spaces_is_accepted_without_them():
    assert validate_nip("19700101 200003 1 001") == NIP


def test_sptjm_is_generated_only_after_finalisation(client, agency_admin, submission):
    set_phase(submission, Phase.PREFINALISED)
    client.force_login(agency_admin)
    response = client.post(reverse("phases:sptjm-generate"), PPK)
    assert response.status_code == 400
    assert not Sptjm.objects.exists()


def test_operator_cannot_generate_or_upload(client, operator, finalised):
    client.force_login(operator)
    assert client.post(reverse("phases:sptjm-generate"), PPK).status_code == 403
    assert client.post(reverse("phases:sptjm-upload"), {"file": pdf_upload()}).status_code == 403
    assert not Sptjm.objects.exists() and not SignedSptjm.objects.exists()


@pytest.fixture
def generated(finalised, agency_admin):
    sptjm = sptjm_start(submission_id=finalised.pk, actor=agency_admin, **PPK)
    return sptjm_build(sptjm_id=sptjm.pk)


def test_signed_upload_completes_the_agency_with_pages_and_sha256(client, agency_admin, generated, finalised):
    content = pdf_bytes(pages=3)
    client.force_login(agency_admin)
    response = client.post(reverse("phases:sptjm-upload"), {"file": pdf_upload(content)})
    assert response.status_code == 302
    finalised.refresh_from_db()
    assert finalised.phase == Phase.COMPLETED
    signed = SignedSptjm.objects.get()
    assert signed.pages == 3 and signed.size == len(content)
    assert signed.sha256 == hashlib.sha256(content).hexdigest()
    change = PhaseChange.objects.get(to_phase=Phase.COMPLETED)
    assert change.from_phase == Phase.FINALISED and change.actor == agency_admin
    assert AuditEvent.objects.filter(action="sptjm:upload", after__sha256=signed.sha256).exists()
    assert AuditEvent.objects.filter(action="phase:completed").exists()


def test_upload_before_generating_is_refused(client, agency_admin, finalised):
    client.force_login(agency_admin)
    response = client.post(reverse("phases:sptjm-upload"), {"file": pdf_upload()})
    assert response.status_code == 400
    assert "Buat SPTJM terlebih dahulu" in response.content.decode()
    finalised.refresh_from_db()
    assert finalised.phase == Phase.FINALISED


BIG = b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024)


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"PK\x03\x04 this is a zip, not a pdf" * 10, "sptjm.pdf", "bukan PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "sptjm.pdf", "bukan PDF"),
        (b"", "sptjm.pdf", "kosong"),
        (
            b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage without pages\n%%EOF",
            "rusak.pdf",
            "rusak",
        ),
        (BIG, "besar.pdf", "paling besar 20 MB"),
    ],
    ids=["zip", "png", "empty", "corrupt", "21mb"],
)
def test_bad_signed_files_are_refused_in_indonesian(
    client, agency_admin, generated, finalised, content, name, message
):
    client.force_login(agency_admin)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(reverse("phases:sptjm-upload"), {"file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    finalised.refresh_from_db()
    assert finalised.phase == Phase.FINALISED
    assert not SignedSptjm.objects.exists()


def test_completed_agency_replaces_its_sptjm_only_through_the_national_admin(
    client, agency_admin, national_admin, generated, finalised
):
    from verification.services.sptjm import statement_pages

    pages = statement_pages(generated)
    client.force_login(agency_admin)
    client.post(reverse("phases:sptjm-upload"), {"file": pdf_upload(pdf_bytes(pages))})
    first = SignedSptjm.objects.get()
    again = client.post(reverse("phases:sptjm-upload"), {"file": pdf_upload(pdf_bytes(pages + 1))})
    assert again.status_code == 400 and "hanya admin nasional" in again.content.decode()
    assert SignedSptjm.objects.count() == 1
    client.force_login(national_admin)
    response = client.post(
        reverse("national:sptjm-replace", args=[finalised.pk]), {"file": pdf_upload(pdf_bytes(pages + 1))}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.superseded_at is not None
    current = SignedSptjm.objects.get(superseded_at__isnull=True)
    assert current.pages == pages + 1 and current.uploaded_by == national_admin
    assert AuditEvent.objects.filter(action="sptjm:replace", before__sha256=first.sha256).exists()
    finalised.refresh_from_db()
    assert finalised.phase == Phase.COMPLETED


def test_page_says_records_are_not_in_the_baseline_without_an_sptjm(client, agency_admin, finalised):
    client.force_login(agency_admin)
    body = client.get(reverse("phases:overview")).content.decode()
    assert "tidak termasuk dalam data dasar nasional" in body or "data dasar nasional" in body


def test_after_a_reopening_the_old_sptjm_does_not_complete_the_agency(
    client, agency_admin, national_admin, generated, finalised
):
    from verification.services.phases import submission_finalise, submission_prefinalise, submission_reopen

    submission_reopen(submission_id=finalised.pk, actor=national_admin, reason="Data berubah")
    submission_prefinalise(submission_id=finalised.pk, actor=agency_admin)
    end_public_test(finalised)
    submission_finalise(submission_id=finalised.pk, actor=agency_admin)
    client.force_login(agency_admin)
    response = client.post(reverse("phases:sptjm-upload"), {"file": pdf_upload()})
    assert response.status_code == 400
    assert "Buat SPTJM terlebih dahulu" in response.content.decode()
    finalised.refresh_from_db()
    assert finalised.phase == Phase.FINALISED


def _hostile_signed_pdf(pages: int) -> bytes:
    """A signed scan carrying an /OpenAction script, an embedded file and an HTML page appended."""
    from pypdf import PdfWriter

    from tests.security.test_document_sanitising import open_action_javascript

    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes(pages)))
    open_action_javascript(writer)
    writer.add_attachment("payload.html", b"<script>alert(1)</script>")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue() + b"<html><script>alert(document.cookie)</script></html>"


def test_a_signed_upload_with_script_attachment_or_appended_html_is_refused(
    client, agency_admin, generated, finalised
):
    """Issue 16, point 6: the signed scan passes the same hostile-PDF checks as every other PDF."""
    from verification.services.sptjm import statement_pages

    client.force_login(agency_admin)
    response = client.post(
        reverse("phases:sptjm-upload"), {"file": pdf_upload(_hostile_signed_pdf(statement_pages(generated)))}
    )
    assert response.status_code == 400
    assert "skrip" in response.content.decode()
    assert not SignedSptjm.objects.exists()
    finalised.refresh_from_db()
    assert finalised.phase == Phase.FINALISED


def test_a_signed_scan_with_fewer_pages_than_the_statement_is_refused(
    client, agency_admin, generated, finalised
):
    from verification.services.sptjm import statement_pages

    expected = statement_pages(generated)
    assert expected >= 2  # the statement and the annexed list
    client.force_login(agency_admin)
    response = client.post(reverse("phases:sptjm-upload"), {"file": pdf_upload(pdf_bytes(1))})
    assert response.status_code == 400
    assert (
        f"berisi 1 halaman, padahal SPTJM yang ditandatangani berisi {expected} halaman"
        in response.content.decode()
    )
    assert not SignedSptjm.objects.exists()


def test_the_statement_states_the_counts_per_status_and_the_heads_responsibility_with_the_signature(
    client, agency_admin, finalised, records, django_capture_on_commit_callbacks
):
    from pypdf import PdfReader

    sptjm = generate(client, agency_admin, django_capture_on_commit_callbacks)
    with sptjm.file.open("rb") as fh:
        reader = PdfReader(fh)
        pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    statement = " ".join(pages[:-1])  # the annex is the last page here
    assert "memenuhi persyaratan pendataan sesuai" not in statement
    assert "pendataan Pendataan" not in statement
    assert "Tidak Lengkap" in statement and "Tidak Memenuhi Syarat (TMS)" in statement
    assert "bertanggung jawab penuh atas kebenaran" in statement
    # The signature block is on the same page as the statement's closing sentence.
    closing = next(p for p in pages if "Demikian surat pernyataan" in p)
    assert "NIP " + NIP in closing

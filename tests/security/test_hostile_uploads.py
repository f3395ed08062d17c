"""Every upload field refuses hostile files with an Indonesian message next to it, and stores nothing:
a JPEG/HTML polyglot, an SVG with a script, a zip bomb, an oversized file, a program renamed .pdf."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.models import User
from announcements.models import Complaint
from registry.models import AgencySubmission, Document, ImportJob
from tests.accounts.support import identity_post, pdf_bytes, upload
from tests.announcements.complaints_support import complaint_data, file_url, listed, prefinalise
from tests.factories import PASSWORD
from tests.registry.hostile_xlsx import zip_bomb
from verification.models import SignedSptjm

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
# Each field's own size limit (README): documents and evidence 10 MB, signed SPTJM 20 MB, XLSX 25 MB.
LIMITS = {"documents": 10 * MB, "step2": 10 * MB, "evidence": 10 * MB, "import": 25 * MB, "sptjm": 20 * MB}


def hostile(kind: str, field: str):
    if kind == "polyglot":  # JPEG magic bytes, then a web page
        return upload(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + HTML * 20, "foto.jpg", "image/jpeg")
    if kind == "svg":
        return upload(SVG, "foto.svg", "image/svg+xml")
    if kind == "zip_bomb":
        return upload(zip_bomb(compressed_bytes=MB), "data.xlsx", "application/octet-stream")
    if kind == "oversized":
        name = {"import": "data.xlsx", "sptjm": "sptjm.pdf"}.get(field, "scan.pdf")
        return upload(b"%PDF-1.4\n" + b"0" * LIMITS[field], name, "application/pdf")
    if kind == "exe":
        return upload(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 4000 + b"This program cannot be run", "surat.pdf",
                      "application/pdf")  # fmt: skip
    raise AssertionError(kind)


def stored() -> tuple:
    files = sorted(str(p) for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file())
    return (Document.objects.count(), User.objects.count(), Complaint.objects.count(), ImportJob.objects.count(),
            SignedSptjm.objects.count(), files)  # fmt: skip


ENGLISH = re.compile(r"\b(the|is|not|must|please|upload|valid|file was|an image)\b", re.IGNORECASE)


def field_messages(response) -> list[str]:
    html = response.content.decode()
    found = re.findall(
        r'class="[^"]*(?:invalid-feedback|errorlist|alert-danger)[^"]*"[^>]*>(.*?)</', html, re.S
    )
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", m)).split()) for m in found if m.strip()]


@pytest.fixture
def prepare(client, agency, period, registered, operator, agency_admin):
    """Bring the field's page to where it accepts a file; return how to send one."""

    def _prepare(field: str):
        if field == "documents":
            from tests.accounts.support import make_worker

            client.force_login(make_worker(registered), backend="accounts.backends.LoginBackend")
            return lambda bad: client.post(reverse("worker:documents"), {"kind": "kk", "file": bad})
        if field == "step2":
            assert client.post("/akun/buat/", identity_post(registered)).status_code == 302
            return lambda bad: client.post(
                reverse("worker:register-step2"),
                {"password1": PASSWORD, "password2": PASSWORD, "photo": bad,
                 "ktp": upload(pdf_bytes(1), "ktp.pdf", "application/pdf")},
            )  # fmt: skip
        if field == "evidence":
            record = listed(agency, period)
            prefinalise(agency, period, days_ago=1)
            return lambda bad: client.post(file_url(agency, record), complaint_data(evidence=bad))
        if field == "import":
            client.force_login(operator)
            return lambda bad: client.post(reverse("registry:import-upload"), {"file": bad})
        if field == "sptjm":
            AgencySubmission.objects.filter(agency=agency).update(phase=AgencySubmission.Phase.FINALISED)
            client.force_login(agency_admin)
            return lambda bad: client.post(reverse("phases:sptjm-upload"), {"file": bad})
        raise AssertionError(field)

    return _prepare


@pytest.mark.parametrize("kind", ["polyglot", "svg", "zip_bomb", "oversized", "exe"])
@pytest.mark.parametrize("field", ["documents", "step2", "evidence", "import", "sptjm"])
def test_hostile_file_is_refused_with_an_indonesian_message_and_nothing_is_stored(prepare, field, kind):
    send = prepare(field)
    before = stored()
    response = send(hostile(kind, field))
    assert response.status_code in (200, 400), (field, kind, response.status_code)
    messages = field_messages(response)
    assert messages, response.content.decode()[:3000]
    assert not any(ENGLISH.search(m) for m in messages), messages
    assert stored() == before

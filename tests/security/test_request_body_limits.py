"""Oversized request bodies are refused before they are read, per kind of form (issue 17.9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from announcements.models import Complaint
from nonasn.body_limits import body_limit
from registry.documents import MAX_UPLOAD_BYTES
from registry.models import AgencySubmission, Status
from registry.services.imports.archive import MAX_UPLOAD_BYTES as IMPORT_MAX_BYTES
from tests.factories import WorkerRecordFactory
from verification.services.sptjm import MAX_SIGNED_BYTES

MB = 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body of an oversized request was read")

    readline = read


def _post_declaring(client, path: str, length: int):
    return client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


@pytest.mark.django_db
def test_a_300_mb_complaint_upload_is_refused_without_reading_it(client, agency, period):
    AgencySubmission.objects.filter(agency=agency, period=period).update(
        phase=AgencySubmission.Phase.PREFINALISED, prefinalised_at=timezone.now() - dt.timedelta(minutes=1)
    )
    person = WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE)
    response = _post_declaring(client, f"/aduan/{agency.code}/?record={person.pk}", 300 * MB)
    assert response.status_code == 413
    page = response.content.decode()
    assert 'id="request-too-large"' in page and "paling besar 15 MB" in page
    assert not Complaint.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/pengumuman/cek-status/",
        "/akun/buat/",
        "/akun/masuk/",
        "/instansi/akun/masuk/",
        "/admin/login/",
        "/aduan/lacak/",
        "/akun/buat/langkah-2/",
        "/aduan/C123/",
    ],
)
def test_each_form_refuses_one_byte_over_its_limit_before_reading(client, path):
    assert _post_declaring(client, path, body_limit(path) + 1).status_code == 413


def test_forms_with_files_accept_their_documented_file_sizes():
    # A file at its documented limit, plus the form around it, is never refused by the body limit.
    assert body_limit("/aduan/C123/") > MAX_UPLOAD_BYTES  # a complaint's evidence
    assert body_limit("/akun/buat/langkah-2/") > 2 * MAX_UPLOAD_BYTES  # KTP and passport photo
    assert body_limit("/akun/dokumen/") > MAX_UPLOAD_BYTES  # a worker's document
    assert body_limit("/instansi/impor/unggah/") > IMPORT_MAX_BYTES  # an XLSX import
    assert body_limit("/instansi/fase/sptjm/unggah/") > MAX_SIGNED_BYTES  # the signed SPTJM
    assert body_limit("/nasional/instansi/7/sptjm/") > MAX_SIGNED_BYTES  # replaced by the national admin


@pytest.mark.parametrize(
    "path",
    ["/pengumuman/cek-status/", "/akun/buat/", "/akun/masuk/", "/instansi/akun/masuk/", "/admin/login/"],
)
def test_anonymous_forms_without_files_accept_only_small_bodies(path):
    assert body_limit(path) <= 256 * 1024


def test_the_longest_prefix_wins_as_in_nginx():
    assert body_limit("/akun/buat/") == 256 * 1024
    assert body_limit("/akun/buat/langkah-2/") == 25 * MB
    assert body_limit("/tidak-dikenal/") == body_limit("/")

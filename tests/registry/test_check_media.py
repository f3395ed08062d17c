"""`manage.py check_media`: stored files against the database, with real files in a temporary
MEDIA_ROOT (tests/conftest.py gives each test its own)."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from registry.management.commands.check_media import file_fields
from registry.models import Document, ImportJob
from tests.factories import WorkerRecordFactory


def run(*args: str) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("check_media", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def age(name: str, hours: float = 2) -> None:
    """Make a stored file look older (orphans younger than the grace period are left alone)."""
    past = time.time() - hours * 3600
    os.utime(default_storage.path(name), (past, past))


def document(record, kind: str = "ktp", *, stored: bool = True) -> Document:
    doc = Document(record=record, kind=kind, size=3, content_type="image/png", checksum="x")
    if stored:
        doc.file.save("scan.png", ContentFile(b"png"), save=False)
    else:
        doc.file.name = "documents/00/0000000000000000000000000000dead"
    doc.save()
    if stored:
        age(doc.file.name)
    return doc


@pytest.fixture
def record(agency, period):
    return WorkerRecordFactory(agency=agency, period=period)


@pytest.fixture
def import_job(agency, period, operator):
    job = ImportJob(agency=agency, period=period, created_by=operator, original_name="data.xlsx")
    job.file.save("data.xlsx", ContentFile(b"xlsx"), save=False)
    job.refused_file.save("refused.xlsx", ContentFile(b"refused"), save=False)
    job.save()
    age(job.file.name)
    age(job.refused_file.name)
    return job


def test_every_file_field_of_every_model_is_checked():
    checked = {f"{model._meta.label}.{model_field.name}" for model, model_field in file_fields()}
    assert {"registry.Document.file", "registry.ImportJob.file", "registry.ImportJob.refused_file"} <= checked


@pytest.mark.django_db
def test_files_and_rows_that_agree_pass(record, import_job):
    document(record)
    output, error = run()
    assert error is None
    assert "Missing: 0. Orphaned: 0." in output
    assert "3 file names in the database, 3 files stored" in output


@pytest.mark.django_db
def test_a_row_whose_file_is_gone_is_reported_missing_with_its_id(record, import_job):
    kept = document(record)
    lost = document(record, "kk", stored=False)
    default_storage.delete(import_job.refused_file.name)
    output, error = run()
    assert error is not None and error.returncode == 1
    assert f"MISSING  registry.Document.file id={lost.pk}: {lost.file.name}" in output
    assert (
        f"MISSING  registry.ImportJob.refused_file id={import_job.pk}: {import_job.refused_file.name}"
        in output
    )
    assert kept.file.name not in output
    assert "Missing: 2. Orphaned: 0." in output


@pytest.mark.django_db
def test_a_stored_file_no_row_names_is_reported_orphaned(record):
    document(record)
    orphan = default_storage.save("documents/ab/abandoned", ContentFile(b"old"))
    age(orphan)
    output, error = run()
    assert error is not None
    assert f"ORPHAN   {orphan}" in output
    assert "Missing: 0. Orphaned: 1." in output
    assert default_storage.exists(orphan)  # reporting deletes nothing


@pytest.mark.django_db
def test_an_upload_in_progress_is_not_an_orphan(record):
    fresh = default_storage.save("documents/cd/uploading", ContentFile(b"new"))
    output, error = run()
    assert error is None
    assert "1 recent file(s) without a row were left alone" in output
    assert default_storage.exists(fresh)


@pytest.mark.django_db
def test_deleting_orphans_needs_the_confirmation_flag(record):
    orphan = default_storage.save("imports/forgotten.xlsx", ContentFile(b"x"))
    age(orphan)
    _, error = run("--delete-orphans")
    assert error is not None and "--yes" in str(error)
    assert default_storage.exists(orphan)


@pytest.mark.django_db
def test_confirmed_delete_removes_only_the_orphans(record, import_job):
    kept = document(record)
    orphan = default_storage.save("imports/forgotten.xlsx", ContentFile(b"x"))
    age(orphan)
    output, error = run("--delete-orphans", "--yes")
    assert error is None
    assert "Deleted 1 orphaned file(s)." in output
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.file.name)
    assert default_storage.exists(import_job.file.name)
    assert run()[1] is None  # clean afterwards


@pytest.mark.django_db
def test_a_prefix_checks_one_part_of_the_storage(record, import_job):
    document(record, stored=False)
    orphan = default_storage.save("documents/ef/abandoned", ContentFile(b"old"))
    age(orphan)
    output, error = run("--prefix", "imports/")
    assert error is None  # the problems are all under documents/
    assert "2 file names in the database, 2 files stored under 'imports/'" in output
    output, error = run("--prefix", "documents/")
    assert error is not None
    assert "Missing: 1. Orphaned: 1." in output


@pytest.mark.django_db
def test_an_empty_media_root_with_no_rows_is_fine(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "never-created"
    output, error = run()
    assert error is None
    assert "Media files and database agree." in output

"""Check the stored files against the database: missing files and orphaned files.

    python manage.py check_media                       # report; exit status 1 when anything is wrong
    python manage.py check_media --prefix documents/a   # one part of a big bucket at a time
    python manage.py check_media --delete-orphans --yes # also delete the orphaned files

- missing: a row names a file that is not in storage (a restore that forgot the media, a bucket
  replicated late, a file deleted by hand). The row's model, field and id are printed.
- orphaned: a file in storage that no row names (the rows were restored from an older backup than
  the files, or an upload failed between storing the file and committing its row).

Every FileField of every installed model is checked (found by walking the models, so a new one is
covered without touching this command), each through its own storage and the storage API only: the
same command works on the local disk and on S3-compatible object storage. Files younger than
--grace-minutes are never called orphans: an upload in progress stores its file before its row is
committed. File names are random (documents/ab/<uuid>): the report holds no personal data.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.core.files.storage import Storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils import timezone


@dataclass
class StorageReport:
    storage: Storage
    fields: list[str] = field(default_factory=list)  # "app_label.Model.field"
    missing: list[tuple[str, object, str]] = field(default_factory=list)  # (field, pk, name)
    orphans: list[str] = field(default_factory=list)
    recent: int = 0  # files not (yet) named by a row but younger than the grace period
    checked_rows: int = 0
    stored_files: int = 0


def file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                yield model, model_field


def stored_files(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name under `path`, recursively, through the storage API."""
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # a local MEDIA_ROOT (or a folder of it) not created yet
        return
    for name in files:
        yield posixpath.join(path, name) if path else name
    for directory in directories:
        yield from stored_files(storage, posixpath.join(path, directory) if path else directory)


def _start_directory(prefix: str) -> str:
    """The folder to list for a prefix: "documents/ab" lists documents/ab, "documents/a" documents."""
    if not prefix or prefix.endswith("/"):
        return prefix.rstrip("/")
    return posixpath.dirname(prefix)


def check_media(*, prefix: str = "", grace: dt.timedelta = dt.timedelta(hours=1)) -> list[StorageReport]:
    reports: dict[int, StorageReport] = {}
    # storage -> file name -> the rows naming it ((field, pk), usually one)
    named: dict[int, dict[str, list[tuple[str, object]]]] = defaultdict(lambda: defaultdict(list))
    for model, model_field in file_fields():
        storage = model_field.storage
        report = reports.setdefault(id(storage), StorageReport(storage=storage))
        label = f"{model._meta.label}.{model_field.name}"
        report.fields.append(label)
        rows = model._default_manager.exclude(**{model_field.attname: ""}).exclude(
            **{f"{model_field.attname}__isnull": True}
        )
        if prefix:
            rows = rows.filter(**{f"{model_field.attname}__startswith": prefix})
        for pk, name in rows.values_list("pk", model_field.attname).iterator(chunk_size=5000):
            report.checked_rows += 1
            named[id(storage)][name].append((label, pk))
    cutoff = timezone.now() - grace
    for key, report in reports.items():
        present = set()
        for name in stored_files(report.storage, _start_directory(prefix)):
            if not name.startswith(prefix):
                continue
            report.stored_files += 1
            present.add(name)
            if name in named[key]:
                continue
            if _modified(report.storage, name) > cutoff:
                report.recent += 1
            else:
                report.orphans.append(name)
        report.missing = [
            (label, pk, name)
            for name, rows in named[key].items()
            if name not in present
            for label, pk in rows
        ]
    return list(reports.values())


def _modified(storage: Storage, name: str) -> dt.datetime:
    try:
        return storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return dt.datetime.min.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "Compare the stored files with the database: files that rows name but storage lacks (missing) "
        "and files no row names (orphaned). Exit status 1 when any is found."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--prefix", default="", help="Only names starting with this (e.g. documents/ab/)."
        )
        parser.add_argument(
            "--grace-minutes",
            type=int,
            default=60,
            help="Files younger than this are not called orphans (uploads in progress). Default 60.",
        )
        parser.add_argument("--delete-orphans", action="store_true", help="Delete the orphaned files.")
        parser.add_argument("--yes", action="store_true", help="Confirm --delete-orphans (required with it).")

    def handle(self, *args, prefix: str, grace_minutes: int, delete_orphans: bool, yes: bool, **options):
        if delete_orphans and not yes:
            raise CommandError(
                "--delete-orphans deletes files for good: run it first without, read the report, "
                "then add --yes to confirm."
            )
        reports = check_media(prefix=prefix, grace=dt.timedelta(minutes=grace_minutes))
        problems = 0
        for report in reports:
            storage_name = f"{type(report.storage).__module__}.{type(report.storage).__name__}"
            self.stdout.write(
                f"Storage {storage_name} ({', '.join(report.fields)}): {report.checked_rows} file names in "
                f"the database, {report.stored_files} files stored"
                + (f" under {prefix!r}" if prefix else "")
                + "."
            )
            for label, pk, name in report.missing:
                self.stdout.write(f"MISSING  {label} id={pk}: {name}")
            for name in report.orphans:
                self.stdout.write(f"ORPHAN   {name}")
            if report.recent:
                self.stdout.write(
                    f"{report.recent} recent file(s) without a row were left alone "
                    f"(younger than {grace_minutes} minutes)."
                )
            deleted = 0
            if delete_orphans:
                for name in report.orphans:
                    report.storage.delete(name)
                    deleted += 1
                if deleted:
                    self.stdout.write(f"Deleted {deleted} orphaned file(s).")
            problems += len(report.missing) + len(report.orphans) - deleted
            self.stdout.write(f"Missing: {len(report.missing)}. Orphaned: {len(report.orphans)}.")
        if problems:
            raise CommandError(f"{problems} problem(s) with the media files; see the lines above.")
        self.stdout.write(self.style.SUCCESS("Media files and database agree."))

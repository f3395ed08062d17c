# ruff: noqa: F811 - the shared fixtures are imported by name and used as arguments
"""After finalisation every mutating URL of the agency portal and the worker site refuses and changes
nothing. The URLs are walked from the resolver, so a page added later is covered too."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import Role
from registry.models import (
    AgencySubmission,
    AuditEvent,
    Document,
    ImportJob,
    Status,
    WorkerRecord,
    WorkHistory,
    WorkUnit,
)
from tests.factories import UserFactory, WorkerRecordFactory
from tests.registry.support import import_row, worker_fields, xlsx_bytes
from tests.security.urlwalk import walk
from tests.verification.phases_support import _tasks_inline, end_public_test, set_phase, submission  # noqa: F401
from verification.services.phases import submission_finalise, submission_prefinalise

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase

# Pages that change no worker data, allowed after finalisation on purpose: signing in and out,
# passwords, the agency's user accounts, its contact details (workers still need whom to ask), and
# the SPTJM steps that finalisation leads to.
ALLOWED_AFTER_FINALISATION = {
    "registry:contact-edit",
    "staff:login", "staff:logout", "staff:password-change", "staff:password-change-done",
    "staff:password-reset", "staff:password-reset-done", "staff:password-reset-confirm",
    "staff:password-reset-complete", "staff:user-create", "staff:user-toggle-active",
    "staff:user-reset-password", "worker:login", "worker:logout", "worker:password-reset",
    "worker:password-reset-done", "worker:password-reset-confirm", "worker:password-reset-complete",
    "phases:sptjm-generate", "phases:sptjm-upload",
}  # fmt: skip
PREFIXES = ("instansi/", "akun/")


def portal_and_worker_urls() -> list[tuple[str, str, list[str]]]:
    return sorted(
        (route, name, kwargs)
        for route, name, kwargs in ((u.route, u.name, list(u.params)) for u in walk() if ":" in u.name)
        if route.startswith(PREFIXES) and name not in ALLOWED_AFTER_FINALISATION
    )


def test_the_walk_finds_the_known_mutating_urls():
    names = {name for _route, name, _kw in portal_and_worker_urls()}
    assert {"registry:worker-create", "registry:worker-edit", "registry:worker-release", "registry:import-upload",
            "worker:biodata", "worker:history", "worker:education", "worker:documents", "worker:submit",
            "worker:register", "worker:register-step2", "phases:prefinalise", "phases:finalise"} <= names  # fmt: skip


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(out, "JPEG")
    return SimpleUploadedFile("ktp.jpg", out.getvalue(), content_type="image/jpeg")


def _payload(record: WorkerRecord) -> dict:
    """Data that a page would accept if it were still open: new values for everything."""
    data = worker_fields(full_name="Nama Diubah", serial=77, phone="089999999999", email="baru@contoh.id")
    data.update(
        reason="Diubah setelah finalisasi", note="Perbaiki", outcome="eligible", decision="eligible",
        records=[str(record.pk)], record_ids=[str(record.pk)], address="Alamat Baru",
        start_date="2018-01-01", sk_number="999/SK", position="Posisi Baru", unit="Unit Baru",
        kind="ktp", file=_jpeg(), form_count="1",
        **{"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-start_date": "2018-01-01",
           "form-0-sk_number": "1/SK", "form-0-position": "Guru", "form-0-unit": "Dinas"},
    )  # fmt: skip
    return data


def _snapshot(agency) -> tuple:
    records = WorkerRecord.objects.filter(agency=agency).order_by("pk")
    return (
        list(
            records.values_list(
                "pk", "status", "full_name", "phone", "email", "position", "flags", "updated_at"
            )
        ),
        list(Document.objects.filter(record__agency=agency).values_list("pk", "kind", "file")),
        list(WorkHistory.objects.filter(record__agency=agency).values_list("pk", "position")),
        ImportJob.objects.filter(agency=agency).count(),
        WorkUnit.objects.filter(agency=agency).count(),
        list(AgencySubmission.objects.filter(agency=agency).values_list("phase", "updated_at")),
        AuditEvent.objects.filter(agency=agency).exclude(action__startswith="records:export").count(),
    )


@pytest.fixture
def finalised_agency(agency, period, submission, agency_admin):
    kept = {}
    for i, status in enumerate(
        [Status.ELIGIBLE, Status.INELIGIBLE, Status.REGISTERED, Status.ACCOUNT_CREATED]
    ):
        kept[status] = WorkerRecordFactory(
            agency=agency, period=period, status=status, birth_date=dt.date(1988, 2, 1 + i)
        )
    submission_prefinalise(submission_id=submission.pk, actor=agency_admin)
    end_public_test(submission)
    submission_finalise(submission_id=submission.pk, actor=agency_admin)
    submission.refresh_from_db()
    assert submission.phase == Phase.FINALISED
    record = kept[Status.ELIGIBLE]
    worker = UserFactory(role=Role.WORKER, agency=None, worker_record=record)
    return {"record": record, "worker": worker, "not_completed": kept[Status.REGISTERED]}


def _url(name: str, kwargs: list[str], record: WorkerRecord) -> str:
    values = {}
    for key in kwargs:
        if key == "file_format":
            values[key] = "csv"
        elif key in ("uidb64", "token"):
            values[key] = "x"
        else:
            values[key] = record.pk
    return reverse(name, kwargs=values)


@pytest.mark.parametrize("phase", [Phase.FINALISED, Phase.COMPLETED])
def test_after_finalisation_every_mutating_url_refuses_and_changes_nothing(
    client, agency, agency_admin, finalised_agency, submission, phase
):
    set_phase(submission, phase)
    record = finalised_agency["record"]
    before = _snapshot(agency)
    walked = []
    for route, name, kwargs in portal_and_worker_urls():
        url = _url(name, kwargs, record)
        users = [agency_admin] if route.startswith("instansi/") else [finalised_agency["worker"], None]
        for user in users:
            client.logout()
            if user is not None:
                client.force_login(user)
            response = client.post(url, _payload(record))
            assert response.status_code < 500, (name, response.status_code)
            walked.append(name)
        if name == "registry:import-upload":
            client.force_login(agency_admin)
            client.post(url, {"file": SimpleUploadedFile("a.xlsx", xlsx_bytes([import_row(serial=91)]))})
        assert _snapshot(agency) == before, f"{name} ({url}) changed data after finalisation"
    assert "registry:worker-create" in walked and "worker:biodata" in walked

"""Shared fixtures of the phase, SPTJM and national desk tests (imported by name in each module)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from registry.models import AgencySubmission, Status
from tests.factories import UserFactory, WorkerRecordFactory

Phase = AgencySubmission.Phase


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def submission(agency, period) -> AgencySubmission:
    return AgencySubmission.objects.get(agency=agency, period=period)


@pytest.fixture
def records(agency, period) -> dict[str, object]:
    """One record in each status that matters at finalisation."""
    made = {}
    for i, status in enumerate(
        [
            Status.REGISTERED,
            Status.ACCOUNT_CREATED,
            Status.ELIGIBLE,
            Status.INELIGIBLE,
            Status.RELEASED,
        ]  # fmt: skip
    ):
        made[status] = WorkerRecordFactory(
            agency=agency, period=period, status=status, full_name=f"Pegawai {status} {i}",
            birth_date=dt.date(1985, 1, 1 + i),
        )  # fmt: skip
    return made


@pytest.fixture
def other_admin(other_agency):
    return UserFactory(role=Role.AGENCY_ADMIN, agency=other_agency)


def set_phase(submission: AgencySubmission, phase: str) -> AgencySubmission:
    AgencySubmission.objects.filter(pk=submission.pk).update(phase=phase)
    submission.refresh_from_db()
    return submission


def end_public_test(submission: AgencySubmission) -> AgencySubmission:
    """Date the prefinalisation back so that the public test window has ended (as the demo does):
    finalisation waits for it, and no test waits days."""
    from django.utils import timezone

    from announcements.models import ListSnapshot

    submission.refresh_from_db()
    opens = timezone.now() - dt.timedelta(days=submission.period.public_test_days, minutes=1)
    AgencySubmission.objects.filter(pk=submission.pk).update(prefinalised_at=opens)
    # The published public-test list shows the same (dated back) window.
    if submission.prefinalised_at is not None:
        shift = submission.prefinalised_at - opens
        for snapshot in ListSnapshot.objects.filter(
            submission=submission, objections_open_at=submission.prefinalised_at
        ):
            ListSnapshot.objects.filter(pk=snapshot.pk).update(
                objections_open_at=snapshot.objections_open_at - shift,
                objections_close_at=snapshot.objections_close_at - shift,
            )
    submission.refresh_from_db()
    return submission


def pdf_bytes(pages: int = 1) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(content: bytes | None = None, name: str = "sptjm-ttd.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, pdf_bytes() if content is None else content, content_type="application/pdf"
    )

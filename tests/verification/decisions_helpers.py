"""Helpers for the decision and queue tests (kept apart from conftest.py, which the phases tests own)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from registry.models import AgencySubmission, Status, WorkerRecord
from tests.factories import UserFactory, WorkerRecordFactory


def make_submitted(agency, period, *, minutes_ago: int = 60, **kwargs) -> WorkerRecord:
    """A record the worker submitted `minutes_ago` minutes ago, waiting for a decision."""
    kwargs.setdefault("email", "pegawai@example.test")
    return WorkerRecordFactory(
        agency=agency,
        period=period,
        status=kwargs.pop("status", Status.SUBMITTED),
        submitted_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        **kwargs,
    )


def staff(agency, role: str = Role.OPERATOR):
    return UserFactory(role=role, agency=agency)


def set_phase(agency, period, phase: str) -> None:
    AgencySubmission.objects.filter(agency=agency, period=period).update(phase=phase)


def seen(record: WorkerRecord, prefix: str = "") -> dict[str, str]:
    """The hidden fields the record page renders: what the operator saw."""
    record.refresh_from_db()
    p = f"{prefix}-" if prefix else ""
    return {f"{p}expected_status": record.status, f"{p}expected_updated_at": record.updated_at.isoformat()}


def decide_post(client, record: WorkerRecord, **data):
    return client.post(reverse("verify:decide", args=[record.pk]), {**seen(record), **data})


def reopen_post(client, record: WorkerRecord, reason: str = "Salah pilih, diperiksa ulang"):
    return client.post(
        reverse("verify:reopen", args=[record.pk]), {**seen(record, "reopen"), "reopen-reason": reason}
    )


def change_post(client, record: WorkerRecord, **data):
    fields = {f"change-{k}": v for k, v in data.items()}
    return client.post(reverse("verify:change", args=[record.pk]), {**seen(record, "change"), **fields})

"""An import job's life: claimed once, noticed when its worker is gone, run again by the operator."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from registry.models import AuditEvent, ImportJob, WorkerRecord
from registry.services.imports import batch as batch_module
from registry.services.imports import import_jobs_reap, import_run, import_start
from registry.services.imports import jobs as jobs_module
from registry.tasks import run_import
from tests.registry.support import import_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [import_row(serial=i, full_name=f"Pegawai {i}") for i in range(1, 6)]


def start(agency, period, operator, rows=ROWS) -> ImportJob:
    return import_start(agency=agency, period=period, upload=upload(xlsx_bytes(rows)), actor=operator)


def test_a_task_delivered_twice_imports_the_rows_once(agency, period, operator):
    job = start(agency, period, operator)
    run_import.call(job.pk)
    run_import.call(job.pk)
    job.refresh_from_db()
    assert (job.status, job.valid_rows, job.skipped_rows, job.attempts) == ("done", 5, 0, 1)
    assert WorkerRecord.objects.count() == 5
    assert AuditEvent.objects.filter(action="import:done").count() == 1


def test_a_task_delivered_again_while_another_worker_runs_the_job_does_nothing(agency, period, operator):
    job = start(agency, period, operator)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, lease_owner="other-host:123", heartbeat_at=timezone.now()
    )
    run_import.call(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.lease_owner == "other-host:123"
    assert not WorkerRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_taking_the_same_job_at_once_import_it_once(agency, period, operator):
    job = start(agency, period, operator)
    barrier = threading.Barrier(2)
    outcomes = []

    def deliver():
        try:
            barrier.wait()
            outcomes.append(import_run(job_id=job.pk).status)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    job.refresh_from_db()
    assert (job.status, job.valid_rows, job.skipped_rows, job.attempts) == ("done", 5, 0, 1)
    assert WorkerRecord.objects.count() == 5
    assert AuditEvent.objects.filter(action="import:done").count() == 1


def test_each_batch_commits_with_its_progress_and_a_heartbeat(agency, period, operator, monkeypatch):
    monkeypatch.setattr(batch_module, "CHUNK", 2)
    beats = []
    real = batch_module._heartbeat

    def spy(job, **progress):
        real(job, **progress)
        beats.append(ImportJob.objects.values_list("heartbeat_at", "valid_rows").get(pk=job.pk))

    monkeypatch.setattr(batch_module, "_heartbeat", spy)
    job = import_run(job_id=start(agency, period, operator).pk)
    assert job.status == "done"
    assert [valid for _beat, valid in beats] == [0, 2, 4, 5, 5]  # rows counted, batch 1, 2, 3, before flags
    assert all(beat is not None for beat, _valid in beats)


def interrupted_job(agency, period, operator, monkeypatch) -> ImportJob:
    """A job whose worker lost the database after the first batch of 2 rows was committed."""
    monkeypatch.setattr(batch_module, "CHUNK", 2)
    real_batch = batch_module._Run.batch
    calls = []

    def batch(self, rows):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real_batch(self, rows)

    monkeypatch.setattr(batch_module._Run, "batch", batch)
    job = start(agency, period, operator)
    with pytest.raises(OperationalError):
        import_run(job_id=job.pk)
    monkeypatch.setattr(batch_module._Run, "batch", real_batch)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.valid_rows == 2
    return job


def test_the_worker_that_lost_the_database_ends_its_job_as_failed_and_retryable(
    agency, period, operator, monkeypatch
):
    job = interrupted_job(agency, period, operator, monkeypatch)
    assert import_jobs_reap(owner=jobs_module.worker_name()) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.can_retry
    assert job.message.startswith("Impor terhenti") and "Jalankan lagi" in job.message


def test_a_job_whose_heartbeat_is_older_than_the_lease_is_noticed(agency, period, operator):
    fresh, stale = start(agency, period, operator), start(agency, period, operator)
    now = timezone.now()
    ImportJob.objects.filter(pk=fresh.pk).update(
        status="running", heartbeat_at=now - dt.timedelta(seconds=30), lease_owner="a:1"
    )
    ImportJob.objects.filter(pk=stale.pk).update(
        status="running", heartbeat_at=now - ImportJob.LEASE - dt.timedelta(seconds=1), lease_owner="b:2"
    )
    assert import_jobs_reap(now=now) == 1
    assert ImportJob.objects.get(pk=fresh.pk).status == "running"
    stale.refresh_from_db()
    assert (stale.status, stale.can_retry) == ("failed", True)


def test_run_again_imports_the_rest_and_counts_what_was_saved_as_saved(
    login, agency, period, operator, monkeypatch, django_capture_on_commit_callbacks
):
    job = interrupted_job(agency, period, operator, monkeypatch)
    import_jobs_reap(owner=jobs_module.worker_name())
    client = login(operator)
    page = client.get(reverse("registry:import-detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-rerun"' in page and "Jalankan lagi" in page
    with django_capture_on_commit_callbacks(execute=True):  # the queued task runs (immediate backend)
        client.post(reverse("registry:import-rerun", args=[job.pk]))
    response = client.get(reverse("registry:import-detail", args=[job.pk]))
    job.refresh_from_db()
    # The two rows the interrupted run saved are its own, not "already registered": 5 saved in all.
    assert (job.status, job.valid_rows, job.skipped_rows, job.refused_rows) == ("done", 5, 0, 0)
    assert job.attempts == 2
    assert WorkerRecord.objects.count() == 5
    assert AuditEvent.objects.filter(action="import:rerun").count() == 1
    page = response.content.decode()
    assert 'data-testid="valid-rows">5<' in page and 'data-testid="skipped-rows">0<' in page


def test_run_again_is_refused_for_a_job_that_failed_because_of_its_file(login, agency, period, operator):
    headers = ["NIK"]  # required columns missing: the file itself is wrong
    job = import_run(
        job_id=import_start(
            agency=agency,
            period=period,
            upload=upload(xlsx_bytes([import_row()], headers=headers)),
            actor=operator,
        ).pk
    )
    assert job.status == "failed" and not job.can_retry
    client = login(operator)
    assert (
        'data-testid="import-rerun"'
        not in client.get(reverse("registry:import-detail", args=[job.pk])).content.decode()
    )
    response = client.post(reverse("registry:import-rerun", args=[job.pk]), follow=True)
    assert "Hanya impor yang terhenti" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "failed"


def test_run_again_answers_only_post(login, agency, period, operator):
    job = start(agency, period, operator)
    assert login(operator).get(reverse("registry:import-rerun", args=[job.pk])).status_code == 405

"""Background work of the registry (run by `manage.py task_worker`)."""

from __future__ import annotations

from django_tasks import task

from registry.services.imports import import_run


@task()
def run_import(job_id: int) -> dict[str, int]:
    # import_run claims the job first: a task delivered twice imports once.
    job = import_run(job_id=job_id)
    return {"valid": job.valid_rows, "refused": job.refused_rows, "skipped": job.skipped_rows}

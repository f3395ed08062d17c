"""Several task workers at once are safe: each takes a different task (SELECT … FOR UPDATE SKIP
LOCKED, as `db_worker` does), shown with two real database connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from registry.tasks import run_import


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_the_same_moment_take_different_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    enqueued = {str(run_import.enqueue(job_id=n).id) for n in (1, 2)}
    both_locked = threading.Barrier(2, timeout=20)
    taken: dict[str, str | None] = {}

    def worker(name: str) -> None:
        try:
            with transaction.atomic():
                task = DBTaskResult.objects.ready().get_locked()
                if task is not None:
                    task.claim(name)
                taken[name] = str(task.id) if task else None
                both_locked.wait()  # neither commits before the other has chosen
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("worker-1", "worker-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert set(taken.values()) == enqueued  # one each, none twice
    with transaction.atomic():
        assert DBTaskResult.objects.ready().get_locked() is None  # nothing left for a third
    assert sorted(w for result in DBTaskResult.objects.all() for w in result.worker_ids) == [
        "worker-1",
        "worker-2",
    ]

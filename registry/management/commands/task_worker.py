"""The background-task worker: django-tasks-db's `db_worker`, kept alive across database outages.

`db_worker` exits on the first OperationalError that is not SQLite's "database is locked" (a
PostgreSQL restart, a dropped connection), and a task interrupted that way stays "running" for
ever. This worker instead closes its connections, waits for the database with a growing pause,
then records the interrupted task as failed and ends the import job it was running (to be run
again by the operator), and goes on taking tasks. Every 30 s (and at start) it also ends import
jobs whose worker died elsewhere (their heartbeat is older than the lease).

Keep it running under a supervisor (`make run` restarts it; in production systemd's
`Restart=always` or a shell loop): it exits on Ctrl-C, SIGTERM or an error that is not the
database's.
"""

from __future__ import annotations

import logging
import os
import time

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger("nonasn.task_worker")

DB_ERRORS = (OperationalError, InterfaceError)
HOUSEKEEPING_SECONDS = 30.0


def close_all_connections() -> None:
    """Drop every connection of this thread (a broken one cannot be reused; Django reconnects on
    the next query)."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - a dead socket may complain while closing
            conn.connection = None


def _reap(owner: str | None = None) -> int:
    from registry.services.imports import import_jobs_reap

    return import_jobs_reap(owner=owner)


def _worker_name() -> str:
    from registry.services.imports.jobs import worker_name

    return worker_name()


class ResilientWorker(Worker):
    def __init__(self, *, max_pause: float = 10.0, **kwargs):
        super().__init__(**kwargs)
        self.max_pause = max_pause
        self._interrupted: DBTaskResult | None = None
        self._last_housekeeping = 0.0

    def run(self) -> None:
        logger.info("Task worker %s started (pid %s)", self.worker_id, os.getpid())
        while self.running:
            try:
                self._housekeeping()
                if self._take_one() is None:
                    if self.batch:
                        return
                    if self.running:
                        time.sleep(self.interval)
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
            except DB_ERRORS as exc:
                logger.warning("Database unavailable (%s); waiting for it", type(exc).__name__)
                close_all_connections()
                self._wait_for_database()
                self._recover()

    def _take_one(self) -> DBTaskResult | None:
        close_old_connections()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        if task_result is not None:
            self._interrupted = task_result
            self.run_task(task_result)
            self._interrupted = None
            # One task at a time here: an import still "running" under this process's name was
            # cut short (e.g. the database came back before the task's failure was recorded).
            _reap(owner=_worker_name())
        return task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        close_old_connections()
        try:
            super().run_task(db_task_result)
        finally:
            close_old_connections()

    def _wait_for_database(self) -> None:
        pause = 0.5
        while self.running:
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT 1")
                logger.warning("Database is back; task worker %s goes on", self.worker_id)
                return
            except DB_ERRORS:
                close_all_connections()
                time.sleep(pause)
                pause = min(pause * 2, self.max_pause)

    def _recover(self) -> None:
        """After an outage: what this process was running when the database went away is dead."""
        if self._interrupted is not None:
            DBTaskResult.objects.filter(pk=self._interrupted.pk, status="RUNNING").update(
                status="FAILED", finished_at=timezone.now()
            )
            self._interrupted = None
        _reap(owner=_worker_name())
        self._last_housekeeping = time.monotonic()

    def _housekeeping(self) -> None:
        if time.monotonic() - self._last_housekeeping < HOUSEKEEPING_SECONDS:
            return
        _reap()
        self._last_housekeeping = time.monotonic()


class Command(BaseCommand):
    help = "Run the background-task worker; it survives database restarts (keep it under a supervisor)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue-name", default="default", help="Queues, comma-separated; '*' for all.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--reload", action="store_true", help="Restart on code changes (development).")

    def handle(
        self,
        *args,
        queue_name: str,
        interval: float,
        batch: bool,
        max_tasks: int | None,
        reload: bool,
        **options,
    ):
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()

            def run_or_exit() -> None:
                # The reloader runs this in a thread and idles when it ends: end the process, so
                # that the supervisor starts a fresh one.
                try:
                    worker.run()
                finally:
                    os._exit(1)

            run_with_reloader(run_or_exit)
        else:
            worker.configure_signals()
            worker.run()

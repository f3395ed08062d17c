"""Development server with the background-task worker beside it (what `make run` starts).

One Ctrl-C stops everything: the terminal sends SIGINT to the whole foreground group (this process,
the dev server and the task worker); this process then stops the two children and, when it is the
embedded PostgreSQL's (no DATABASE_URL), the database too. The postmaster runs in its own session
(pg_ctl starts it with setsid), so Ctrl-C never reaches it: it has to be stopped on purpose.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections


class Supervisor:
    """Keeps one child process running: starts it again whenever it exits, until stopped."""

    def __init__(self, command: list[str], *, pause: float = 2.0, write=print):
        self.command = command
        self.pause = pause
        self.write = write
        self.starts = 0
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="task-worker-supervisor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self.process = subprocess.Popen(self.command, env=os.environ.copy())
            self.starts += 1
            self.write(f"Task worker started (pid {self.process.pid}).")
            code = self.process.wait()
            # A Ctrl-C reaches the worker and this process together: the pause before a restart
            # gives stop() the time to say that this exit was asked for.
            if self._stopping.wait(self.pause):
                return
            self.write(f"Task worker exited (code {code}); starting it again.")

    def stop(self) -> None:
        self._stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self._thread.join(timeout=5)


def _stop_child(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def stop_embedded_database() -> bool:
    """Stop the embedded PostgreSQL (when the project runs on it); True when it was stopped here."""
    if settings.DATABASES["default"].get("ENGINE") != "nonasn.db_backend":
        return False
    from nonasn import embedded_db

    connections.close_all()
    return embedded_db.stop()


class Command(BaseCommand):
    help = (
        "Run the development server and the task worker together; the worker is started again "
        "whenever it exits. One Ctrl-C stops both and the embedded database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="no code reloading (tests)")

    def handle(self, *args, addrport: str, noreload: bool = False, **options):
        manage = [sys.executable, os.path.join(settings.BASE_DIR, "manage.py")]
        connections["default"].ensure_connection()  # the embedded database starts here, once
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())

        supervisor = Supervisor(
            [*manage, "task_worker", *([] if noreload else ["--reload"])], write=self.stdout.write
        )
        supervisor.start()
        server = subprocess.Popen([*manage, "runserver", addrport, *(["--noreload"] if noreload else [])])
        self.stdout.write(
            f"Open http://{addrport}/ (Ctrl-C stops the server, the task worker and the database)"
        )
        while not stop.wait(0.5):
            if server.poll() is not None:  # the dev server ended by itself (e.g. the port is taken)
                break
        self.stdout.write("Stopping the dev server, the task worker and the database…")
        _stop_child(server)
        supervisor.stop()
        stop_embedded_database()
        self.stdout.write("Stopped.")

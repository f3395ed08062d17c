"""Development server with the background-task worker beside it (what `make run` starts)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand


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
            if self._stopping.is_set():
                return
            self.write(f"Task worker exited (code {code}); starting it again in {self.pause:g} s.")
            self._stopping.wait(self.pause)

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


class Command(BaseCommand):
    help = (
        "Run the development server and the task worker together; the worker is started again "
        "whenever it exits. Ctrl-C stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        # The autoreloader re-runs this command in a child process; supervise the worker only once.
        supervisor = None
        if os.environ.get("RUN_MAIN") != "true":
            supervisor = Supervisor(
                [sys.executable, "manage.py", "task_worker", "--reload"], write=self.stdout.write
            )
            supervisor.start()
            self.stdout.write(f"Open http://{addrport}/")
        try:
            call_command("runserver", addrport)
        finally:
            if supervisor is not None:
                supervisor.stop()

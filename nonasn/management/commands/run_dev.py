"""Development server with the background-task worker beside it (what `make run` starts)."""

from __future__ import annotations

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development server and the task worker (db_worker) together; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options):
        # The autoreloader re-runs this command in a child process; start the worker only once.
        worker = None
        if os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen([sys.executable, "manage.py", "db_worker"], env=os.environ.copy())
            self.stdout.write(f"Task worker started (pid {worker.pid}). Open http://{addrport}/")
        try:
            call_command("runserver", addrport)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

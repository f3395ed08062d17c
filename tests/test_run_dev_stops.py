"""`make run`'s Ctrl-C: one SIGINT to the foreground group stops the dev server, the task worker and
the embedded PostgreSQL (a cluster of its own here, so the suite's database keeps running)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
from django.conf import settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serving(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _group(pgid: int) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if os.getpgid(process.pid) == pgid and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (ProcessLookupError, psutil.Error):
            continue
    return found


def _postmaster(data_dir: Path) -> psutil.Process | None:
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().split()[0])
    return psutil.Process(pid) if psutil.pid_exists(pid) else None


def test_one_ctrl_c_stops_the_server_the_task_worker_and_the_embedded_database():
    port = _free_port()
    # Under var/ like the project's own cluster: when run as root, the package runs PostgreSQL as
    # an unprivileged user, who cannot enter pytest's private temporary folders.
    data_dir = Path(settings.BASE_DIR) / "var" / f"run-dev-test-{os.getpid()}"
    env = {
        **os.environ,
        "DEBUG": "1",
        "EMBEDDED_POSTGRES_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.Popen(
        [sys.executable, "manage.py", "run_dev", "--noreload", "--addrport", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job is
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    pgid = run.pid
    try:
        deadline = time.monotonic() + 120
        while not (_serving(port) and len(_group(pgid)) >= 3) and time.monotonic() < deadline:
            assert run.poll() is None, run.stdout.read()
            time.sleep(0.1)
        assert _serving(port), "the dev server never answered"
        postmaster = _postmaster(data_dir)
        assert postmaster is not None and postmaster.is_running()
        members = _group(pgid)
        assert len(members) >= 3  # run_dev, the dev server, the task worker

        os.killpg(pgid, signal.SIGINT)  # what one Ctrl-C in the terminal does

        run.wait(timeout=60)
        deadline = time.monotonic() + 30
        while (_group(pgid) or postmaster.is_running()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _group(pgid) == []
        assert not postmaster.is_running()
        assert not _serving(port)
    finally:
        if run.poll() is None:
            os.killpg(pgid, signal.SIGKILL)
        leftover = _postmaster(data_dir)
        if leftover is not None:
            leftover.kill()
        shutil.rmtree(data_dir, ignore_errors=True)

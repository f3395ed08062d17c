"""The task worker is kept running: `make run`'s supervisor starts it again when it exits."""

from __future__ import annotations

import sys
import time

from nonasn.management.commands.run_dev import Supervisor


def test_the_dev_supervisor_starts_the_worker_again_whenever_it_exits():
    lines: list[str] = []
    supervisor = Supervisor([sys.executable, "-c", "raise SystemExit(3)"], pause=0.05, write=lines.append)
    supervisor.start()
    deadline = time.monotonic() + 20
    while supervisor.starts < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    supervisor.stop()
    assert supervisor.starts >= 3
    assert any("exited (code 3); starting it again" in line for line in lines)


def test_stopping_the_supervisor_stops_the_worker():
    supervisor = Supervisor(
        [sys.executable, "-c", "import time; time.sleep(60)"], pause=0.05, write=lambda _: None
    )
    supervisor.start()
    deadline = time.monotonic() + 10
    while supervisor.process is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process = supervisor.process
    supervisor.stop()
    assert process.poll() is not None
    assert supervisor.starts == 1

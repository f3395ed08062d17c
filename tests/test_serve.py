"""The production server as deployed (deploy/gunicorn.conf.py): gunicorn starts WEB_CONCURRENCY
workers and answers the health check, with JSON logs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

ROOT = settings.BASE_DIR


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_gunicorn_runs_web_concurrency_workers_and_answers_the_health_check(tmp_path):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    environment.update(
        SECRET_KEY="serve-test-" + "k" * 50,
        ALLOWED_HOSTS="pendataan.example.go.id",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="3",
        LOG_FORMAT="json",
    )
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "deploy/gunicorn.conf.py",
            "nonasn.wsgi:application",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    body = json.loads(response.read())
                    status = response.status
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.1)
        assert body == {"status": "ok", "database": "ok", "cache": "ok"} and status == 200
        assert len(children(server.pid)) == 3
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()

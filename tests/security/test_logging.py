"""No NIK, KK or card token in any log output: request lines, warnings, exception text, tracebacks."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.db import connection

from nonasn.logging import mask
from tests.factories import WorkerRecordFactory

ROOT = settings.BASE_DIR


def all_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    handlers = {id(h): h for logger in loggers for h in logger.handlers}
    # pytest's own capture handlers are not the application's output.
    return [h for h in handlers.values() if not type(h).__module__.startswith("_pytest")]


@pytest.fixture
def log_output():
    """Everything the application's log handlers write, whichever logger they hang on."""
    buffer = io.StringIO()
    swapped = []
    for handler in all_handlers():
        if isinstance(handler, logging.StreamHandler):
            swapped.append((handler, handler.setStream(buffer)))
    assert len(swapped) >= 2  # the console and the request-line handler at least
    yield buffer
    for handler, previous in swapped:
        if previous is not None:
            handler.setStream(previous)


def secrets_of(record) -> list[str]:
    nik, kk = record.nik, record.kk
    return [nik, kk, record.card_token, f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str, *, follow: bool = True) -> int:
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=20) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def dev_server(settings):
    """Django's runserver request handler (the one `make run` uses), on a free port."""
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler, ipv6=False)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_a_journey_with_a_nik_search_and_a_failed_copy_logs_no_nik_kk_or_card_token(
    client, operator, agency, period, dev_server, log_output
):
    record = WorkerRecordFactory(agency=agency, period=period)
    nik, kk, token = record.nik, record.kk, record.card_token

    # The operator searches by NIK (typed plain and with spaces); a mistyped address is a 404 warning.
    client.force_login(operator)
    assert client.get("/instansi/pegawai/", {"q": nik}).status_code == 200
    assert (
        client.get("/instansi/pegawai/", {"q": f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}"}).status_code
        == 200
    )
    assert client.get(f"/pengumuman/{nik}/").status_code == 404
    assert client.get(f"/verifikasi/{token}x/").status_code == 404

    # The dev server's request lines, with the NIK in the query string and the token in the path.
    get(f"{dev_server}/instansi/pegawai/?q={nik}")
    get(f"{dev_server}/instansi/pegawai/?q={nik[:4]}+{nik[4:8]}+{nik[8:12]}+{nik[12:]}")
    assert get(f"{dev_server}/verifikasi/{token}/") == 200

    # An import's COPY fails: PostgreSQL quotes the whole row (NIK, KK, token) in the error context,
    # and the task worker logs the exception with its traceback.
    row = f"{nik}\t{kk}\t{token}\tone column too many\n"
    try:
        with connection.cursor() as cursor:
            cursor.copy_expert(
                "COPY registry_workerrecord (nik, kk, card_token) FROM STDIN", io.StringIO(row)
            )
    except Exception as exc:  # psycopg2's own error: copy_expert is not wrapped by Django
        assert nik in str(exc)  # the leak this test is about
        logging.getLogger("django_tasks").exception(
            "Task id=%s path=%s state=%s", 1, "registry.tasks", "FAILED"
        )
        logging.getLogger("registry.tasks").error("Import failed: %s", exc)
    else:
        pytest.fail("COPY should have failed")

    output = log_output.getvalue()
    # The journey was logged (so the absence below means something)...
    assert "GET /instansi/pegawai/?q=****************" in output
    assert "/verifikasi/***/" in output
    assert "Not Found: /pengumuman/****************/" in output
    assert "COPY registry_workerrecord, line 1" in output
    assert "Traceback" in output
    # ...and nothing personal is in it.
    for secret in secrets_of(record):
        assert secret not in output


def test_masking_leaves_ordinary_numbers_and_names_alone():
    line = '[23/Nov/2025 14:13:00] "GET /instansi/pegawai/?page=2&unit=123456 HTTP/1.1" 200 51234 test_operator_cannot_open_others'
    assert mask(line) == line
    assert mask("ticket 3273016412830432") == "ticket ****************"
    assert mask("token Xy3_-abcdefghijklmnopqrstuvwxyz0 end") == "token *** end"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
def test_make_serve_writes_an_access_log_without_niks_or_tokens():
    port = free_port()
    # Outside any make that runs the tests: a nested make would print "Entering directory" lines.
    environment = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "serve", f"PORT={port}"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    command = result.stdout[result.stdout.index(".venv/bin/gunicorn") :].replace("\\\n", " ")
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    environment.update(
        WEB_CONCURRENCY="1",
        SECRET_KEY="s" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SETTINGS_MODULE="nonasn.settings",
    )
    server = subprocess.Popen(
        ["bash", "-c", command],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    nik, token = "3273016412830432", "Xy3_-abcdefghijklmnopqrstuvwxyz0"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        # With DEBUG off every plain-HTTP request is redirected to HTTPS: no database needed.
        assert get(f"http://127.0.0.1:{port}/instansi/pegawai/?q={nik}", follow=False) == 301
        assert get(f"http://127.0.0.1:{port}/verifikasi/{token}/", follow=False) == 301
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert re.search(r'"GET /instansi/pegawai/\?q=\*{16} HTTP/1\.1" 301', output), output
    assert '"GET /verifikasi/***/ HTTP/1.1" 301' in output
    assert nik not in output
    assert token not in output

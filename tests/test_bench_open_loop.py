"""The benchmarks' arrivals at a chosen rate (bench/_open_loop.py): every answer checked, the rate
held whatever the server does, and a latency counted from the planned arrival."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import _open_loop


class _Handler(BaseHTTPRequestHandler):
    """/ok answers the marker; /wrong a 200 without it; /error a 500; /slow the marker after 0.3 s."""

    def do_GET(self):  # noqa: N802 - the stdlib's name
        if self.path == "/slow":
            time.sleep(0.3)
        status = 500 if self.path == "/error" else 200
        body = b"<p>marker</p>" if self.path in ("/ok", "/slow") else b"<p>other</p>"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_every_answer_is_checked_for_its_status_and_marker(base):
    outcome = _open_loop.run(base, ["/ok", "/wrong", "/error", "/ok"], rate=200, seconds=1.0, marker="marker")
    # Two of every four addresses answer wrongly (no marker, a 500), in turn from a random start.
    assert 120 <= outcome.requests <= 280  # Poisson: 200 ± 5.6 standard deviations
    assert abs(outcome.errors - outcome.requests / 2) <= 1
    assert outcome.p50_ms < 100


def test_arrivals_keep_their_rate_while_answers_are_slow(base):
    # Each answer takes 0.3 s; a client that waited for answers (as wrk's connections do) would
    # send 1 / 0.3 s per connection. The arrivals do not wait, so the rate holds, and each latency
    # is at least the server's 0.3 s.
    outcome = _open_loop.run(base, ["/slow"], rate=100, seconds=1.0, marker="marker")
    assert 55 <= outcome.requests <= 145 and outcome.errors == 0
    assert outcome.p50_ms >= 300 and outcome.rps > 50


def test_no_answer_at_all_is_an_error(monkeypatch):
    monkeypatch.setattr(_open_loop, "TIMEOUT_SECONDS", 0.5)
    # A port nobody listens on: every connection refused.
    probe = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = probe.server_address[1]
    probe.server_close()
    outcome = _open_loop.run(f"http://127.0.0.1:{port}", ["/ok"], rate=50, seconds=0.4)
    assert outcome.requests > 0 and outcome.errors == outcome.requests

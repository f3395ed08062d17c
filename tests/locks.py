"""Waiting in a concurrency test for another connection to be blocked on a lock: polled from
pg_locks, so a test neither sleeps a fixed time nor races on a slow machine."""

from __future__ import annotations

import time

from django.db import connection


def backend_pid() -> int:
    """This thread's PostgreSQL backend (to name it to another thread)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_blocked(pid: int, timeout: float = 10.0) -> None:
    """Return once backend `pid` waits for a lock it has not been granted; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)", [pid])
            if cursor.fetchone()[0]:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"backend {pid} never waited for a lock")
            time.sleep(0.01)

"""The list's bounded reads (match count, a name search's walk) get their time limit from one place."""

import pytest
from django.db import OperationalError, connection

from registry.listing import TimedOut, within_time

pytestmark = pytest.mark.django_db


def _sleep(seconds: float):
    def read():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [seconds])
        return "done"

    return read


def test_a_read_past_its_limit_is_cancelled_by_the_server_and_raises_timed_out():
    with pytest.raises(TimedOut):
        within_time(20, _sleep(1))


def test_a_read_within_its_limit_returns_and_leaves_no_limit_behind():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        (before,) = cursor.fetchone()
    assert within_time(1000, _sleep(0)) == "done"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == (before,)


def test_any_other_database_error_is_raised_as_it_is_not_taken_for_a_timeout():
    def broken():
        raise OperationalError("the server closed the connection")

    with pytest.raises(OperationalError) as caught:
        within_time(1000, broken)
    assert not isinstance(caught.value, TimedOut)


@pytest.mark.django_db(transaction=True)
def test_a_timeout_that_leaves_the_servers_transaction_aborted_leaves_the_connection_usable(monkeypatch):
    # The state `bench public_list` once met after a cancelled walk: the server's transaction
    # aborted by a cancel, while psycopg2 (and Django) count the connection in autocommit. Made
    # here at the end of within_time's transaction.
    def cancelled_commit():
        raw = connection.connection
        raw.rollback()
        raw.autocommit = True
        with connection.wrap_database_errors, raw.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SET LOCAL statement_timeout = 1")
            cursor.execute("SELECT pg_sleep(0.05)")  # QueryCanceled, the transaction left aborted

    connection.ensure_connection()
    monkeypatch.setattr(connection, "_commit", cancelled_commit)
    with pytest.raises(TimedOut):
        within_time(1000, _sleep(0))
    monkeypatch.undo()
    with connection.cursor() as cursor:  # the page's next read
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)

"""One share lock on the agency's submission row (`AgencySubmission.objects.held_for_share`), taken
by every path that must finish before a phase change: the registry's writes (tests/registry/
test_phase_guard.py), a decision and a complaint filing. A phase change (which locks that row for
update) waits for each of them to commit."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from announcements.services.complaints.filing import Complainant, complaint_file
from registry.models import AgencySubmission
from tests.announcements.complaints_support import COMPLAINANT_EMAIL, COMPLAINANT_NIK, listed, prefinalise
from tests.locks import backend_pid, wait_until_blocked
from tests.verification.decisions_helpers import make_submitted, staff
from verification.services.decisions import Outcome, decision_record

pytestmark = pytest.mark.django_db(transaction=True)  # two real connections


def phase_change_waits_for(agency, period, write) -> list[str]:
    """Run `write` in a transaction of its own (another thread and connection), held open until the
    phase change's lock waits; the order in which the two finished."""
    done, order, errors = threading.Event(), [], []
    phase_pid = backend_pid()

    def in_flight() -> None:
        try:
            with transaction.atomic():
                write()
                done.set()
                wait_until_blocked(phase_pid)  # the phase change waits on the share lock
                order.append("write committed")
        except Exception as exc:  # reported to the test below, not lost in the thread
            errors.append(exc)
            done.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=in_flight)
    thread.start()
    assert done.wait(10)
    assert not errors, errors
    with transaction.atomic():
        AgencySubmission.objects.select_for_update().get(agency=agency, period=period)
        order.append("phase lock taken")
    thread.join()
    return order


def test_a_decision_in_flight_makes_the_phase_change_wait_for_it(agency, period):
    record, operator = make_submitted(agency, period), staff(agency)

    def decide() -> None:
        decision_record(
            record_id=record.pk,
            outcome=Outcome.ELIGIBLE,
            expected_status=record.status,
            actor=operator,
        )

    assert phase_change_waits_for(agency, period, decide) == ["write committed", "phase lock taken"]


def test_a_complaint_filing_in_flight_makes_the_phase_change_wait_for_it(agency, period):
    prefinalise(agency, period)
    record = listed(agency, period)
    complainant = Complainant(name="Warga", nik=COMPLAINANT_NIK, email=COMPLAINANT_EMAIL, phone="0812")

    def file() -> None:
        complaint_file(
            agency=agency, record_id=record.pk, complainant=complainant, description="Tidak bekerja."
        )

    assert phase_change_waits_for(agency, period, file) == ["write committed", "phase lock taken"]

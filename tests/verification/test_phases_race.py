"""A registration racing a prefinalisation, on two real database connections (threads).

Allowed outcomes: the registration commits before the phase changes, or it is refused. It relies
on the registry's locked phase guard (registry/services/phase.py: every write path reads the
submission row FOR SHARE, which the phase change's FOR UPDATE waits for); without it the test is
skipped, because a registration that read "open" could commit after the phase changed.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from registry.models import AgencySubmission, WorkerRecord
from registry.services.records import WorkerData, worker_register
from verification.services.phases import submission_prefinalise

pytest.importorskip("registry.services.phase", reason="needs the registry's locked phase guard")

pytestmark = pytest.mark.django_db(transaction=True)
Phase = AgencySubmission.Phase
WAIT = 10


def _data() -> WorkerData:
    import datetime as dt

    from tests.factories import make_kk, make_nik

    birth = dt.date(1990, 5, 17)
    return WorkerData(
        nik=make_nik(birth, "M", serial=4321), kk=make_kk(serial=4322), full_name="Pendaftar Balapan",
        birth_place="Bandung", birth_date=birth, sex="M", position="Guru", sk_date=dt.date(2019, 1, 2),
        start_date=dt.date(2019, 1, 2),
    )  # fmt: skip


def _in_thread(target, errors: list) -> threading.Thread:
    def run():
        try:
            target()
        except Exception as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _assert_allowed(order: list[str], agency) -> None:
    exists = WorkerRecord.objects.filter(agency=agency, full_name="Pendaftar Balapan").exists()
    assert AgencySubmission.objects.get(agency=agency).phase == Phase.PREFINALISED
    if exists:
        assert order.index("registration committed") < order.index("prefinalised"), order
    else:
        assert "registration refused" in order, order


def test_registration_holding_its_transaction_commits_before_the_prefinalisation(
    agency, period, operator, agency_admin
):
    submission = AgencySubmission.objects.get(agency=agency, period=period)
    order: list[str] = []
    errors: list[Exception] = []
    registered, release = threading.Event(), threading.Event()

    def register():
        try:
            with transaction.atomic():
                worker_register(agency=agency, period=period, data=_data(), actor=operator)
                registered.set()
                release.wait(WAIT)  # the transaction stays open after the guard
        except ValidationError:
            order.append("registration refused")
        else:
            order.append("registration committed")
        finally:
            registered.set()

    def prefinalise():
        submission_prefinalise(submission_id=submission.pk, actor=agency_admin)
        order.append("prefinalised")

    first = _in_thread(register, errors)
    assert registered.wait(WAIT)
    second = _in_thread(prefinalise, errors)
    second.join(1.0)  # with the guard, the prefinalisation waits for the registration's commit
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert not errors, errors
    _assert_allowed(order, agency)


def test_registration_during_an_open_prefinalisation_is_refused_or_commits_first(
    agency, period, operator, agency_admin
):
    submission = AgencySubmission.objects.get(agency=agency, period=period)
    order: list[str] = []
    errors: list[Exception] = []
    locked, release = threading.Event(), threading.Event()

    def prefinalise():
        with transaction.atomic():
            submission_prefinalise(submission_id=submission.pk, actor=agency_admin)
            locked.set()
            release.wait(WAIT)
        order.append("prefinalised")

    def register():
        try:
            worker_register(agency=agency, period=period, data=_data(), actor=operator)
        except ValidationError:
            order.append("registration refused")
        else:
            order.append("registration committed")

    first = _in_thread(prefinalise, errors)
    assert locked.wait(WAIT)
    second = _in_thread(register, errors)
    second.join(1.0)  # with the guard, the registration waits for the phase change
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert not errors, errors
    _assert_allowed(order, agency)

"""One phase/deadline guard, locked: every write path goes through lock_open_submission, which a
phase change holding the submission row's exclusive lock makes wait, then refuse."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone, translation

from registry.models import AgencySubmission, AuditEvent, Period, Status, WorkerRecord
from registry.services.phase import lock_open_submission, submission_for, submission_open
from registry.services.records import WorkerData, worker_register, worker_release, worker_update
from registry.services.worker_data import NotEditable, worker_details_update, worker_submit
from tests.accounts.support import complete, make_worker
from tests.factories import AgencyFactory, UserFactory, WorkerRecordFactory, make_kk, make_nik
from tests.locks import backend_pid, wait_until_blocked
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db  # the two concurrency tests use two real connections (transaction=True)
BIRTH = dt.date(1990, 5, 17)


def data(serial: int = 1) -> WorkerData:
    return WorkerData(
        nik=make_nik(BIRTH, "M", serial=serial),
        kk=make_kk(serial=serial),
        full_name="Budi Santoso",
        birth_place="Bandung",
        birth_date=BIRTH,
        sex="M",
        position="Guru",
    )


@pytest.mark.django_db(transaction=True)
def test_register_waits_for_a_prefinalisation_in_flight_and_is_then_refused(agency, period, operator):
    """Thread A holds the submission row's exclusive lock and changes the phase; the register (another
    connection) waits on its share lock, then sees the committed phase and is refused."""
    locked, outcome = threading.Event(), {}
    register_pid = backend_pid()

    def prefinalise() -> None:
        try:
            with transaction.atomic():
                submission = AgencySubmission.objects.select_for_update().get(agency=agency, period=period)
                locked.set()
                wait_until_blocked(register_pid)  # the register waits on this row's lock
                submission.phase = AgencySubmission.Phase.PREFINALISED
                submission.save(update_fields=["phase"])
        finally:
            connections.close_all()

    thread = threading.Thread(target=prefinalise)
    thread.start()
    assert locked.wait(5)
    try:
        worker_register(agency=agency, period=period, data=data(), actor=operator)
    except ValidationError as exc:
        outcome["error"] = exc
    thread.join()
    assert "error" in outcome, "the register committed after the prefinalisation"
    assert outcome["error"].code == "closed"  # it waited for the phase change, then read the new phase
    assert not WorkerRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_write_in_flight_makes_the_prefinalisation_wait_for_it(agency, period, operator):
    """The other way round: a phase change cannot slip past a write that already passed the guard."""
    guarded, order = threading.Event(), []
    phase_pid = backend_pid()

    def write() -> None:
        try:
            with transaction.atomic():
                lock_open_submission(agency_id=agency.pk, period_id=period.pk)
                guarded.set()
                wait_until_blocked(phase_pid)  # the phase change waits on the share lock
                order.append("write committed")
        finally:
            connections.close_all()

    thread = threading.Thread(target=write)
    thread.start()
    assert guarded.wait(5)
    with transaction.atomic():
        AgencySubmission.objects.select_for_update().get(agency=agency, period=period)
        order.append("phase lock taken")
    thread.join()
    assert order == ["write committed", "phase lock taken"]


def test_the_guard_reads_with_a_share_lock(agency, period, django_assert_num_queries):
    with transaction.atomic(), django_assert_num_queries(1) as captured:
        lock_open_submission(agency_id=agency.pk, period_id=period.pk)
    assert "FOR SHARE" in captured.captured_queries[0]["sql"]


def test_every_agency_write_path_refuses_once_prefinalised(agency, period, operator):
    record = WorkerRecordFactory(agency=agency, period=period)
    AgencySubmission.objects.filter(agency=agency).update(phase=AgencySubmission.Phase.PREFINALISED)
    with translation.override("id"):
        for call in (
            lambda: worker_register(agency=agency, period=period, data=data(2), actor=operator),
            lambda: worker_update(record_id=record.pk, data=data(3), actor=operator),
            lambda: worker_release(record_id=record.pk, reason="Pindah", actor=operator),
        ):
            with pytest.raises(ValidationError, match="tidak lagi dibuka|sudah tidak"):
                call()
    record.refresh_from_db()
    assert record.status == Status.REGISTERED
    assert WorkerRecord.objects.count() == 1


def test_every_worker_write_path_refuses_once_prefinalised(agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    user = make_worker(record)
    complete(record, user)
    AgencySubmission.objects.filter(agency=agency).update(phase=AgencySubmission.Phase.PREFINALISED)
    with pytest.raises(NotEditable):
        worker_details_update(record_id=record.pk, changes={"phone": "081211112222"}, actor=user)
    with pytest.raises(NotEditable):
        worker_submit(record_id=record.pk, actor=user)


def test_account_creation_refuses_once_prefinalised(agency, period):
    from accounts.services.registration import AccountNotAllowed

    record = WorkerRecordFactory(agency=agency, period=period)
    AgencySubmission.objects.filter(agency=agency).update(phase=AgencySubmission.Phase.PREFINALISED)
    with pytest.raises(AccountNotAllowed):
        make_worker(record)
    record.refresh_from_db()
    assert record.status == Status.REGISTERED


def test_input_deadline_passed_is_refused_with_its_own_message(agency, period, operator):
    Period.objects.filter(pk=period.pk).update(input_deadline=timezone.now() - dt.timedelta(minutes=1))
    period.refresh_from_db()
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        worker_register(agency=agency, period=period, data=data(), actor=operator)
    assert caught.value.code == "deadline"
    assert "Batas waktu input" in caught.value.messages[0]


def test_agency_not_in_the_period_gets_a_clear_message_and_pages_create_nothing(client, period):
    agency = AgencyFactory()  # never added to the period
    operator = UserFactory(role="operator", agency=agency)
    client.force_login(operator)
    for name in (
        "registry:dashboard",
        "registry:worker-create",
        "registry:worker-list",
        "registry:import-list",
    ):
        client.get(reverse(name))
    assert not AgencySubmission.objects.filter(agency=agency).exists()
    page = client.get(reverse("registry:worker-create")).content.decode()
    assert "belum termasuk dalam pendataan" in page
    response = client.post(reverse("registry:worker-create"), worker_fields())
    assert not WorkerRecord.objects.exists()
    assert "belum termasuk dalam pendataan" in response.content.decode()
    assert submission_for(agency=agency, period=period) is None


def test_submission_open_adds_an_agency_once_with_an_audit_row(period, national_admin):
    agency = AgencyFactory()
    first = submission_open(agency=agency, period=period, actor=national_admin)
    again = submission_open(agency=agency, period=period, actor=national_admin)
    assert first.pk == again.pk and first.phase == AgencySubmission.Phase.OPEN
    assert AuditEvent.objects.filter(action="submission:open", agency=agency).count() == 1


def test_admin_action_adds_the_chosen_agencies_to_the_active_period(client, period, national_admin):
    agencies = [AgencyFactory(), AgencyFactory()]
    client.force_login(national_admin)
    response = client.post(
        reverse("admin:registry_agency_changelist"),
        {"action": "add_to_active_period", "_selected_action": [a.pk for a in agencies]},
    )
    assert response.status_code == 302
    assert AgencySubmission.objects.filter(agency__in=agencies, period=period, phase="open").count() == 2
    assert "add_to_active_period" in site._registry[type(agencies[0])].actions

"""Reminder e-mails before the agency's input deadline: to workers who have not sent their data, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import DeadlineReminder
from accounts.services.reminders import deadline_reminders_send, reminder_threshold
from registry.models import AgencySubmission, Period, Status, WorkerRecord
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deadline_in_5_days(period):
    Period.objects.filter(pk=period.pk).update(input_deadline=timezone.now() + dt.timedelta(days=5))


def test_the_reminder_due_is_the_nearest_threshold_reached():
    now = timezone.now()
    assert reminder_threshold(deadline=now + dt.timedelta(days=10), now=now) is None
    assert reminder_threshold(deadline=now + dt.timedelta(days=6), now=now) == 7
    assert reminder_threshold(deadline=now + dt.timedelta(days=1), now=now) == 2
    assert reminder_threshold(deadline=now - dt.timedelta(hours=1), now=now) is None


def test_workers_who_have_not_sent_their_data_get_one_reminder(agency, period, deadline_in_5_days):
    waiting = WorkerRecordFactory(agency=agency, period=period, email="menunggu@example.test")
    WorkerRecordFactory(agency=agency, period=period, status=Status.SUBMITTED, email="sudah@example.test")
    assert deadline_reminders_send() == 1
    assert [m.to for m in mail.outbox] == [["menunggu@example.test"]]
    assert mail.outbox[0].subject.startswith("Pengingat: kirim data Anda sebelum")
    assert DeadlineReminder.objects.get().record_id == waiting.pk


def test_the_agencys_extended_deadline_decides_when_to_remind(agency, period, deadline_in_5_days):
    AgencySubmission.objects.filter(agency=agency).update(
        input_deadline_override=timezone.now() + dt.timedelta(days=20)
    )
    WorkerRecordFactory(agency=agency, period=period, email="menunggu@example.test")
    assert deadline_reminders_send() == 0


def test_the_two_day_reminder_follows_the_seven_day_one(agency, period, deadline_in_5_days):
    WorkerRecordFactory(agency=agency, period=period, email="menunggu@example.test")
    deadline_reminders_send()
    later = timezone.now() + dt.timedelta(days=4)
    assert deadline_reminders_send(now=later) == 1
    assert sorted(DeadlineReminder.objects.values_list("days_before", flat=True)) == [2, 7]


@pytest.mark.django_db(transaction=True)
def test_the_task_run_twice_by_the_task_worker_sends_each_reminder_once(settings, agency, period):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    Period.objects.filter(pk=period.pk).update(input_deadline=timezone.now() + dt.timedelta(days=5))
    WorkerRecordFactory(agency=agency, period=period, email="a@example.test")
    WorkerRecordFactory(agency=agency, period=period, email="b@example.test")
    call_command("send_deadline_reminders")
    call_command("send_deadline_reminders")
    call_command("task_worker", batch=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.test", "b@example.test"]
    assert DeadlineReminder.objects.count() == 2
    assert WorkerRecord.objects.count() == 2

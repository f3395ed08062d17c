"""Queue the deadline reminders for the task worker (run it daily, e.g. from cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Queue the reminder e-mails before each agency's input deadline (each is sent once per worker)."

    def handle(self, *args, **options):
        result = send_deadline_reminders.enqueue()
        self.stdout.write(f"Queued task {result.id}.")

"""seed_demo leaves one agency in each phase, so that `make run` shows every step."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from registry.models import AgencySubmission, Status, WorkerRecord
from verification.models import PhaseChange, SignedSptjm, Sptjm

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase


def test_demo_has_an_open_a_prefinalised_and_a_completed_agency(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for _ in range(2):  # re-running replaces the phases' demo data too
        call_command("seed_demo", "--force", "--workers", "8", stdout=StringIO())
    phases = dict(AgencySubmission.objects.filter(agency__code__in=["C3273", "B3404", "B3204"])
                  .values_list("agency__code", "phase"))  # fmt: skip
    assert phases == {"C3273": Phase.OPEN, "B3404": Phase.PREFINALISED, "B3204": Phase.COMPLETED}
    assert WorkerRecord.objects.filter(agency__code="C3273", status=Status.SUBMITTED).exists()
    assert not WorkerRecord.objects.filter(agency__code="B3404", status=Status.SUBMITTED).exists()
    completed = AgencySubmission.objects.get(agency__code="B3204")
    assert Sptjm.objects.get(submission=completed).status == Sptjm.Status.DONE
    assert SignedSptjm.objects.filter(submission=completed, superseded_at__isnull=True).count() == 1
    assert list(PhaseChange.objects.filter(submission=completed).order_by("created_at", "id")
                .values_list("to_phase", flat=True)) == ["prefinalised", "finalised", "completed"]  # fmt: skip


def test_demo_completed_agency_was_finalised_after_its_public_test_really_ended(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    """`make run` shows a completed agency as the rule makes one: its public test (dated back, no switch)
    ended before it was finalised, on the public list's dates and in its phase history alike."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):  # the lists are published on commit
        call_command("seed_demo", "--force", "--workers", "8", stdout=StringIO())
    from announcements.models import ListSnapshot

    completed = AgencySubmission.objects.select_related("period").get(agency__code="B3204")
    window = completed.public_test_window()
    assert window.has_ended and not window.is_open
    assert window.closes <= completed.finalised_at
    listed = ListSnapshot.objects.filter(submission=completed, objections_close_at__isnull=False)
    assert listed.exists() and all(s.objections_close_at <= completed.finalised_at for s in listed)
    moves = dict(PhaseChange.objects.filter(submission=completed).values_list("to_phase", "created_at"))
    days = completed.period.public_test_days
    assert (moves["finalised"] - moves["prefinalised"]).days >= days
    # The prefinalised demo agency's window is open now: the public can object there.
    assert AgencySubmission.objects.get(agency__code="B3404").public_test_window().is_open

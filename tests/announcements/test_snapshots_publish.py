from __future__ import annotations

import hashlib

import pytest
from django.db import connection

from announcements.models import ListSnapshot, SnapshotRow, canonical_line
from announcements.services.publish import snapshot_build, snapshot_changes, snapshot_publish
from registry.models import AgencySubmission, Status, WorkerRecord
from registry.validators import mask_number
from tests.announcements.support import move_phase

pytestmark = pytest.mark.django_db


def _rows(snapshot):
    return list(SnapshotRow.objects.filter(snapshot=snapshot).order_by("number"))


def test_prefinalisation_publishes_the_public_test_list_with_every_listed_record(
    published, listed, submission
):
    rows = _rows(published)
    assert published.state == ListSnapshot.State.PUBLISHED
    assert published.row_count == 5 == len(rows)
    assert [r.number for r in rows] == [1, 2, 3, 4, 5]
    assert [r.full_name for r in rows] == sorted(r.full_name for r in listed)  # by name
    assert "Yusuf Dilepas" not in {r.full_name for r in rows}  # released records are not listed
    by_record = {r.record_id: r for r in rows}
    for record in listed:
        row = by_record[record.pk]
        assert row.masked_nik == mask_number(record.nik)
        assert (row.position, row.unit, row.education_level, row.status) == (
            record.position, "Dinas Pendidikan", "S1", record.status,
        )  # fmt: skip
        assert row.search_name == record.full_name.lower()
    # The objection window: from prefinalisation for the period's public-test days.
    assert published.objections_open_at == submission.prefinalised_at
    assert (published.objections_close_at - published.objections_open_at).days == 5
    assert published.objections_open()


def test_the_sha256_is_over_the_canonical_lines_in_number_order(published):
    expected = hashlib.sha256("".join(canonical_line(r) for r in _rows(published)).encode()).hexdigest()
    assert published.sha256 == expected


def test_the_database_mask_is_the_one_masking_function(published, make_record):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT masked_nik, r.nik FROM announcements_snapshotrow s JOIN registry_workerrecord r ON r.id = s.record_id"
        )
        pairs = cursor.fetchall()
    assert pairs and all(masked == mask_number(nik) for masked, nik in pairs)


def test_changing_a_record_after_publication_does_not_change_the_published_version(published, listed):
    before = [(r.full_name, r.status, r.masked_nik) for r in _rows(published)]
    record = listed[0]
    WorkerRecord.objects.filter(pk=record.pk).update(
        full_name="Nama Diganti", status=Status.ELIGIBLE, nik="3273010101900099"
    )
    published.refresh_from_db()
    assert [(r.full_name, r.status, r.masked_nik) for r in _rows(published)] == before
    assert (
        published.sha256
        == hashlib.sha256("".join(canonical_line(r) for r in _rows(published)).encode()).hexdigest()
    )


def test_a_new_version_after_corrections_shows_what_changed(published, listed, submission, make_record):
    added = make_record(full_name="Andi Baru", status=Status.SUBMITTED)
    WorkerRecord.objects.filter(pk=listed[1].pk).update(status=Status.RELEASED)  # leaves the list
    WorkerRecord.objects.filter(pk=listed[0].pk).update(status=Status.ELIGIBLE)  # submitted -> MS
    move_phase(submission, AgencySubmission.Phase.FINALISED)
    second = ListSnapshot.objects.get(submission=submission, kind="public_test", version=2)
    assert (second.added_count, second.removed_count, second.changed_count) == (1, 1, 1)
    assert second.previous_id == published.pk
    assert second.sha256 != published.sha256
    changes = snapshot_changes(second)
    assert [r.record_id for r in changes["added"]] == [added.pk]
    assert [r.record_id for r in changes["removed"]] == [listed[1].pk]
    assert [(r.record_id, r.old_status, r.status) for r in changes["changed"]] == [
        (listed[0].pk, Status.SUBMITTED, Status.ELIGIBLE)
    ]
    # The first version is untouched.
    assert SnapshotRow.objects.filter(snapshot=published).count() == 5


def test_no_new_version_when_nothing_changed(published, submission):
    move_phase(submission, AgencySubmission.Phase.FINALISED)
    assert list(ListSnapshot.objects.filter(submission=submission).values_list("kind", "version")) == [
        ("public_test", 1)
    ]


def test_completion_publishes_the_final_list_compared_with_the_public_test(published, listed, submission):
    WorkerRecord.objects.filter(pk=listed[3].pk).update(status=Status.NOT_COMPLETED)
    move_phase(submission, AgencySubmission.Phase.FINALISED)
    move_phase(submission, AgencySubmission.Phase.COMPLETED)
    final = ListSnapshot.objects.get(submission=submission, kind="final")
    # The record finalisation left "Tidak Lengkap" is not in the final list (issue 16, point 7).
    assert final.version == 1 and final.row_count == 4
    previous = ListSnapshot.objects.get(submission=submission, kind="public_test", version=2)
    assert final.previous_id == previous.pk
    assert (final.added_count, final.removed_count, final.changed_count) == (0, 1, 0)


def test_a_large_agency_is_written_by_the_background_task(
    submission, listed, settings, django_capture_on_commit_callbacks
):
    settings.SNAPSHOT_INLINE_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshot_publish(submission_id=submission.pk, kind="public_test")
        assert snapshot.state == ListSnapshot.State.PENDING  # handed to the task, not written inline
        assert not SnapshotRow.objects.filter(snapshot=snapshot).exists()
    snapshot.refresh_from_db()
    assert snapshot.state == ListSnapshot.State.PUBLISHED and snapshot.row_count == 5


def test_a_reserved_version_is_written_once_even_when_the_task_runs_twice(submission, listed, settings):
    settings.SNAPSHOT_INLINE_MAX_ROWS = 2
    snapshot = snapshot_publish(submission_id=submission.pk, kind="public_test")  # task not run (no commit)
    snapshot_build(snapshot_id=snapshot.pk)
    snapshot_build(snapshot_id=snapshot.pk)
    assert SnapshotRow.objects.filter(snapshot=snapshot).count() == 5


def test_a_second_request_while_a_version_is_being_written_gets_that_version(submission, listed, settings):
    settings.SNAPSHOT_INLINE_MAX_ROWS = 2
    first = snapshot_publish(submission_id=submission.pk, kind="public_test")
    second = snapshot_publish(submission_id=submission.pk, kind="public_test")
    assert first.pk == second.pk
    assert ListSnapshot.objects.filter(submission=submission).count() == 1


def test_other_phase_moves_publish_nothing(submission, listed):
    move_phase(submission, AgencySubmission.Phase.FINALISED)  # open -> finalised is not a publishing move
    assert not ListSnapshot.objects.exists()

"""Issue 16, point 7: what the Finalisasi page promises about records never sent ("Tidak Lengkap",
not in the final list) is what the published final list does; the status has one name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from announcements.services.publish import snapshot_publish
from registry.models import AgencySubmission, Status, WorkerRecord
from tests.announcements.support import move_phase

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase


def test_records_never_sent_are_tidak_lengkap_and_left_out_of_the_final_list_as_promised(
    client, agency, agency_admin, submission, make_record
):
    make_record(full_name="Sari Lengkap", status=Status.ELIGIBLE)
    never_sent = make_record(full_name="Joko Belum Kirim", status=Status.REGISTERED)
    move_phase(submission, Phase.PREFINALISED)
    # The public test has ended (dated back, as the demo does): finalisation is allowed.
    AgencySubmission.objects.filter(pk=submission.pk).update(
        prefinalised_at=timezone.now() - dt.timedelta(days=submission.period.public_test_days, minutes=1)
    )
    client.force_login(agency_admin)
    promise = client.get(reverse("phases:finalise")).content.decode()
    assert "menjadi “Tidak Lengkap” dan tidak masuk daftar akhir" in promise
    assert "Tidak melengkapi" not in promise
    assert client.post(reverse("phases:finalise")).status_code == 302
    assert WorkerRecord.objects.get(pk=never_sent.pk).get_status_display() == "Tidak Lengkap"

    submission.refresh_from_db()
    AgencySubmission.objects.filter(pk=submission.pk).update(phase=Phase.COMPLETED)
    snapshot_publish(submission_id=submission.pk, kind="final")
    client.logout()
    final = client.get(reverse("announcements:list", args=[agency.code, "final"])).content.decode()
    assert "Sari Lengkap" in final
    assert "Joko Belum Kirim" not in final

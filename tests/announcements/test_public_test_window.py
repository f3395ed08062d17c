# ruff: noqa: F811 - the shared fixtures are imported by name and used as arguments
"""Issue 16, point 1: the public test lasts its days. Finalisation waits for its end (a blocker
announcements registers, naming the date); prefinalisation says when the agency may finalise and is
refused when the window would not fit before the finalisation deadline; every page that speaks of the
window (announcement, list, complaint form, tracking page) reads the registry's one rule and agrees;
a reopened agency never claims an open window."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from announcements.models import ListSnapshot
from registry.models import AgencySubmission, Period, Status
from tests.announcements.complaints_support import captcha_passes, file_complaint  # noqa: F401
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%d-%m-%Y %H:%M")


@pytest.fixture
def prefinalised(client, agency, period, agency_admin, django_capture_on_commit_callbacks):
    """Prefinalised through the page (the list is published by the phase change)."""
    WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE, full_name="Sari Terdaftar")
    client.force_login(agency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("phases:prefinalise"), follow=True)
    submission = AgencySubmission.objects.select_related("period", "agency").get(agency=agency, period=period)
    assert submission.phase == Phase.PREFINALISED
    return submission, response.content.decode()


def test_prefinalisation_tells_the_agency_when_it_may_finalise(prefinalised):
    submission, page = prefinalised
    closes = submission.public_test_window().closes
    assert f"uji publik berlangsung sampai {_local(closes)} WIB" in page
    assert f"sampai batas waktu finalisasi ({_local(submission.deadline('finalisation'))})" in page


def test_finalisation_is_refused_inside_the_window_naming_its_end(client, prefinalised):
    submission, _page = prefinalised
    closes = submission.public_test_window().closes
    message = f"Uji publik berlangsung sampai {_local(closes)} WIB"
    assert message in client.get(reverse("phases:finalise")).content.decode()
    response = client.post(reverse("phases:finalise"))
    assert response.status_code == 400
    assert message in response.content.decode()
    submission.refresh_from_db()
    assert submission.phase == Phase.PREFINALISED


def test_finalisation_is_allowed_once_the_window_has_ended(client, prefinalised):
    submission, _page = prefinalised
    AgencySubmission.objects.filter(pk=submission.pk).update(
        prefinalised_at=timezone.now() - dt.timedelta(days=submission.period.public_test_days, minutes=1)
    )
    assert client.post(reverse("phases:finalise")).status_code == 302
    submission.refresh_from_db()
    assert submission.phase == Phase.FINALISED


def test_prefinalising_too_late_for_the_window_is_refused_saying_to_ask_for_an_extension(
    client, agency, period, agency_admin
):
    period.finalisation_deadline = timezone.now() + dt.timedelta(days=2)
    period.input_deadline = timezone.now() + dt.timedelta(days=1)
    period.save()
    client.force_login(agency_admin)
    response = client.post(reverse("phases:prefinalise"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "setelah batas waktu finalisasi" in body
    assert "Mintalah admin nasional (BKN) memperpanjang batas waktu finalisasi" in body
    assert AgencySubmission.objects.get(agency=agency, period=period).phase == Phase.OPEN


def test_a_period_whose_window_cannot_fit_before_the_finalisation_deadline_is_refused(period):
    period.finalisation_deadline = period.input_deadline + dt.timedelta(days=period.public_test_days - 1)
    with pytest.raises(ValidationError) as refused:
        Period.full_clean(period)
    assert "finalisation_deadline" in refused.value.message_dict


def _public_pages(client, agency) -> dict[str, str]:
    client.logout()
    record = agency.records.get(full_name="Sari Terdaftar")
    return {
        "announcement": client.get(reverse("announcements:announcement", args=[agency.code, "uji-publik"])),
        "list": client.get(reverse("announcements:list", args=[agency.code, "uji-publik"])),
        "numbered": client.get(reverse("announcements:version-list", args=[agency.code, "uji-publik", 1])),
        "form": client.get(reverse("complaints:file", args=[agency.code]) + f"?record={record.pk}"),
    }


def test_every_public_page_agrees_while_the_window_is_open(client, agency, prefinalised, captcha_passes):
    pages = {name: r.content.decode() for name, r in _public_pages(client, agency).items()}
    assert "sedang dalam uji publik" in pages["announcement"]
    assert 'class="complaint-link"' in pages["list"] and 'class="complaint-link"' in pages["numbered"]
    assert 'id="complaints-closed"' not in pages["form"]


def test_a_reopened_agency_never_claims_an_open_window_on_any_page(
    client, agency, prefinalised, national_admin, captcha_passes, django_capture_on_commit_callbacks
):
    _public_pages(client, agency)  # stored in the page cache while the window was open
    client.force_login(national_admin)
    submission, _page = prefinalised
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("national:reopen", args=[submission.pk]), {"reason": "Data salah input"})
    assert AgencySubmission.objects.get(pk=submission.pk).phase == Phase.OPEN
    pages = {name: r.content.decode() for name, r in _public_pages(client, agency).items()}
    assert "sedang dalam uji publik" not in pages["announcement"]
    assert 'class="complaint-link"' not in pages["list"]
    assert 'class="complaint-link"' not in pages["numbered"]
    assert 'id="complaints-closed"' in pages["form"]
    assert not ListSnapshot.objects.get(submission=submission, version=1).objections_open()


def test_the_tracking_page_names_the_same_window(client, agency, prefinalised, captcha_passes):
    submission, _page = prefinalised
    record = agency.records.get(full_name="Sari Terdaftar")
    complaint = file_complaint(agency, record)
    client.logout()
    body = client.post(
        reverse("complaints:track"), {"ticket": complaint.ticket, "email": complaint.email}
    ).content.decode()
    window = submission.public_test_window()
    assert f"{_local(window.opens)} – {_local(window.closes)}" in body

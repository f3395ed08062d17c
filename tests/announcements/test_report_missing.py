""" "Tidak terdaftar": a worker missing from the agency's list is reported, followed by ticket, seen by the agency."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from announcements.models import Complaint
from registry.validators import mask_nik
from tests.announcements.complaints_support import (
    COMPLAINANT_EMAIL,
    COMPLAINANT_NIK,
    captcha_passes,  # noqa: F401 - fixture
    file_report,
    listed,
    prefinalise,
    report_data,
)
from tests.factories import make_nik

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_passes")]

MISSING_NIK = make_nik(dt.date(1988, 7, 9), "M", region="327301", serial=4455)


def _url(agency) -> str:
    return reverse("complaints:report-missing", args=[agency.code])


def test_a_missing_worker_is_reported_and_followed_by_ticket(client, agency, period, operator):
    prefinalise(agency, period)
    response = client.post(_url(agency), report_data(MISSING_NIK))
    report = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("complaints:ticket", args=[report.ticket])
    assert report.kind == Complaint.Kind.UNLISTED and report.record is None
    assert report.subject_name == "Pegawai Terlewat" and report.reported_nik == MISSING_NIK
    assert report.subject_nik_masked == mask_nik(MISSING_NIK)

    tracked = client.post(reverse("complaints:track"), {"ticket": report.ticket, "email": COMPLAINANT_EMAIL})
    body = tracked.content.decode()
    assert "Tidak terdaftar" in body and mask_nik(MISSING_NIK) in body
    assert MISSING_NIK not in body and COMPLAINANT_NIK not in body

    # The agency sees the whole NIK, to find or register the worker.
    client.force_login(operator)
    detail = client.get(reverse("portal-complaints:detail", args=[report.pk])).content.decode()
    assert MISSING_NIK in detail and COMPLAINANT_NIK not in detail


def test_a_malformed_nik_is_refused_next_to_the_field(client, agency, period):
    prefinalise(agency, period)
    response = client.post(_url(agency), report_data("1234567890123456"))
    assert response.status_code == 200
    assert response.context["form"].errors["nik"]
    assert not Complaint.objects.exists()


def test_the_report_form_is_closed_outside_the_public_test_with_its_dates(client, agency, period):
    prefinalise(agency, period, days_ago=6)
    page = client.get(_url(agency)).content.decode()
    assert 'id="complaints-closed"' in page and "Uji publik" in page
    client.post(_url(agency), report_data(MISSING_NIK))
    assert not Complaint.objects.exists()


def test_reports_are_limited_per_reported_nik_from_one_address_and_per_address(
    client, agency, period, settings
):
    settings.COMPLAINT_MAX_PER_NIK = 1
    settings.COMPLAINT_MAX_PER_IP = 2
    prefinalise(agency, period)
    assert client.post(_url(agency), report_data(MISSING_NIK), REMOTE_ADDR="10.2.0.1").status_code == 302
    again = client.post(_url(agency), report_data(MISSING_NIK), REMOTE_ADDR="10.2.0.1")
    assert 'id="complaint-rate-limited"' in again.content.decode()
    other = make_nik(dt.date(1990, 1, 1), "M", region="327301", serial=1)
    third = make_nik(dt.date(1990, 1, 2), "M", region="327301", serial=1)
    assert client.post(_url(agency), report_data(other), REMOTE_ADDR="10.2.0.1").status_code == 302
    refused = client.post(_url(agency), report_data(third), REMOTE_ADDR="10.2.0.1")
    assert 'id="complaint-rate-limited"' in refused.content.decode()
    assert Complaint.objects.count() == 2


def test_reports_and_complaints_share_one_queue_for_the_agency(agency, period):
    prefinalise(agency, period)
    file_report(agency, MISSING_NIK)
    assert list(Complaint.objects.for_agency(agency).open().values_list("kind", flat=True)) == ["unlisted"]
    assert listed(agency, period).complaints.count() == 0


def test_reports_naming_a_nik_from_elsewhere_do_not_block_that_persons_own_report(
    client, agency, period, settings
):
    """Issue 17.6: five "Tidak terdaftar" reports naming NIK X, from anyone, must not silence X."""
    settings.COMPLAINT_MAX_PER_NIK = 5
    prefinalise(agency, period)
    for i in range(5):
        client.post(_url(agency), report_data(MISSING_NIK), REMOTE_ADDR=f"198.51.100.{i + 1}")
        client.post(_url(agency), report_data(MISSING_NIK), REMOTE_ADDR="203.0.113.66")
    assert Complaint.objects.count() == 10
    own = client.post(
        _url(agency), report_data(MISSING_NIK, complainant_nik=MISSING_NIK), REMOTE_ADDR="192.0.2.10"
    )
    assert own.status_code == 302 and 'id="complaint-rate-limited"' not in own.content.decode()
    assert Complaint.objects.count() == 11

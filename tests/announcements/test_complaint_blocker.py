"""Finalisation is refused while the agency has open complaints (the blocker announcements registers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from announcements.services.complaints.answering import complaint_answer, open_complaints_blocker
from registry.models import AgencySubmission
from tests.announcements.complaints_support import file_complaint, file_report, listed, prefinalise
from tests.factories import make_nik

pytestmark = pytest.mark.django_db


def test_the_blocker_is_registered_with_verification():
    from verification.blockers import _blockers

    assert open_complaints_blocker in _blockers


def test_finalisation_is_refused_while_a_complaint_is_open_and_allowed_once_answered(
    agency, other_agency, period, operator
):
    submission = prefinalise(agency, period)
    prefinalise(other_agency, period)
    assert open_complaints_blocker(submission) == []

    complaint = file_complaint(agency, listed(agency, period, full_name="Rudi Diadukan"))
    report = file_report(agency, make_nik(dt.date(1990, 1, 1), "M", serial=9))
    file_complaint(other_agency, listed(other_agency, period))  # another agency's complaint does not count
    found = open_complaints_blocker(AgencySubmission.objects.get(pk=submission.pk))
    assert [url for _message, url in found] == [
        reverse("portal-complaints:detail", args=[complaint.pk]),
        reverse("portal-complaints:detail", args=[report.pk]),
    ]
    assert complaint.ticket in found[0][0] and "Rudi Diadukan" in found[0][0]

    complaint_answer(complaint_id=complaint.pk, accepted=False, answer="Tidak terbukti.", actor=operator)
    assert len(open_complaints_blocker(submission)) == 1
    complaint_answer(complaint_id=report.pk, accepted=True, answer="Sudah didaftarkan.", actor=operator)
    assert open_complaints_blocker(submission) == []


def test_many_open_complaints_are_listed_in_part_with_a_link_to_the_queue(agency, period, settings):
    settings.COMPLAINT_MAX_PER_IP = 1000
    submission = prefinalise(agency, period)
    person = listed(agency, period)
    for serial in range(1, 24):
        file_complaint(agency, person, nik=make_nik(person.birth_date, "M", serial=serial))
    found = open_complaints_blocker(submission)
    assert len(found) == 21
    assert found[-1][1] == reverse("portal-complaints:list") + "?status=open"
    assert "3" in found[-1][0]

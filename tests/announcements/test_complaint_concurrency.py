"""Two filings at the same moment cannot both slip under the per-NIK limit (two real connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from announcements.models import Complaint
from announcements.services.complaints.limits import RateLimited
from tests.announcements.complaints_support import file_complaint, listed, prefinalise

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_filings_for_one_nik_respect_the_limit(agency, period, settings):
    settings.COMPLAINT_MAX_PER_NIK = 1
    prefinalise(agency, period)
    person = listed(agency, period)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def file_one() -> None:
        try:
            start.wait()
            file_complaint(agency, person)
            outcomes.append("filed")
        except RateLimited:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["filed", "refused"]
    assert Complaint.objects.count() == 1

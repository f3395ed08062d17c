"""Issue 16, points 2 and 8: a record is returned for revision only while its worker can still correct
it (verification.services.decisions.revision_permission, read by the page and the service): after the
input deadline the choice is not offered, the page says why, and a forged POST is refused once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import Status, WorkerRecord
from tests.verification.decisions_helpers import decide_post, make_submitted, set_phase

pytestmark = pytest.mark.django_db

AFTER_DEADLINE = "Batas waktu input sudah lewat: pegawai tidak dapat lagi memperbaiki datanya"


def test_after_the_input_deadline_return_is_not_offered_and_the_page_says_why(
    client, agency, period, operator
):
    record = make_submitted(agency, period)
    period.input_deadline = timezone.now() - dt.timedelta(minutes=5)
    period.save()
    client.force_login(operator)
    page = client.get(reverse("verify:record", args=[record.pk])).content.decode()
    assert 'id="decision-form"' in page and 'value="ms"' in page
    assert 'value="return"' not in page and AFTER_DEADLINE in page


def test_a_return_posted_after_the_input_deadline_is_refused_once(client, agency, period, operator):
    record = make_submitted(agency, period)
    period.input_deadline = timezone.now() - dt.timedelta(minutes=5)
    period.save()
    client.force_login(operator)
    response = decide_post(client, record, outcome="return", reason="Perbaiki SK")
    page = client.get(response.url).content.decode()
    assert page.count(AFTER_DEADLINE) == 1 and 'value="return"' not in page
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.SUBMITTED


def test_a_prefinalised_record_page_offers_ms_and_tms_but_no_return(client, agency, period, operator):
    record = make_submitted(agency, period)
    set_phase(agency, period, "prefinalised")
    client.force_login(operator)
    page = client.get(reverse("verify:record", args=[record.pk])).content.decode()
    assert 'value="tms"' in page and 'value="return"' not in page
    assert "selama instansi masih terbuka" in page

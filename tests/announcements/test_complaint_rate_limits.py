"""Filing is limited per client address and per NIK; a refusal says when to try again and saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from announcements.models import Complaint
from announcements.services.complaints.limits import RateLimited
from registry.models import LimitHit
from tests.announcements.complaints_support import (
    captcha_passes,  # noqa: F401 - fixture
    complaint_data,
    file_complaint,
    file_url,
    listed,
    prefinalise,
)
from tests.factories import make_nik

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("captcha_passes")]


def _nik(serial: int) -> str:
    return make_nik(dt.date(1980, 1, 1), "M", region="327301", serial=serial)


@pytest.fixture
def limits(settings):
    settings.COMPLAINT_MAX_PER_NIK = 2
    settings.COMPLAINT_MAX_PER_IP = 3
    settings.COMPLAINT_NIK_WINDOW = dt.timedelta(days=1)
    settings.COMPLAINT_IP_WINDOW = dt.timedelta(hours=1)


def test_one_nik_is_limited_from_one_address(client, agency, period, limits):
    prefinalise(agency, period)
    person = listed(agency, period)
    for _ in range(2):
        response = client.post(
            file_url(agency, person), complaint_data(complainant_nik=_nik(1)), REMOTE_ADDR="10.0.0.9"
        )
        assert response.status_code == 302
    refused = client.post(
        file_url(agency, person), complaint_data(complainant_nik=_nik(1)), REMOTE_ADDR="10.0.0.9"
    )
    body = refused.content.decode()
    assert refused.status_code == 200 and 'id="complaint-rate-limited"' in body
    first = Complaint.objects.order_by("created_at").first()
    retry = timezone.localtime(first.created_at + dt.timedelta(days=1)).strftime("%H:%M, %d-%m-%Y")
    assert retry in body
    assert Complaint.objects.count() == 2
    # Another NIK from the same address still goes through.
    ok = client.post(
        file_url(agency, person), complaint_data(complainant_nik=_nik(2)), REMOTE_ADDR="10.0.0.9"
    )
    assert ok.status_code == 302 and Complaint.objects.count() == 3


def test_filings_naming_a_nik_elsewhere_do_not_silence_that_person(client, agency, period, limits):
    """Issue 17.6: someone who files in another person's name, from their own address, uses up
    only their own address's allowance, never that person's."""
    prefinalise(agency, period)
    person = listed(agency, period)
    for _ in range(3):
        client.post(file_url(agency, person), complaint_data(complainant_nik=_nik(5)), REMOTE_ADDR="10.6.6.6")
    assert Complaint.objects.count() == 2
    own = client.post(
        file_url(agency, person), complaint_data(complainant_nik=_nik(5)), REMOTE_ADDR="10.7.7.7"
    )
    assert own.status_code == 302 and Complaint.objects.count() == 3


def test_addresses_of_one_ipv6_64_count_as_one(client, agency, period, limits):
    """Issue 17.5: a new IPv6 address per filing from one /64 does not reset the address limit."""
    prefinalise(agency, period)
    person = listed(agency, period)
    for n in range(1, 5):
        client.post(
            file_url(agency, person),
            complaint_data(complainant_nik=_nik(30 + n)),
            REMOTE_ADDR=f"2001:db8:aa:bb::{n:x}:1",
        )
    assert Complaint.objects.count() == 3  # COMPLAINT_MAX_PER_IP
    other_network = client.post(
        file_url(agency, person), complaint_data(complainant_nik=_nik(39)), REMOTE_ADDR="2001:db8:aa:bc::1"
    )
    assert other_network.status_code == 302 and Complaint.objects.count() == 4


def test_one_address_is_limited_whatever_the_nik(client, agency, period, limits):
    prefinalise(agency, period)
    person = listed(agency, period)
    for serial in (11, 12, 13):
        assert (
            client.post(
                file_url(agency, person), complaint_data(complainant_nik=_nik(serial)), REMOTE_ADDR="10.1.1.1"
            ).status_code
            == 302
        )
    refused = client.post(
        file_url(agency, person), complaint_data(complainant_nik=_nik(14)), REMOTE_ADDR="10.1.1.1"
    )
    assert 'id="complaint-rate-limited"' in refused.content.decode()
    assert Complaint.objects.count() == 3
    other = client.post(
        file_url(agency, person), complaint_data(complainant_nik=_nik(14)), REMOTE_ADDR="10.1.1.2"
    )
    assert other.status_code == 302 and Complaint.objects.count() == 4


def test_the_limit_is_lifted_when_the_oldest_filing_leaves_the_window(agency, period, limits):
    prefinalise(agency, period)
    person = listed(agency, period)
    file_complaint(agency, person, nik=_nik(21))
    file_complaint(agency, person, nik=_nik(21))
    with pytest.raises(RateLimited) as refused:
        file_complaint(agency, person, nik=_nik(21))
    oldest = Complaint.objects.order_by("created_at").first()
    assert refused.value.retry_at == oldest.created_at + dt.timedelta(days=1)
    LimitHit.objects.filter(scope="complaint:nik-address", at=oldest.created_at).update(
        at=timezone.now() - dt.timedelta(days=1, seconds=1)
    )
    file_complaint(agency, person, nik=_nik(21))
    assert Complaint.objects.count() == 3

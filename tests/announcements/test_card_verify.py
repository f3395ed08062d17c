from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.cards import verification_url
from registry.models import Status

pytestmark = pytest.mark.django_db


def test_the_printed_address_still_answers_from_the_public_site(client, make_record):
    record = make_record(full_name="Siti Aminah", status=Status.ELIGIBLE)
    assert reverse("card:verify", args=[record.card_token]) == f"/verifikasi/{record.card_token}/"
    assert verification_url(record).endswith(f"/verifikasi/{record.card_token}/")
    response = client.get(f"/verifikasi/{record.card_token}/")
    page = response.content.decode()
    assert 'id="card-genuine"' in page
    assert 'id="verify-name">Siti Aminah<' in page and "Memenuhi Syarat" in page
    assert record.nik not in page and record.masked_nik not in page


def test_card_and_status_check_read_the_same_status(client, make_record):
    record = make_record(status=Status.INELIGIBLE)
    card = client.get(f"/verifikasi/{record.card_token}/").content.decode()
    check = client.post(
        "/pengumuman/cek-status/",
        {
            "nik": record.nik,
            "kk": record.kk,
            "captcha_0": "x",
            "captcha_1": "PASSED",
        },
    ).content.decode()
    label = str(Status.INELIGIBLE.label)
    assert (
        card.split('id="verify-status">')[1].split("<")[0]
        == check.split('id="status-status">')[1].split("<")[0]
    )
    assert label


def test_an_unknown_card_is_404_and_says_so(client, db):
    response = client.get("/verifikasi/not-a-real-token/")
    assert response.status_code == 404
    assert 'id="card-unknown"' in response.content.decode()

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import IdentityCheckAttempt
from accounts.views.worker import REGISTRATION_SESSION_KEY
from registry.models import AgencySubmission
from tests.accounts.conftest import identity_post, make_worker
from tests.factories import make_nik

pytestmark = pytest.mark.django_db

NOT_REGISTERED = "Anda Belum Didaftarkan oleh Admin Instansi. Silakan melapor pada instansi masing-masing."
URL = "/akun/buat/"


def test_register_page_shows_step_1_heading_and_seed_labels(client):
    html = client.get(URL).content.decode()
    assert "Langkah 1: Pengecekan Identitas" in html
    assert "Lanjutkan" in html
    assert "Nomor Kartu Keluarga" in html


def test_matching_identity_opens_step_2_with_the_record_in_session(client, registered):
    response = client.post(URL, identity_post(registered))
    assert response.status_code == 302
    assert response.url == reverse("worker:register-step2")
    assert client.session[REGISTRATION_SESSION_KEY]["record_id"] == registered.pk
    page = client.get(response.url).content.decode()
    assert "Langkah 2: Lengkapi Data" in page
    assert registered.full_name in page


def test_name_matches_ignoring_case_and_spaces(client, registered):
    response = client.post(URL, identity_post(registered, full_name="  siti   NURHALIZA putri "))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "field",
    ["kk", "full_name", "birth_place", "birth_date"],
)
def test_each_mismatch_gives_the_same_single_message(client, registered, field):
    wrong = {
        "kk": registered.kk[:-4] + "9999",
        "full_name": "Siti Nurhaliza",
        "birth_place": "Bogor",
        "birth_date": "15-03-1991",
    }[field]
    response = client.post(URL, identity_post(registered, **{field: wrong}))
    html = response.content.decode()
    assert response.status_code == 200
    assert NOT_REGISTERED in html
    assert REGISTRATION_SESSION_KEY not in client.session
    # The answer never says which field failed.
    for hint in ("KK salah", "nama tidak", "tanggal lahir tidak"):
        assert hint not in html.lower()


def test_unregistered_nik_gives_the_not_registered_message(client, registered):
    other = make_nik(dt.date(1991, 3, 14), "F", serial=9876)
    response = client.post(URL, identity_post(registered, nik=other))
    assert NOT_REGISTERED in response.content.decode()


def test_record_of_an_agency_no_longer_open_is_not_found(client, registered):
    AgencySubmission.objects.filter(agency=registered.agency).update(phase="prefinalised")
    response = client.post(URL, identity_post(registered))
    assert NOT_REGISTERED in response.content.decode()


def test_wrong_captcha_is_refused_without_checking_identity(client, registered):
    response = client.post(URL, identity_post(registered, captcha_1="WRONG"))
    assert response.status_code == 200
    assert "captcha" in response.content.decode().lower()
    assert REGISTRATION_SESSION_KEY not in client.session
    assert not IdentityCheckAttempt.objects.exists()


def test_repeated_failures_for_one_nik_are_refused_with_a_retry_time(client, registered, settings):
    settings.IDENTITY_CHECK_MAX_PER_NIK = 3
    for _ in range(3):
        client.post(URL, identity_post(registered, birth_place="Bogor"))
    # Even the correct answer is refused now, and the page says when to try again.
    response = client.post(URL, identity_post(registered))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Terlalu banyak percobaan" in html
    assert "WIB" in html
    assert REGISTRATION_SESSION_KEY not in client.session


def test_repeated_failures_from_one_address_are_refused(client, registered, settings):
    settings.IDENTITY_CHECK_MAX_PER_IP = 2
    for serial in (1111, 2222):
        client.post(URL, identity_post(registered, nik=make_nik(dt.date(1991, 3, 14), "F", serial=serial)))
    response = client.post(URL, identity_post(registered))
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_rate_limit_ends_after_the_window(client, registered, settings):
    settings.IDENTITY_CHECK_MAX_PER_NIK = 2
    for _ in range(2):
        client.post(URL, identity_post(registered, birth_place="Bogor"))
    IdentityCheckAttempt.objects.update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    response = client.post(URL, identity_post(registered))
    assert response.status_code == 302


def test_attempts_never_store_the_plain_nik(client, registered):
    client.post(URL, identity_post(registered, birth_place="Bogor"))
    attempt = IdentityCheckAttempt.objects.get()
    assert registered.nik not in attempt.nik_hash
    assert attempt.succeeded is False


def test_record_with_an_account_is_told_to_log_in_or_reset(client, registered):
    make_worker(registered)
    response = client.post(URL, identity_post(registered))
    html = response.content.decode()
    assert "Anda sudah memiliki akun" in html
    assert reverse("worker:login") in html
    assert reverse("worker:password-reset") in html
    assert REGISTRATION_SESSION_KEY not in client.session


def test_step_2_without_step_1_goes_back_to_step_1(client):
    response = client.get(reverse("worker:register-step2"))
    assert response.status_code == 302
    assert response.url == URL

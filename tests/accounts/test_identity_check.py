from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import IdentityCheckAttempt
from accounts.views.worker.registration import REGISTRATION_SESSION_KEY
from registry.models import AgencySubmission, LimitHit
from tests.accounts.support import identity_post, make_worker
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
    LimitHit.objects.update(at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
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


# --- As the KTP shows it (issue 7.2) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("registered_place", "typed_place"),
    [
        ("Yogyakarta", "YOGYAKARTA"),
        ("Kab. Bandung", "KAB BANDUNG"),
        ("Kab.Bandung", "kab  bandung"),
        ("Pangkal Pinang, Bangka", "PANGKAL PINANG BANGKA"),
        ("Bantén", "BANTEN"),
    ],
)
def test_place_of_birth_typed_as_on_the_ktp_matches(client, registered, registered_place, typed_place):
    registered.birth_place = registered_place
    registered.save(update_fields=["birth_place"])
    response = client.post(URL, identity_post(registered, birth_place=typed_place))
    assert response.status_code == 302
    assert client.session[REGISTRATION_SESSION_KEY]["record_id"] == registered.pk


def test_name_in_capitals_with_dots_and_accents_matches(client, registered):
    registered.full_name = "Siti Nurhaliza Putri Â."
    registered.save(update_fields=["full_name"])
    response = client.post(URL, identity_post(registered, full_name="SITI  NURHALIZA PUTRI A"))
    assert response.status_code == 302


def test_nik_and_kk_typed_with_spaces_and_dots_match(client, registered):
    nik, kk = registered.nik, registered.kk
    spaced = {"nik": f"{nik[:6]} {nik[6:12]}.{nik[12:]}", "kk": f"{kk[:4]}.{kk[4:8]}.{kk[8:12]} {kk[12:]}"}
    response = client.post(URL, identity_post(registered, **spaced))
    assert response.status_code == 302


def test_one_normalisation_ignores_case_accents_dots_commas_and_spaces():
    from accounts.services.registration import identity_number, identity_text

    assert identity_text("Kab. Bandung") == identity_text("KAB BANDUNG") == "kab bandung"
    assert identity_text(" Yogyakarta ") == identity_text("YOGYAKARTA")
    assert identity_text("José,  Ma'ruf") == "jose ma'ruf"
    assert identity_text("Bandung") != identity_text("Bandung Barat")
    assert identity_number("3273 0164.1283 0432") == "3273016412830432"


# --- Already has an account (issue 7.3) --------------------------------------------------------


@pytest.mark.parametrize("status", ["submitted", "needs_revision", "eligible", "ineligible"])
def test_record_with_an_account_in_any_later_state_is_told_to_log_in(client, registered, status):
    from registry.models import WorkerRecord

    make_worker(registered)
    WorkerRecord.objects.filter(pk=registered.pk).update(status=status)
    html = client.post(URL, identity_post(registered, birth_place="BANDUNG")).content.decode()
    assert "Anda sudah memiliki akun" in html
    assert NOT_REGISTERED not in html
    assert f'href="{reverse("worker:login")}"' in html
    assert f'href="{reverse("worker:password-reset")}"' in html
    assert REGISTRATION_SESSION_KEY not in client.session


def test_released_record_with_an_account_is_not_registered(client, registered):
    from registry.models import WorkerRecord

    make_worker(registered)
    WorkerRecord.objects.filter(pk=registered.pk).update(status="released")
    html = client.post(URL, identity_post(registered)).content.decode()
    assert NOT_REGISTERED in html
    assert "Anda sudah memiliki akun" not in html


def test_a_mismatch_on_a_record_with_an_account_still_gets_the_single_message(client, registered):
    make_worker(registered)
    html = client.post(URL, identity_post(registered, birth_place="Bogor")).content.decode()
    assert NOT_REGISTERED in html
    assert "Anda sudah memiliki akun" not in html


# --- Never sleep in a request (issue 7.13) -----------------------------------------------------


def test_repeated_failures_are_refused_with_a_retry_time_and_never_sleep(
    client, registered, settings, monkeypatch
):
    def no_sleep(seconds):
        raise AssertionError(f"a request slept {seconds} s")

    monkeypatch.setattr("time.sleep", no_sleep)
    settings.IDENTITY_CHECK_SLOW_AFTER = 3
    settings.IDENTITY_CHECK_SLOW_STEP_SECONDS = 10
    for serial in (1001, 1002, 1003, 1004):
        response = client.post(
            URL, identity_post(registered, nik=make_nik(dt.date(1991, 3, 14), "F", serial=serial))
        )
        assert NOT_REGISTERED in response.content.decode()
    # The fifth try comes too soon after the fourth failure: refused at once, with the time to retry.
    response = client.post(URL, identity_post(registered))
    html = response.content.decode()
    assert "Terlalu banyak percobaan" in html
    assert "WIB" in html
    assert REGISTRATION_SESSION_KEY not in client.session
    assert IdentityCheckAttempt.objects.count() == 4  # the refused try is not even checked
    # Once the delay has passed, the right data goes through.
    LimitHit.objects.update(at=timezone.now() - dt.timedelta(seconds=11))
    assert client.post(URL, identity_post(registered)).status_code == 302


# --- Someone else cannot lock the owner out (issue 8.10) ---------------------------------------


def test_failures_from_another_address_do_not_lock_the_owner_out(client, registered):
    for _ in range(5):
        client.post(URL, identity_post(registered, birth_place="Bogor"), REMOTE_ADDR="203.0.113.9")
    blocked = client.post(URL, identity_post(registered), REMOTE_ADDR="203.0.113.9")
    assert "Terlalu banyak percobaan" in blocked.content.decode()
    # The owner, from their own address, still gets through.
    response = client.post(URL, identity_post(registered), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302


def test_failures_for_one_nik_from_many_addresses_lock_it_at_a_higher_ceiling(client, registered, settings):
    settings.IDENTITY_CHECK_MAX_PER_NIK = 8
    for i in range(8):
        client.post(URL, identity_post(registered, birth_place="Bogor"), REMOTE_ADDR=f"203.0.113.{i + 1}")
    response = client.post(URL, identity_post(registered), REMOTE_ADDR="198.51.100.7")
    assert "Terlalu banyak percobaan" in response.content.decode()

"""The three login pages: one clear message each, the right page pointed to, the same work for every
NIK, one lockout per account, and reset links only for the page's own kind of account."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from accounts.models import Role
from tests.accounts.support import make_worker
from tests.factories import PASSWORD, UserFactory, WorkerRecordFactory, make_kk, make_nik

pytestmark = pytest.mark.django_db

WORKER_LOGIN = "/akun/masuk/"
STAFF_LOGIN = "/instansi/akun/masuk/"
ADMIN_LOGIN = "/admin/login/"

WORKER_WRONG = "NIK/e-mail atau kata sandi salah. Periksa keduanya lalu coba lagi."
STAFF_WRONG = "Nama pengguna atau kata sandi salah. Periksa keduanya lalu coba lagi."


def _errors(html: str) -> list[str]:
    """Visible error texts: the login alert, Django admin's error note, and field errors."""
    found = re.findall(
        r'<div class="alert alert-danger" role="alert" id="login-error">\s*(.*?)\s*</div>', html, re.S
    )
    found += re.findall(r'<p class="errornote">\s*(.*?)\s*</p>', html, re.S)
    found += re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return found


@pytest.mark.parametrize(
    ("url", "expected"),
    [(WORKER_LOGIN, WORKER_WRONG), (STAFF_LOGIN, STAFF_WRONG), (ADMIN_LOGIN, STAFF_WRONG)],
)
def test_a_wrong_password_gets_one_clear_message_on_each_login_page(client, worker, operator, url, expected):
    username = worker.worker_record.nik if url == WORKER_LOGIN else operator.username
    if url == ADMIN_LOGIN:
        username = UserFactory(role=Role.NATIONAL_ADMIN, is_staff=True, is_superuser=True).username
    html = client.post(url, {"username": username, "password": "salah-sandi-1"}).content.decode()
    errors = _errors(html)
    assert len(errors) == 1, errors
    assert expected in errors[0]
    assert "nama pengguna nama pengguna" not in html.lower()
    assert "_auth_user_id" not in client.session


def test_national_admin_on_the_agency_login_is_pointed_to_the_admin_page(client, national_admin):
    html = client.post(
        STAFF_LOGIN, {"username": national_admin.username, "password": PASSWORD}
    ).content.decode()
    assert "_auth_user_id" not in client.session
    assert "admin nasional" in _errors(html)[0].lower()
    assert 'class="alert-link" href="/admin/"' in html


def test_worker_on_the_agency_login_is_pointed_to_the_worker_login(client, worker):
    html = client.post(
        STAFF_LOGIN, {"username": worker.worker_record.nik, "password": PASSWORD}
    ).content.decode()
    assert "_auth_user_id" not in client.session
    assert f'class="alert-link" href="{WORKER_LOGIN}"' in html


def test_staff_on_the_worker_login_is_pointed_to_the_agency_login(client, operator):
    html = client.post(WORKER_LOGIN, {"username": operator.username, "password": PASSWORD}).content.decode()
    assert "_auth_user_id" not in client.session
    assert f'class="alert-link" href="{STAFF_LOGIN}"' in html
    # Every visitor of the worker login sees where staff log in, before any attempt.
    assert f'href="{STAFF_LOGIN}"' in client.get(WORKER_LOGIN).content.decode()


@pytest.mark.parametrize("url", [STAFF_LOGIN, ADMIN_LOGIN, WORKER_LOGIN])
def test_a_256_character_user_name_is_a_form_error_not_a_500(client, url):
    response = client.post(url, {"username": "a" * 256, "password": "x"})
    assert response.status_code == 200
    assert "paling banyak" in response.content.decode()  # Django's max-length message
    assert not AccessAttempt.objects.exists()


# --- The same work whatever the NIK (issue 8.5) -------------------------------------------------


@pytest.fixture
def hashes(monkeypatch):
    """Counts password hash computations (the tests use the MD5 hasher)."""
    calls = []
    original = MD5PasswordHasher.encode

    def counting(self, password, salt):
        calls.append(1)
        return original(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


def _case_nik(case: str, worker, agency, period) -> str:
    if case == "account":
        return worker.worker_record.nik
    birth = dt.date(1990, 1, 2)
    if case == "record_without_account":
        return WorkerRecordFactory(
            agency=agency,
            period=period,
            birth_date=birth,
            sex="M",
            nik=make_nik(birth, "M", serial=7001),
            kk=make_kk(serial=7002),
        ).nik
    return make_nik(birth, "M", serial=7999)


@pytest.mark.parametrize("case", ["none", "record_without_account", "account"])
def test_a_worker_login_attempt_hashes_the_password_exactly_once(
    client, worker, agency, period, hashes, case
):
    nik = _case_nik(case, worker, agency, period)
    hashes.clear()
    response = client.post(WORKER_LOGIN, {"username": nik, "password": "salah-sandi-1"})
    assert response.status_code == 200
    assert len(hashes) == 1


# --- One lockout per account (issue 8.9) --------------------------------------------------------


@pytest.mark.parametrize("then", ["email", "nik_with_spaces"])
def test_failures_by_nik_lock_the_account_for_every_login_name(client, worker, settings, then):
    nik = worker.worker_record.nik
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(WORKER_LOGIN, {"username": nik, "password": "salah-sandi-1"})
    name = {"email": "SITI@example.test", "nik_with_spaces": f"{nik[:6]} {nik[6:12]} {nik[12:]}"}[then]
    response = client.post(WORKER_LOGIN, {"username": name, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_by_email_lock_the_nik_login_too(client, worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(WORKER_LOGIN, {"username": "siti@example.test", "password": "salah-sandi-1"})
    response = client.post(WORKER_LOGIN, {"username": worker.worker_record.nik, "password": PASSWORD})
    assert response.status_code == 429


# --- Each reset form serves only its own kind of account (issue 8.8) ----------------------------


def test_worker_reset_sends_nothing_to_staff_or_the_national_admin(
    client, worker, operator, national_admin, mailoutbox
):
    operator.email = "operator@example.test"
    operator.save()
    national_admin.email = "bkn@example.test"
    national_admin.save()
    answers = [
        client.post(reverse("worker:password-reset"), {"email": email})
        for email in ("operator@example.test", "bkn@example.test", "siti@example.test")
    ]
    assert {(r.status_code, r.url) for r in answers} == {(302, reverse("worker:password-reset-done"))}
    assert [m.to for m in mailoutbox] == [["siti@example.test"]]


def test_staff_reset_sends_nothing_to_workers_or_the_national_admin(
    client, worker, operator, national_admin, mailoutbox
):
    operator.email = "operator@example.test"
    operator.save()
    national_admin.email = "bkn@example.test"
    national_admin.save()
    answers = [
        client.post(reverse("staff:password-reset"), {"email": email})
        for email in ("siti@example.test", "bkn@example.test", "operator@example.test")
    ]
    assert {(r.status_code, r.url) for r in answers} == {(302, reverse("staff:password-reset-done"))}
    assert [m.to for m in mailoutbox] == [["operator@example.test"]]


def test_a_worker_who_shares_an_email_with_staff_gets_only_their_own_link(
    client, worker, operator, mailoutbox
):
    operator.email = "siti@example.test"
    operator.save()
    client.post(reverse("worker:password-reset"), {"email": "siti@example.test"})
    assert len(mailoutbox) == 1
    assert "/akun/atur-sandi/" in mailoutbox[0].body


def test_the_record_factory_makes_workers_without_accounts(agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    assert not hasattr(record, "account") or record.account is None


def test_make_worker_fixture_helper_still_works(registered):
    assert make_worker(registered).role == Role.WORKER

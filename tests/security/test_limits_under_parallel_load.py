"""Every limit of the public side holds under parallel load (issue 17.4, 17.5).

Sixteen requests fire at once (three times the limits the tests set), each from its own thread with its own test client and its own
database connection (a transactional test database: what one commits the others see), through the
whole middleware stack. Each limit must let exactly its number through, as it does one at a time.
The walk at the end finds every anonymous form of the site and requires it to be covered here (or
named, with the reason, as needing no limit).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import resolve

from accounts.models import IdentityCheckAttempt, Role
from announcements.models import Complaint, StatusCheckAttempt
from registry.models import AgencySubmission, Status
from tests.accounts.support import identity_post
from tests.factories import UserFactory, WorkerRecordFactory, make_nik
from tests.security.urlwalk import all_urls

pytestmark = pytest.mark.django_db(transaction=True)

AT_ONCE = 16
LIMITED = "Terlalu banyak percobaan"


def fire_at_once(send: Callable[[Client, int], object], n: int = AT_ONCE) -> list:
    """Call send(client, i) from n threads released together; each thread has its own connection."""
    start = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            client = Client()
            start.wait()
            results[i] = send(client, i)
        except Exception as exc:  # reported by the assertion below, not lost in the thread
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not [r for r in results if isinstance(r, Exception)], results
    return results


def _nik(serial: int, day: int = 1) -> str:
    return make_nik(dt.date(1980, 1, day), "M", region="327301", serial=serial)


def _v6(i: int) -> str:
    """A different address of one IPv6 /64 for each request."""
    return f"2001:db8:17:5:{i + 1:x}::{i + 7:x}"


# --- Cek Status ---------------------------------------------------------------------------------


def _status_post(client: Client, nik: str, kk: str, address: str):
    data = {"nik": nik, "kk": kk, "captcha_0": "x", "captcha_1": "PASSED"}
    return client.post("/pengumuman/cek-status/", data, REMOTE_ADDR=address)


@pytest.mark.parametrize("addresses", ["one IPv4 address", "one IPv6 /64"])
def test_cek_status_per_address_lets_exactly_its_limit_through(settings, agency, period, addresses):
    settings.STATUS_CHECK_MAX_PER_IP = 5
    settings.STATUS_CHECK_MAX_PER_NIK = 100
    address = (lambda i: "198.51.100.17") if addresses == "one IPv4 address" else _v6
    responses = fire_at_once(lambda c, i: _status_post(c, _nik(2000 + i), "3273010101900001", address(i)))
    assert Counter(r.status_code for r in responses) == {200: 5, 429: AT_ONCE - 5}
    assert StatusCheckAttempt.objects.count() == 5


def test_cek_status_per_nik_lets_exactly_its_limit_through_from_many_addresses(settings, agency, period):
    settings.STATUS_CHECK_MAX_PER_NIK = 5
    record = WorkerRecordFactory(agency=agency, period=period, status=Status.SUBMITTED)
    responses = fire_at_once(lambda c, i: _status_post(c, record.nik, record.kk, f"10.17.4.{i + 1}"))
    assert Counter(r.status_code for r in responses) == {200: 5, 429: AT_ONCE - 5}
    assert sum(record.full_name in r.content.decode() for r in responses) == 5


# --- Buat Akun (identity check) -----------------------------------------------------------------


def test_identity_check_per_nik_and_address_lets_exactly_its_limit_through(settings, registered):
    settings.IDENTITY_CHECK_MAX_PER_NIK_AND_IP = 5
    wrong = identity_post(registered, birth_place="Bogor")
    responses = fire_at_once(lambda c, i: c.post("/akun/buat/", wrong, REMOTE_ADDR="203.0.113.40"))
    assert sum(LIMITED in r.content.decode() for r in responses) == AT_ONCE - 5
    assert IdentityCheckAttempt.objects.filter(succeeded=False).count() == 5


def test_identity_check_pacing_lets_through_what_it_lets_through_one_at_a_time(settings, registered):
    """Issue 17.4: sequentially 4 tries pass before the pause (3 free, then one); in parallel 7 did."""
    settings.IDENTITY_CHECK_SLOW_AFTER = 3
    settings.IDENTITY_CHECK_SLOW_STEP_SECONDS = 10
    responses = fire_at_once(
        lambda c, i: c.post(
            "/akun/buat/", identity_post(registered, nik=_nik(3000 + i, day=14)), REMOTE_ADDR=_v6(i)
        )
    )
    assert sum(LIMITED in r.content.decode() for r in responses) == AT_ONCE - 4
    assert IdentityCheckAttempt.objects.count() == 4


# --- Complaints and "Tidak terdaftar" reports ---------------------------------------------------


@pytest.fixture
def public_test(agency, period):
    from django.utils import timezone

    AgencySubmission.objects.filter(agency=agency, period=period).update(
        phase=AgencySubmission.Phase.PREFINALISED, prefinalised_at=timezone.now() - dt.timedelta(minutes=1)
    )
    return WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE)


def _complaint(nik: str) -> dict:
    return {
        "complainant_name": "Warga",
        "complainant_nik": nik,
        "email": "warga@example.test",
        "phone": "081234567890",
        "description": "Tidak bekerja di unit ini.",
        "captcha_0": "x",
        "captcha_1": "PASSED",
    }


def test_complaints_per_address_let_exactly_the_limit_through(settings, agency, public_test):
    settings.COMPLAINT_MAX_PER_IP = 5
    url = f"/aduan/{agency.code}/?record={public_test.pk}"
    fire_at_once(lambda c, i: c.post(url, _complaint(_nik(4000 + i)), REMOTE_ADDR=_v6(i)))
    assert Complaint.objects.count() == 5


def test_complaints_per_nik_and_address_let_exactly_the_limit_through(settings, agency, public_test):
    settings.COMPLAINT_MAX_PER_NIK = 3
    url = f"/aduan/{agency.code}/?record={public_test.pk}"
    fire_at_once(lambda c, i: c.post(url, _complaint(_nik(4100)), REMOTE_ADDR="192.0.2.33"))
    assert Complaint.objects.count() == 3


def test_reports_per_address_let_exactly_the_limit_through(settings, agency, public_test):
    settings.COMPLAINT_MAX_PER_IP = 5
    url = f"/aduan/{agency.code}/tidak-terdaftar/"

    def report(client: Client, i: int):
        data = {**_complaint(_nik(4200)), "nik": _nik(4300 + i), "name": "Pegawai Terlewat"}
        return client.post(url, data, REMOTE_ADDR="192.0.2.34")

    fire_at_once(report)
    assert Complaint.objects.filter(kind=Complaint.Kind.UNLISTED).count() == 5


# --- Logins (django-axes, serialised per lockout key) -------------------------------------------


@dataclass(frozen=True)
class LoginPage:
    url: str
    name: Callable[[object], str]


LOGIN_PAGES = {
    "worker": LoginPage("/akun/masuk/", lambda user: user.worker_record.nik),
    "agency": LoginPage("/instansi/akun/masuk/", lambda user: user.username),
    "national admin": LoginPage("/admin/login/", lambda user: user.username),
}


def _account(kind: str, agency, request):
    if kind == "worker":
        return request.getfixturevalue("worker")
    if kind == "agency":
        return UserFactory(role=Role.OPERATOR, agency=agency)
    return UserFactory(role=Role.NATIONAL_ADMIN, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("kind", list(LOGIN_PAGES))
def test_simultaneous_wrong_passwords_get_exactly_the_lockout_limit_of_guesses(
    settings, agency, kind, monkeypatch, request
):
    settings.AXES_FAILURE_LIMIT = 5
    user = _account(kind, agency, request)
    page = LOGIN_PAGES[kind]
    guesses = []
    original = type(user).check_password

    def counted(self, raw):  # the password checks that ran: what an attacker gets to try
        guesses.append(raw)
        return original(self, raw)

    monkeypatch.setattr(type(user), "check_password", counted)
    data = lambda i: {"username": page.name(user), "password": f"tebakan-{i}"}  # noqa: E731
    responses = fire_at_once(lambda c, i: c.post(page.url, data(i), REMOTE_ADDR="203.0.113.77"))
    assert len(guesses) == 5
    assert Counter(r.status_code for r in responses) == {200: 4, 429: AT_ONCE - 4}


# --- The walk: every anonymous form is limited here, or needs no limit --------------------------

COVERED = {
    "announcements:status-check": "Cek Status",
    "worker:register": "Buat Akun, step 1",
    "complaints:file": "complaints",
    "complaints:report-missing": "reports",
    "worker:login": "logins",
    "staff:login": "logins",
    "admin:login": "logins",
}
NO_LIMIT_NEEDED = {
    "complaints:track": "ticket (31^8) and e-mail together: nothing to guess within a lifetime",
    "worker:password-reset": "e-mails only an account's own address, with a link it alone can use",
    "staff:password-reset": "e-mails only an account's own address, with a link it alone can use",
    "set_language": "no data: sets the visitor's language cookie",
}


def test_every_anonymous_form_is_limited_under_parallel_load_or_needs_no_limit(client, agency, public_test):
    values = {"code": agency.code, "ticket": "ADU-AAAA-AAAA"}
    forms = set()
    for url in all_urls():
        if not url.name or set(url.params) - set(values):
            continue
        if url.name.startswith("admin:") and url.name != "admin:login":
            continue
        path = url.fill(values)
        # The complaint form is reached from a listed person's row.
        response = client.get(path, {"record": public_test.pk} if url.name == "complaints:file" else {})
        if response.status_code != 200:
            continue
        for form in re.findall(r"<form\b[^>]*>", response.content.decode()):
            if not re.search(r'method="post"', form, re.I):
                continue
            action = re.search(r'action="([^"]*)"', form)
            target = resolve(urlsplit(action.group(1) if action and action.group(1) else path).path)
            forms.add(target.view_name)
    assert forms, "the walk found no anonymous form"
    assert forms <= set(COVERED) | set(NO_LIMIT_NEEDED), sorted(forms - set(COVERED) - set(NO_LIMIT_NEEDED))
    assert set(COVERED) <= forms, sorted(set(COVERED) - forms)

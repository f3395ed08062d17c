"""One client address for the audit trail, the identity-check limits and the login lockout.

Behind our own proxies (TRUSTED_PROXY_HOPS) the client is the N-th X-Forwarded-For entry from the
right; whatever the client wrote further left is ignored, so a forged header changes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from accounts.models import IdentityCheckAttempt
from nonasn.client_ip import client_ip
from tests.accounts.support import identity_post
from tests.factories import PASSWORD, make_nik

PROXY = "10.0.0.1"
CLIENT = "203.0.113.5"


def request_with(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_HOPS = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # BEHIND_PROXY=1


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_ip(request_with(CLIENT, "6.6.6.6")) == CLIENT


def test_forged_entries_left_of_our_proxys_are_ignored(behind_one_proxy):
    # The client sent "X-Forwarded-For: 6.6.6.6"; our proxy appended the address it saw.
    assert client_ip(request_with(PROXY, f"6.6.6.6, {CLIENT}")) == CLIENT
    assert client_ip(request_with(PROXY, CLIENT)) == CLIENT


def test_two_proxies_take_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request_with("10.0.0.2", f"6.6.6.6, {CLIENT}, {PROXY}")) == CLIENT


def test_a_request_that_skipped_our_proxies_gets_the_connection_address(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    assert client_ip(request_with(PROXY, CLIENT)) == PROXY
    assert client_ip(request_with(PROXY)) == PROXY


def test_garbage_in_the_header_is_not_an_address(behind_one_proxy):
    assert client_ip(request_with(PROXY, "<script>")) == PROXY


@pytest.mark.django_db
def test_identity_check_records_the_real_client_not_the_forged_one(client, registered, behind_one_proxy):
    client.post(
        "/akun/buat/",
        identity_post(registered, birth_place="Bogor"),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}",
    )
    assert IdentityCheckAttempt.objects.get().ip == CLIENT


@pytest.mark.django_db
def test_rotating_a_forged_header_does_not_escape_the_per_address_limit(
    client, registered, settings, behind_one_proxy
):
    settings.IDENTITY_CHECK_MAX_PER_IP = 2
    for n, serial in enumerate((1111, 2222)):
        client.post(
            "/akun/buat/",
            identity_post(registered, nik=make_nik(dt.date(1991, 3, 14), "F", serial=serial)),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, {CLIENT}",
        )
    response = client.post(
        "/akun/buat/", identity_post(registered), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"7.7.7.7, {CLIENT}"
    )
    assert "Terlalu banyak percobaan" in response.content.decode()


@pytest.mark.django_db
def test_login_lockout_counts_the_client_behind_the_proxy_not_the_proxy(client, operator, behind_one_proxy):
    for _ in range(5):
        client.post(
            "/instansi/akun/masuk/",
            {"username": operator.username, "password": "salah"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}",
        )
    assert AccessAttempt.objects.get().ip_address == CLIENT
    # Another person behind the same proxy is not locked out with them.
    response = client.post(
        "/instansi/akun/masuk/",
        {"username": operator.username, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_limits_count_an_ipv6_client_by_its_64_and_ipv4_by_its_address():
    from nonasn.client_ip import limit_address

    assert limit_address("2001:db8:17:5:aaaa:bbbb:cccc:dddd") == "2001:db8:17:5::"
    assert limit_address("2001:db8:17:5::1") == limit_address("2001:db8:17:5:ffff::9")
    assert limit_address("2001:db8:17:6::1") != limit_address("2001:db8:17:5::1")
    assert limit_address("::ffff:198.51.100.7") == "198.51.100.7"
    assert limit_address("198.51.100.7") == "198.51.100.7"
    assert limit_address(None) is None and limit_address("bukan-alamat") is None


@pytest.mark.django_db
def test_login_failures_from_one_ipv6_64_lock_the_account_whatever_the_address(client, worker, settings):
    settings.AXES_FAILURE_LIMIT = 3
    nik = worker.worker_record.nik
    for n in range(3):
        client.post(
            "/akun/masuk/", {"username": nik, "password": "salah"}, REMOTE_ADDR=f"2001:db8:9:9::{n + 1}"
        )
    locked = client.post(
        "/akun/masuk/", {"username": nik, "password": "salah"}, REMOTE_ADDR="2001:db8:9:9::ff"
    )
    assert locked.status_code == 429

"""Session lifetimes per kind of account, and no-store on everything a logged-in person receives."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from accounts.middleware import SEEN, STARTED
from registry.models import Document
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HOUR = 3600


def _age(client, *, started: float | None = None, seen: float | None = None) -> None:
    session = client.session
    now = time.time()
    if started is not None:
        session[STARTED] = now - started
    if seen is not None:
        session[SEEN] = now - seen
    session.save()


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_staff_session_ends_after_8_hours_even_when_active(client, operator):
    client.force_login(operator)
    _age(client, started=8 * HOUR + 60, seen=10)
    response = client.get(reverse("registry:dashboard"))
    assert response.status_code == 302
    assert reverse("staff:login") in response.url
    assert not _logged_in(client)


def test_staff_session_ends_after_30_minutes_idle(client, operator):
    client.force_login(operator)
    _age(client, started=HOUR, seen=31 * 60)
    assert client.get(reverse("registry:dashboard")).status_code == 302
    assert not _logged_in(client)


def test_active_staff_session_goes_on_and_its_cookie_lasts_30_minutes(client, operator):
    client.post(reverse("staff:login"), {"username": operator.username, "password": PASSWORD})
    _age(client, started=7 * HOUR, seen=29 * 60)
    assert client.get(reverse("registry:dashboard")).status_code == 200
    assert _logged_in(client)
    cookie = client.cookies["sessionid"]
    assert int(cookie["max-age"]) == 30 * 60


def test_national_admin_session_is_a_staff_session(client, national_admin):
    client.force_login(national_admin)
    _age(client, started=HOUR, seen=31 * 60)
    assert client.get("/admin/").status_code == 302
    assert not _logged_in(client)


def test_worker_session_ends_with_the_browser(client, worker):
    response = client.post(
        reverse("worker:login"), {"username": worker.worker_record.nik, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()
    assert client.cookies["sessionid"]["max-age"] == ""  # a browser-session cookie


def test_worker_session_ends_after_2_hours(worker_client):
    _age(worker_client, started=2 * HOUR + 60, seen=60)
    response = worker_client.get(reverse("worker:home"))
    assert response.status_code == 302
    assert reverse("worker:login") in response.url
    assert not _logged_in(worker_client)


def test_worker_is_not_logged_out_after_an_idle_hour(worker_client):
    _age(worker_client, started=HOUR + 60, seen=HOUR)
    assert worker_client.get(reverse("worker:home")).status_code == 200


def test_logged_in_pages_and_downloads_are_never_stored(worker_client, worker, operator, client):
    ktp = Document.objects.get(record=worker.worker_record, kind="ktp")
    for url in (reverse("worker:home"), reverse("worker:biodata"), reverse("worker:account-card")):
        assert "no-store" in worker_client.get(url)["Cache-Control"], url
    staff = type(client)()
    staff.force_login(operator)
    for url in (
        reverse("registry:dashboard"),
        reverse("registry:worker-list"),
        reverse("registry:worker-detail", args=[worker.worker_record_id]),
        reverse("worker:document", args=[ktp.pk]),
        reverse("registry:worker-export", args=["csv"]),
    ):
        assert "no-store" in staff.get(url)["Cache-Control"], url


def test_registration_steps_are_never_stored(client):
    assert "no-store" in client.get(reverse("worker:register"))["Cache-Control"]


def test_the_sessions_user_is_loaded_with_their_agency_in_one_query(operator, django_assert_num_queries):
    from accounts.backends import LoginBackend

    with django_assert_num_queries(1):  # every portal page reads request.user.agency
        user = LoginBackend().get_user(operator.pk)
        assert user.agency.name == operator.agency.name


def test_a_deactivated_account_loses_its_session(operator):
    from accounts.backends import LoginBackend

    operator.is_active = False
    operator.save()
    assert LoginBackend().get_user(operator.pk) is None
    assert LoginBackend().get_user(987654321) is None

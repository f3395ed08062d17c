from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/akun/masuk/"


def _login(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_worker_logs_in_with_nik(client, worker):
    response = _login(client, worker.worker_record.nik)
    assert response.status_code == 302
    assert response.url == reverse("worker:home")
    assert client.get(reverse("worker:home")).context["record"].pk == worker.worker_record_id


def test_worker_logs_in_with_email_in_any_case(client, worker):
    response = _login(client, "SITI@Example.test")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == worker.pk


def test_wrong_password_is_refused(client, worker):
    response = _login(client, worker.worker_record.nik, "salah-sandi-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_agency_staff_cannot_use_the_worker_login(client, operator):
    response = _login(client, operator.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_account_is_locked_after_repeated_failures(client, worker, settings):
    nik = worker.worker_record.nik
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, nik, "salah-sandi-1")
    response = _login(client, nik)  # even the right password is refused now
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_records_never_hold_the_plain_nik(client, worker):
    from axes.models import AccessAttempt, AccessFailureLog

    nik = worker.worker_record.nik
    unknown = nik[:-4] + "9999"
    _login(client, nik, "salah-sandi-1")
    _login(client, unknown, "salah-sandi-1")
    stored = list(AccessAttempt.objects.values_list("username", flat=True)) + list(
        AccessFailureLog.objects.values_list("username", flat=True)
    )
    assert stored and all(nik not in (name or "") and unknown not in (name or "") for name in stored)


def test_password_reset_lifts_the_lockout(client, worker, settings, mailoutbox):
    nik = worker.worker_record.nik
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, nik, "salah-sandi-1")
    client.post(reverse("worker:password-reset"), {"email": "siti@example.test"})
    link = re.search(r"https?://[^/\s]+(/akun/atur-sandi/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "kata-sandi-baru-2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert _login(client, nik, new).status_code == 302


def test_password_reset_by_email_sets_a_new_password(client, worker, mailoutbox):
    response = client.post(reverse("worker:password-reset"), {"email": "siti@example.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/akun/atur-sandi/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new = "kata-sandi-baru-2026"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    client.logout()
    assert _login(client, worker.worker_record.nik, new).status_code == 302


def test_password_reset_for_unknown_email_sends_nothing(client, worker, mailoutbox):
    client.post(reverse("worker:password-reset"), {"email": "tidak-ada@example.test"})
    assert mailoutbox == []


def test_worker_pages_need_a_worker_login(client, db):
    staff = UserFactory()
    client.force_login(staff)
    response = client.get(reverse("worker:biodata"))
    assert response.status_code == 302
    assert reverse("worker:login") in response.url

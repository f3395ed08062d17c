from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role, User
from accounts.services.staff import staff_user_set_active
from registry.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("staff:login")


def log_in(client, username, password=PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_in_indonesian(client):
    page = client.get(LOGIN).content.decode()
    assert "Masuk Portal Instansi" in page


def test_operator_logs_in_and_lands_on_the_dashboard(client, operator, period):
    response = log_in(client, operator.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:dashboard")
    page = client.get(response["Location"]).content.decode()
    assert operator.agency.name in page


def test_a_worker_account_cannot_log_in_to_the_agency_portal(client, db):
    worker = UserFactory(role=Role.WORKER, agency=None)
    response = log_in(client, worker.username)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_lock_the_account(client, operator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, operator.username, "salah-sandi")
    response = log_in(client, operator.username)  # even the right password
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Terlalu banyak percobaan masuk" in response.content.decode()


def test_logout_ends_the_session(client, operator, period):
    log_in(client, operator.username)
    client.post(reverse("staff:logout"))
    response = client.get(reverse("registry:dashboard"))
    assert response["Location"].startswith(LOGIN)


def test_staff_changes_their_password(client, operator, period):
    client.force_login(operator)
    response = client.post(
        reverse("staff:password-change"),
        {"old_password": PASSWORD, "new_password1": "Sandi-Baru-2022!", "new_password2": "Sandi-Baru-2022!"},
    )
    assert response["Location"] == reverse("staff:password-change-done")
    operator.refresh_from_db()
    assert operator.check_password("Sandi-Baru-2022!")


def test_password_reset_by_email_sets_a_new_password(client, operator):
    client.post(reverse("staff:password-reset"), {"email": operator.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Sandi-Baru-2022!", "new_password2": "Sandi-Baru-2022!"})
    operator.refresh_from_db()
    assert operator.check_password("Sandi-Baru-2022!")


def test_password_reset_sends_nothing_for_a_worker_address(client, db):
    worker = UserFactory(role=Role.WORKER, agency=None)
    client.post(reverse("staff:password-reset"), {"email": worker.email})
    assert mail.outbox == []


def test_agency_admin_adds_an_operator_who_can_log_in(client, agency_admin, period):
    client.force_login(agency_admin)
    response = client.post(
        reverse("staff:user-create"),
        {
            "username": "operator.baru",
            "first_name": "Operator Baru",
            "email": "baru@example.test",
            "role": Role.OPERATOR,
            "password1": "Sandi-Awal-2022!",
            "password2": "Sandi-Awal-2022!",
        },
    )
    assert response["Location"] == reverse("staff:user-list")
    user = User.objects.get(username="operator.baru")
    assert (user.agency, user.role) == (agency_admin.agency, Role.OPERATOR)
    assert AuditEvent.objects.filter(
        action="staff:create", actor=agency_admin, object_id=str(user.pk)
    ).exists()
    client.logout()
    assert log_in(client, "operator.baru", "Sandi-Awal-2022!").status_code == 302


def test_agency_admin_cannot_add_another_agency_admin(client, agency_admin):
    client.force_login(agency_admin)
    data = {"username": "x", "first_name": "X", "email": "x@example.test", "role": Role.AGENCY_ADMIN}
    data |= {"password1": "Sandi-Awal-2022!", "password2": "Sandi-Awal-2022!"}
    response = client.post(reverse("staff:user-create"), data)
    assert response.status_code == 200
    assert not User.objects.filter(username="x").exists()


def test_deactivated_operator_can_no_longer_log_in(client, agency_admin, operator):
    client.force_login(agency_admin)
    client.post(reverse("staff:user-toggle-active", args=[operator.pk]))
    operator.refresh_from_db()
    assert operator.is_active is False
    client.logout()
    assert log_in(client, operator.username).status_code == 200
    assert "_auth_user_id" not in client.session


def test_agency_admin_sends_a_password_reset_link(
    client, agency_admin, operator, django_capture_on_commit_callbacks
):
    client.force_login(agency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("staff:user-reset-password", args=[operator.pk]))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [operator.email]
    assert "/instansi/akun/lupa-sandi/" in mail.outbox[0].body


def test_agency_admin_cannot_deactivate_themselves(client, agency_admin):
    client.force_login(agency_admin)
    client.post(reverse("staff:user-toggle-active", args=[agency_admin.pk]))
    agency_admin.refresh_from_db()
    assert agency_admin.is_active


def test_deactivating_oneself_is_explained_in_indonesian(client, agency_admin):
    client.force_login(agency_admin)
    response = client.post(reverse("staff:user-toggle-active", args=[agency_admin.pk]), follow=True)
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri" in response.content.decode()
    assert not AuditEvent.objects.filter(action="staff:deactivate").exists()


def test_the_service_itself_refuses_an_admin_acting_on_their_own_account(agency, agency_admin):
    with pytest.raises(ValidationError):
        staff_user_set_active(agency=agency, user_id=agency_admin.pk, active=False, actor=agency_admin)
    agency_admin.refresh_from_db()
    assert agency_admin.is_active

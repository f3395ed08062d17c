"""The agency's helpdesk gives a worker their way back into "Buat Akun" after someone else's failures."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import IdentityCheckAttempt, Role
from registry.models import AuditEvent
from tests.accounts.support import identity_post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/akun/buat/"


def _lock(client, record, settings):
    settings.IDENTITY_CHECK_MAX_PER_NIK = 3
    for i in range(3):
        client.post(URL, identity_post(record, birth_place="Bogor"), REMOTE_ADDR=f"203.0.113.{i + 1}")
    assert "Terlalu banyak percobaan" in client.post(URL, identity_post(record)).content.decode()


def test_helpdesk_lifts_the_lock_and_the_worker_gets_through(client, registered, helpdesk, settings):
    _lock(client, registered, settings)
    staff = type(client)()
    staff.force_login(helpdesk)
    detail = staff.get(reverse("registry:worker-detail", args=[registered.pk])).content.decode()
    unlock_url = reverse("staff:identity-check-unlock", args=[registered.pk])
    assert f'action="{unlock_url}"' in detail

    response = staff.post(unlock_url)
    assert response.status_code == 302
    assert response.url == reverse("registry:worker-detail", args=[registered.pk])
    assert not IdentityCheckAttempt.objects.filter(succeeded=False).exists()
    event = AuditEvent.objects.get(action="account:identity_check_unlock")
    assert event.actor == helpdesk
    assert event.record_id == registered.pk
    assert event.after == {"failures_cleared": 3}
    assert client.post(URL, identity_post(registered)).status_code == 302


def test_another_agencys_staff_cannot_lift_the_lock(client, registered, other_agency, settings):
    _lock(client, registered, settings)
    client.force_login(UserFactory(role=Role.HELPDESK, agency=other_agency))
    response = client.post(reverse("staff:identity-check-unlock", args=[registered.pk]))
    assert response.status_code == 404
    assert IdentityCheckAttempt.objects.filter(succeeded=False).count() == 3


def test_anonymous_and_workers_cannot_lift_the_lock(client, registered, settings):
    _lock(client, registered, settings)
    response = client.post(reverse("staff:identity-check-unlock", args=[registered.pk]))
    assert response.status_code == 302
    assert reverse("staff:login") in response.url
    assert IdentityCheckAttempt.objects.filter(succeeded=False).count() == 3


def test_lifting_needs_a_post(client, registered, helpdesk):
    client.force_login(helpdesk)
    assert client.get(reverse("staff:identity-check-unlock", args=[registered.pk])).status_code == 405

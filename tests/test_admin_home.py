"""The national admin's home: /admin/ login lands on the national desk; /admin/ speaks Indonesian."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registry.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_logging_in_at_admin_lands_on_the_national_desk(client, national_admin):
    login = client.get("/admin/login/?next=/admin/")
    assert 'name="next" value="/nasional/"' in login.content.decode()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": national_admin.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("national:desk")


def test_a_deep_admin_link_is_kept_after_login(client, national_admin):
    response = client.post(
        "/admin/login/",
        {"username": national_admin.username, "password": PASSWORD, "next": "/admin/registry/agency/"},
    )
    assert response["Location"] == "/admin/registry/agency/"


def test_the_admin_index_links_to_the_national_desk(client, national_admin):
    client.force_login(national_admin)
    page = client.get("/admin/").content.decode()
    assert f'<p id="national-desk-link"><a class="button" href="{reverse("national:desk")}"' in page


def test_every_app_on_the_admin_index_is_named_in_indonesian(client, national_admin):
    client.force_login(national_admin)
    page = client.get("/admin/").content.decode()
    captions = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<caption>(.*?)</caption>", page, re.S)
    ]
    rows = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', page, re.S)
    ]
    for english in ("Axes", "Tasks Database Backend", "Task Results", "Captcha store", "Sessions"):
        assert english not in captions + rows
    assert "Tugas latar belakang" in captions and "Hasil tugas" in rows


def test_task_results_list_speaks_indonesian(client, national_admin):
    client.force_login(national_admin)
    page = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    for english in ("Enqueued at", "Queue name", "Started at"):
        assert english not in page


def test_the_audit_list_shows_readable_actions(client, national_admin, agency):
    AuditEvent.objects.create(action="deadline:input", object_type="registry.agencysubmission", object_id="1")
    client.force_login(national_admin)
    page = client.get("/admin/registry/auditevent/").content.decode()
    assert "Batas waktu pengisian diperpanjang" in page or "diperpanjang" in page
    assert ">deadline:input<" not in page

"""Every agency-portal URL, walked as another agency's user, as helpdesk, as a worker and anonymously."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from accounts.models import Role
from registry.models import AuditEvent, ImportJob, WorkerRecord
from tests.factories import UserFactory, WorkerRecordFactory
from tests.registry.support import import_row, upload, worker_fields, xlsx_bytes

pytestmark = pytest.mark.django_db

# Staff pages outside the portal proper: open to anyone (login, reset by e-mail).
PUBLIC_STAFF = {
    "login", "logout", "password-reset", "password-reset-done", "password-reset-confirm", "password-reset-complete",
}  # fmt: skip
# Views that change something (helpdesk must get 403 on each).
WRITE = {
    "registry:worker-create", "registry:worker-edit", "registry:worker-release", "registry:import-upload",
    "registry:import-rerun", "staff:user-create", "staff:user-toggle-active", "staff:user-reset-password",
    "registry:contact-edit",
}  # fmt: skip
# Changes helpdesk is there for (still scoped to the agency).
HELPDESK_ACTIONS = {"staff:identity-check-unlock"}
READ = {
    "registry:dashboard", "registry:worker-list", "registry:worker-export", "registry:worker-detail",
    "registry:import-list", "registry:import-template", "registry:import-detail", "registry:import-progress",
    "registry:import-refused", "staff:user-list", "staff:password-change", "staff:password-change-done",
}  # fmt: skip


def portal_url_names() -> set[str]:
    names = set()
    resolver = get_resolver()
    for namespace in ("registry", "staff"):
        _prefix, sub = resolver.namespace_dict[namespace]
        for pattern in sub.url_patterns:
            if namespace == "staff" and pattern.name in PUBLIC_STAFF:
                continue
            names.add(f"{namespace}:{pattern.name}")
    return names


def test_every_portal_url_is_classified_as_read_or_write():
    assert portal_url_names() == READ | WRITE | HELPDESK_ACTIONS


@pytest.fixture
def agency_a_objects(agency, period, operator, agency_admin, helpdesk):
    # sex="F": its NIK can never equal the male NIK the intruder posts, whatever the factory sequence.
    record = WorkerRecordFactory(period=period, agency=agency, full_name="Rahasia Instansi A", sex="F")
    from registry.services.imports import import_run, import_start

    job = import_start(
        agency=agency, period=period, upload=upload(xlsx_bytes([import_row(nik="1")])), actor=operator
    )
    import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.refused_file
    return {"record": record, "job": job, "user": operator}


def url_for(name: str, objs: dict) -> str:
    if name.startswith("registry:worker-") and name not in ("registry:worker-list", "registry:worker-create"):
        if name == "registry:worker-export":
            return reverse(name, kwargs={"file_format": "csv"})
        return reverse(name, args=[objs["record"].pk])
    if name in (
        "registry:import-detail",
        "registry:import-progress",
        "registry:import-refused",
        "registry:import-rerun",
    ):
        return reverse(name, args=[objs["job"].pk])
    if name in HELPDESK_ACTIONS:
        return reverse(name, args=[objs["record"].pk])
    if name in ("staff:user-toggle-active", "staff:user-reset-password"):
        return reverse(name, args=[objs["user"].pk])
    return reverse(name)


def snapshot(objs: dict) -> tuple:
    record, user = objs["record"], objs["user"]
    record.refresh_from_db()
    user.refresh_from_db()
    return (
        record.status, record.full_name, user.is_active, WorkerRecord.objects.count(),
        ImportJob.objects.count(), AuditEvent.objects.count(),
    )  # fmt: skip


@pytest.mark.parametrize("name", sorted(READ | WRITE | HELPDESK_ACTIONS))
def test_agency_b_admin_gets_404_or_403_for_agency_a_objects(client, name, agency_a_objects, other_agency):
    intruder = UserFactory(role=Role.AGENCY_ADMIN, agency=other_agency)
    client.force_login(intruder)
    url = url_for(name, agency_a_objects)
    before = snapshot(agency_a_objects)
    uses_object = any(str(o.pk) in url for o in agency_a_objects.values())
    for method in ("get", "post"):
        data = worker_fields(full_name="Diubah B", reason="x", serial=99) if method == "post" else None
        response = getattr(client, method)(url, data)
        if uses_object:
            assert response.status_code in (403, 404, 405), (method, url, response.status_code)
            if method == "post":
                assert response.status_code in (403, 404), (method, url, response.status_code)
        else:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert b"Rahasia Instansi A" not in body, (method, url)
            assert agency_a_objects["record"].nik.encode() not in body, (method, url)
    after = snapshot(agency_a_objects)
    assert after[:3] == before[:3]
    assert WorkerRecord.objects.filter(agency=agency_a_objects["record"].agency).count() == 1


@pytest.mark.parametrize("name", sorted(WRITE))
def test_helpdesk_cannot_write_anything(client, name, agency_a_objects, helpdesk):
    client.force_login(helpdesk)
    url = url_for(name, agency_a_objects)
    before = snapshot(agency_a_objects)
    data = worker_fields(full_name="Diubah Helpdesk", reason="x", serial=321)
    if name == "registry:import-upload":
        data = {"file": upload(xlsx_bytes([import_row(serial=55)]))}
    response = client.post(url, data)
    assert response.status_code == 403
    assert snapshot(agency_a_objects) == before


@pytest.mark.parametrize("name", sorted(READ - {"registry:worker-export"}))
def test_helpdesk_reads_own_agency_pages_except_admin_ones(client, name, agency_a_objects, helpdesk):
    client.force_login(helpdesk)
    response = client.get(url_for(name, agency_a_objects))
    expected = 403 if name == "staff:user-list" else 200
    assert response.status_code == expected


@pytest.mark.parametrize("role", [None, Role.WORKER])
@pytest.mark.parametrize("name", sorted(READ | WRITE))
def test_anonymous_and_worker_users_get_the_agency_login_page(client, name, role, agency_a_objects):
    if role:
        client.force_login(UserFactory(role=role, agency=None))
    url = url_for(name, agency_a_objects)
    response = client.post(url) if name in WRITE else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_operator_cannot_manage_users(client, agency_a_objects, operator):
    client.force_login(operator)
    assert client.get(reverse("staff:user-list")).status_code == 403
    assert client.post(reverse("staff:user-create"), {}).status_code == 403

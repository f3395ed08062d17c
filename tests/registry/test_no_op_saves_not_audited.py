"""Issue 16, point 10: a save that changes nothing writes no audit row, through every page that audits
field changes; a value that differs only as the paths normalise it (a NIK typed with spaces or dots,
an e-mail in other capitals) is no change (registry.models.audit.field_changes)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import AuditEvent, WorkerRecord
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db

CONTACT = {
    "unit": "Bidang Pengadaan BKPSDM",
    "phone": "022 4200 123",
    "whatsapp": "0812 3456 7890",
    "email": "kepegawaian@bandung.example.test",
    "address": "Jl. Wastukencana 2, Bandung",
    "service_hours": "Senin–Jumat 08.00–16.00 WIB",
}


def _spaced(number: str) -> str:
    return f"{number[:4]} {number[4:8]}.{number[8:12]} {number[12:]}"


def test_the_edit_form_saved_unchanged_writes_no_audit_row_and_says_nothing_changed(client, operator):
    client.force_login(operator)
    fields = worker_fields()
    client.post(reverse("registry:worker-create"), fields)
    record = WorkerRecord.objects.get(nik=fields["nik"])
    same = {**fields, "nik": _spaced(fields["nik"]), "kk": _spaced(fields["kk"]), "email": "BUDI@Example.com"}
    response = client.post(reverse("registry:worker-edit", args=[record.pk]), same, follow=True)
    assert "Tidak ada yang berubah." in response.content.decode()
    assert not AuditEvent.objects.filter(record=record, action="record:update").exists()
    assert WorkerRecord.objects.get(pk=record.pk).email == "budi@example.com"


def test_the_edit_form_audits_only_the_field_that_changed(client, operator):
    client.force_login(operator)
    fields = worker_fields()
    client.post(reverse("registry:worker-create"), fields)
    record = WorkerRecord.objects.get(nik=fields["nik"])
    client.post(
        reverse("registry:worker-edit", args=[record.pk]),
        {**fields, "nik": _spaced(fields["nik"]), "email": "Budi@example.com", "position": "Guru Kelas"},
    )
    event = AuditEvent.objects.get(record=record, action="record:update")
    assert event.before == {"position": "Guru"} and event.after == {"position": "Guru Kelas"}


def test_the_contact_page_saved_unchanged_writes_no_second_audit_row(client, agency_admin):
    client.force_login(agency_admin)
    client.post(reverse("registry:contact-edit"), CONTACT)
    client.post(reverse("registry:contact-edit"), {**CONTACT, "email": "Kepegawaian@Bandung.example.test"})
    assert AuditEvent.objects.filter(action="agency:contact").count() == 1

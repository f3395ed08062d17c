"""Issue 16, point 10: changing a decision to the one the record already has changes nothing: no
reopening, no status rows, no e-mail, and the page says so."""

from __future__ import annotations

import pytest

from registry.models import AuditEvent, Status, WorkerRecord
from tests.verification.decisions_helpers import change_post, make_submitted

pytestmark = pytest.mark.django_db


def test_changing_ms_to_ms_writes_no_status_row_and_sends_no_mail(
    client, agency, period, operator, mailoutbox, django_capture_on_commit_callbacks
):
    record = make_submitted(agency, period, status=Status.ELIGIBLE)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = change_post(client, record, outcome="ms", reason="Pengaduan tidak terbukti")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "tidak ada yang berubah" in page
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.ELIGIBLE
    assert not AuditEvent.objects.filter(record=record, action__startswith="status:").exists()
    assert mailoutbox == []

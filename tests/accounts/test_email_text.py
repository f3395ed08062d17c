"""Plain-text e-mails say what was written: no HTML escaping of names, agencies or reasons."""

from __future__ import annotations

import pytest
from django.conf import settings

from accounts.services.notifications import status_change_notify
from tests.factories import AgencyFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db

NAME = "Ma'ruf & Sons <Putra>"


def test_status_email_shows_names_and_reasons_as_written(mailoutbox, period):
    agency = AgencyFactory(name="Dinas Pendidikan & Kebudayaan")
    record = WorkerRecordFactory(
        agency=agency, period=period, full_name=NAME, email="maruf@example.test", status="submitted"
    )
    # The e-mail tells of the record's latest status change (its audit row): made as a service makes it.
    record.transition_to("needs_revision", actor=None, reason='Unggah ijazah "asli" & SK <2019>')
    status_change_notify(record_id=record.pk)
    body = mailoutbox[0].body
    assert f"Yth. {NAME}," in body
    assert "(Dinas Pendidikan & Kebudayaan)" in body
    assert 'Unggah ijazah "asli" & SK <2019>' in body
    assert "&amp;" not in body and "&#x27;" not in body and "&lt;" not in body


def test_staff_password_reset_email_keeps_the_name_as_written(client, operator, mailoutbox):
    operator.first_name, operator.last_name, operator.email = "Ma'ruf", "& Sons", "op@example.test"
    operator.save()
    client.post("/instansi/akun/lupa-sandi/", {"email": "op@example.test"})
    assert "Ma'ruf & Sons" in mailoutbox[0].body
    assert "&amp;" not in mailoutbox[0].body


def test_every_plain_text_template_turns_autoescaping_off():
    templates = sorted((settings.BASE_DIR / "templates").rglob("*.txt"))
    assert templates
    missing = [str(t) for t in templates if "{% autoescape off %}" not in t.read_text()]
    assert not missing

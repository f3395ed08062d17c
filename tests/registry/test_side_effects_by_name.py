"""Side effects hang on named signals, audit actions are one enum with labels, and the registry
keeps out of accounts (no User, no post_save on AuditEvent)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import translation

from registry.models import AuditAction, AuditEvent, Status, audit_action_label
from registry.services.transitions import record_transition
from registry.signals import record_status_changed
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def received():
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    record_status_changed.connect(receiver, dispatch_uid="test-receiver")
    yield calls
    record_status_changed.disconnect(dispatch_uid="test-receiver")


def test_status_change_sends_record_status_changed_on_commit_with_its_arguments(
    received, national_admin, django_capture_on_commit_callbacks
):
    record = WorkerRecordFactory(status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record_transition(
            record_id=record.pk, to=Status.NEEDS_REVISION, actor=national_admin, reason="Unggah SK"
        )
    assert received == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert received == [
        {
            "signal": record_status_changed,
            "record_id": record.pk,
            "old": Status.SUBMITTED,
            "new": Status.NEEDS_REVISION,
            "actor_id": national_admin.pk,
            "reason": "Unggah SK",
        }
    ]


def test_rolled_back_status_change_sends_nothing(
    received, national_admin, django_capture_on_commit_callbacks
):
    record = WorkerRecordFactory(status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                record_transition(record_id=record.pk, to=Status.ELIGIBLE, actor=national_admin, reason="ok")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert received == []


def test_status_email_comes_from_the_signal_not_from_an_audit_row(
    national_admin, django_capture_on_commit_callbacks
):
    record = WorkerRecordFactory(status=Status.SUBMITTED, email="pegawai@example.test")
    # An audit row that looks like a status change no longer sends anything.
    with django_capture_on_commit_callbacks(execute=True):
        AuditEvent.log(actor=national_admin, action="status:eligible", obj=record)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        record_transition(record_id=record.pk, to=Status.ELIGIBLE, actor=national_admin, reason="ok")
    assert [m.to for m in mail.outbox] == [["pegawai@example.test"]]
    assert not post_save.has_listeners(AuditEvent)


def test_audit_actions_are_one_enum_with_indonesian_labels_that_other_apps_extend():
    with translation.override("id"):
        assert audit_action_label(AuditAction.STATUS_ACCOUNT_CREATED) == "Akun pegawai dibuat"
        assert audit_action_label("staff:create") == "Pengguna staf ditambahkan"  # accounts' own enum
        assert audit_action_label("something:unknown") == "something:unknown"
    assert AuditAction.for_status(Status.RELEASED) == "status:released"


def _imports(folder: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / folder).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {f"{node.module}.{a.name}" for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
    return found


def test_registry_models_and_services_neither_import_accounts_nor_touch_user():
    for folder in ("registry/models", "registry/services"):
        names = _imports(folder)
        assert not [n for n in names if n.startswith("accounts")], folder
        assert "django.contrib.auth.get_user_model" not in names
        for path in (ROOT / folder).rglob("*.py"):
            assert "actor.save(" not in path.read_text() and ".email = " not in path.read_text(), path


def test_accounts_uses_the_public_document_service_not_a_private_one():
    assert not [n for n in _imports("accounts") if n.rsplit(".", 1)[-1].startswith("_document")]

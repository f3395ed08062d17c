from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role, User
from registry.models import AuditEvent, Document, Status
from tests.accounts.support import identity_post, jpeg_bytes, pdf_bytes, upload
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _step1(client, record):
    assert client.post("/akun/buat/", identity_post(record)).status_code == 302


def _step2_data(**overrides):
    data = {
        "password1": PASSWORD,
        "password2": PASSWORD,
        "ktp": upload(pdf_bytes(1), "ktp.pdf", "application/pdf"),
        "photo": upload(jpeg_bytes((900, 1200)), "foto.jpg"),
    }
    data.update(overrides)
    return data


def test_step_2_creates_the_account_and_moves_the_record(
    client, registered, mailoutbox, django_capture_on_commit_callbacks
):
    _step1(client, registered)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("worker:register-step2"), _step2_data())
    assert response.status_code == 302
    assert response.url == reverse("worker:account-created")

    registered.refresh_from_db()
    user = User.objects.get(worker_record=registered)
    assert user.role == Role.WORKER
    assert user.email == "siti@example.test"
    assert registered.nik not in user.username
    assert registered.status == Status.ACCOUNT_CREATED
    assert (registered.phone, registered.email) == ("081234567890", "siti@example.test")
    assert set(registered.documents.values_list("kind", flat=True)) == {"ktp", "photo"}
    assert registered.documents.get(kind="ktp").pages == 1
    audit = AuditEvent.objects.get(record=registered, action="status:account_created")
    assert audit.actor == user
    assert audit.ip == "127.0.0.1"
    # Logged in, and told by e-mail.
    page = client.get(response.url).content.decode()
    assert "Kartu Informasi Akun" in page
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["siti@example.test"]
    assert "akun dibuat" in mailoutbox[0].subject.lower()


def test_step_2_refuses_different_passwords(client, registered):
    _step1(client, registered)
    response = client.post(reverse("worker:register-step2"), _step2_data(password2="lain-sandi-999"))
    assert response.status_code == 200
    assert not User.objects.filter(worker_record=registered).exists()


def test_step_2_with_a_bad_file_creates_nothing(client, registered):
    _step1(client, registered)
    response = client.post(
        reverse("worker:register-step2"), _step2_data(photo=upload(b"MZ\x90\x00" * 100, "foto.jpg"))
    )
    assert response.status_code == 200
    assert "program" in " ".join(response.context["form"].errors["photo"])
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    assert not User.objects.filter(worker_record=registered).exists()
    assert not Document.objects.filter(record=registered).exists()


def test_account_card_link_on_the_created_page(client, registered):
    _step1(client, registered)
    client.post(reverse("worker:register-step2"), _step2_data())
    response = client.get(reverse("worker:account-card"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

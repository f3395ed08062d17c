from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_pages_are_indonesian_even_when_the_browser_asks_for_english(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "id"
    assert "Pendataan Non-ASN" in response.content.decode()
    assert "Buat Akun" in response.content.decode()


def test_english_can_be_chosen_with_the_language_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/").content.decode()
    assert "Non-ASN Data Collection" in page
    assert "Create Account" in page


def test_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Buat Akun" in client.get("/").content.decode()


def test_not_found_page_is_indonesian_and_friendly(client):
    response = client.get("/halaman-yang-tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_helpdesk_write_attempt_gets_an_indonesian_explanation(client, helpdesk):
    client.force_login(helpdesk)
    response = client.get("/instansi/pegawai/tambah/")
    assert response.status_code == 403
    assert "tidak dapat mengubah" in response.content.decode()


def test_server_error_page_renders_in_indonesian(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.content.decode()

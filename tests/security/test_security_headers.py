"""A Content-Security-Policy on every page: scripts only from our own static files, no framing."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings

from accounts.models import Role
from tests.factories import UserFactory, WorkerRecordFactory

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


class ScriptFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [name for name in attributes if name.startswith("on")]
        self.handlers += [
            name
            for name, value in attributes.items()
            if (value or "").strip().lower().startswith("javascript:")
        ]
        if tag == "script" and not attributes.get("src"):
            self.in_script = True

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


@pytest.fixture
def pages(client, agency, period, operator, national_admin):
    record = WorkerRecordFactory(agency=agency, period=period)
    worker = UserFactory(role=Role.WORKER, agency=None, worker_record=record, username=record.nik)
    return {
        "public": (None, ["/", "/pengumuman/", f"/pengumuman/{agency.code}/", f"/verifikasi/{record.card_token}/",
                          "/akun/buat/", "/akun/masuk/", "/instansi/akun/masuk/", "/halaman-tidak-ada/", "/pengumuman/?q=%00"]),
        "worker": (worker, ["/akun/", "/akun/biodata/", "/akun/dokumen/", "/akun/resume/"]),
        "agency portal": (operator, ["/instansi/", "/instansi/pegawai/", f"/instansi/pegawai/{record.pk}/",
                                     "/instansi/pegawai/tambah/", "/instansi/impor/"]),
        "admin": (national_admin, ["/admin/", "/admin/registry/workerrecord/",
                                   f"/admin/registry/workerrecord/{record.pk}/change/", "/admin/accounts/user/add/"]),
    }  # fmt: skip


@pytest.mark.parametrize("kind", ["public", "worker", "agency portal", "admin"])
def test_every_page_type_sends_a_policy_without_inline_script_or_framing(client, pages, kind):
    user, urls = pages[kind]
    if user is not None:
        client.force_login(user, backend="accounts.backends.LoginBackend")
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        assert response["Content-Type"].startswith("text/html")
        policy = policy_of(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["object-src"] == ["'none'"], url
        assert "'unsafe-inline'" not in policy["style-src"], url
        finder = ScriptFinder()
        finder.feed(response.content.decode())
        assert finder.inline_scripts == 0, url
        assert finder.handlers == [], url


def test_no_template_holds_an_inline_script():
    offenders = []
    for template in (settings.BASE_DIR / "templates").rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag:
                offenders.append(f"{template.relative_to(settings.BASE_DIR)}: {tag}")
    assert not offenders


def test_file_downloads_get_the_sandbox_policy_instead(client, operator):
    client.force_login(operator)
    response = client.get("/instansi/impor/template.xlsx")
    assert response.status_code == 200
    policy = policy_of(response)
    assert "sandbox" in policy
    assert policy["default-src"] == ["'none'"]


@pytest.mark.parametrize("kind", ["public", "worker", "agency portal", "admin"])
def test_every_page_type_sends_hsts_nosniff_and_referrer_policy_with_production_settings(
    client, pages, kind, settings
):
    settings.SECURE_SSL_REDIRECT = True  # as in production (the suite's conftest turns it off)
    user, urls = pages[kind]
    if user is not None:
        client.force_login(user, backend="accounts.backends.LoginBackend")
    assert client.get(urls[0]).status_code == 301  # plain HTTP goes to HTTPS
    for url in urls:
        response = client.get(url, secure=True)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        assert response["Strict-Transport-Security"].startswith("max-age=31536000"), url
        assert "includeSubDomains" in response["Strict-Transport-Security"], url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "same-origin", url

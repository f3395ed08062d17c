"""The public pages in shared caches: nothing of one visitor (a message, the raw query string, a
logged-in header) reaches another, and every answer checks the host (issue 17, points 1-3)."""

from __future__ import annotations

import html
import re

import pytest
from django.http import HttpResponse
from django.test import Client

from nonasn.middleware import SharedCacheGuardMiddleware

pytestmark = pytest.mark.django_db

MESSAGE = "Mulai dari langkah 1"
PAGES = [
    "chooser",
    "chooser-search",
    "agency",
    "announcement",
    "version",
    "list",
    "version-list",
    "version-list-search",
    "changes",
]


def page(name: str, code: str) -> str:
    base = f"/pengumuman/{code}/"
    return {
        "chooser": "/pengumuman/",
        "chooser-search": f"/pengumuman/?q={code}",
        "agency": base,
        "announcement": f"{base}uji-publik/",
        "version": f"{base}uji-publik/v1/",
        "list": f"{base}uji-publik/daftar/",
        "version-list": f"{base}uji-publik/v1/daftar/",
        "version-list-search": f"{base}uji-publik/v1/daftar/?q=budi",
        "changes": f"{base}uji-publik/v1/perubahan/",
    }[name]


def with_message() -> Client:
    """A visitor holding a message (the cookie an anonymous visit to Buat Akun's step 2 sets)."""
    visitor = Client()
    visitor.get("/akun/buat/langkah-2/")
    assert visitor.cookies["messages"].value
    return visitor


def language_switch_next(response) -> str:
    found = re.search(r'name="next" type="hidden" value="([^"]*)"', response.content.decode())
    return html.unescape(found.group(1))


@pytest.mark.parametrize("name", PAGES)
def test_a_visitors_message_is_shown_to_them_and_never_stored_for_others(agency, published, name):
    url = page(name, agency.code)
    own = with_message().get(url)
    assert MESSAGE in own.content.decode()
    assert "public" not in own["Cache-Control"] and "no-store" in own["Cache-Control"]
    other = Client().get(url)
    assert other.status_code == 200 and MESSAGE not in other.content.decode()
    assert other["Cache-Control"].startswith("public")


@pytest.mark.parametrize("name", PAGES)
def test_a_page_with_unusual_parameters_is_never_shared(agency, published, name):
    url = page(name, agency.code)
    odd = Client().get(url + ("&" if "?" in url else "?") + "utm_source=%3Codd-7e3%3E")
    assert odd.status_code == 200
    assert "public" not in odd["Cache-Control"]


def test_the_language_switch_of_a_shared_list_page_returns_to_its_own_address(agency, published):
    url = page("version-list", agency.code)
    first = Client().get(url, {"after": "0", "q": "  BUDI "})  # the first visitor's spelling
    again = Client().get(url, {"q": "budi"})
    for response in (first, again):
        assert response["Cache-Control"].startswith("public")
        assert language_switch_next(response) == f"{url}?q=budi"
    assert language_switch_next(Client().get(url, {"halaman": "1"})) == url


@pytest.mark.parametrize("name", PAGES)
def test_a_shared_page_links_back_only_to_its_own_address(agency, published, name):
    url = page(name, agency.code)
    response = Client().get(url)
    assert response["Cache-Control"].startswith("public")
    assert language_switch_next(response) == url


@pytest.mark.parametrize("name", PAGES)
def test_every_public_page_refuses_a_foreign_host_even_once_stored(agency, published, name):
    url = page(name, agency.code)
    assert Client().get(url).status_code == 200  # read once by a visitor of the site
    assert Client().get(url, headers={"host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("name", PAGES)
def test_a_shared_page_is_in_the_language_of_the_visitors_cookie(agency, published, name):
    url = page(name, agency.code)
    Client().get(url)
    english = Client()
    english.cookies["django_language"] = "en"
    response = english.get(url)
    assert response["Content-Language"] == "en" and "Cookie" in response["Vary"]
    assert "Non-ASN Data Collection" in response.content.decode()


def test_a_public_answer_that_sets_a_cookie_is_made_private_and_not_stored(rf):
    def view(request):
        response = HttpResponse("page")
        response["Cache-Control"] = "public, max-age=60"
        response.set_cookie("anything", "1")
        return response

    response = SharedCacheGuardMiddleware(view)(rf.get("/pengumuman/"))
    assert response["Cache-Control"] == "private, no-store"


def test_a_public_answer_without_anything_of_its_visitor_stays_public(rf):
    def view(request):
        response = HttpResponse("page")
        response["Cache-Control"] = "public, max-age=60"
        return response

    assert SharedCacheGuardMiddleware(view)(rf.get("/pengumuman/"))["Cache-Control"] == "public, max-age=60"


# The same through nginx with deploy/nginx.conf in front of the app: its shared cache keeps the
# public page, and nothing of one visitor reaches another.
@pytest.fixture
def through_nginx(live_server, settings):
    import shutil
    import socket
    import subprocess
    import tempfile
    import time
    from pathlib import Path
    from urllib.parse import urlsplit

    from tests.nginx_support import NGINX, local_conf

    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx)")
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = urlsplit(live_server.url)
    # Not pytest's tmp_path: nginx's workers (another user when started as root) must reach it.
    directory = Path(tempfile.mkdtemp(prefix="test-nginx-"))
    conf = local_conf(
        directory,
        **{
            "server 127.0.0.1:8000;": f"server {app.hostname}:{app.port};",
            "listen 80 default_server;": f"listen {port} default_server;",
            "listen 80;": f"listen {port};",
            "server_name pendataan.example.go.id;": "server_name 127.0.0.1;",
        },
    )
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"])
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(directory, ignore_errors=True)


def _get(port: int, path: str, **headers: str):
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response, body


def test_nginx_keeps_a_public_list_page_and_never_a_visitors_message(through_nginx, agency, published):
    url = page("version-list", agency.code)
    cookie = "messages=" + with_message().cookies["messages"].value
    response, body = _get(through_nginx, url, Cookie=cookie)  # the first reader holds a message
    assert response.status == 200 and MESSAGE in body
    assert response.getheader("X-Cache-Status") == "BYPASS"
    first, body = _get(through_nginx, url)
    assert first.getheader("X-Cache-Status") == "MISS" and MESSAGE not in body
    again, body = _get(through_nginx, url)
    assert again.getheader("X-Cache-Status") == "HIT" and MESSAGE not in body and published.sha256 in body


def test_nginx_answers_each_language_its_own_page(through_nginx, agency, published):
    url = page("version-list", agency.code)
    _get(through_nginx, url)
    _get(through_nginx, url)
    response, body = _get(through_nginx, url, Cookie="django_language=en")
    assert response.status == 200 and "List of Honorary Workers" in body
    response, body = _get(through_nginx, url)
    assert response.getheader("X-Cache-Status") == "HIT" and "Daftar Pegawai Honorer" in body


def test_nginx_answers_no_foreign_host(through_nginx, agency, published):
    import http.client

    url = page("version-list", agency.code)
    _get(through_nginx, url)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        _get(through_nginx, url, Host="evil.example")

"""Every login and portal entry URL, for every role: at most one redirect, ending on a page (200)."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.django_db

ENTRY_URLS = [
    "/",
    "/akun/",
    "/akun/masuk/",
    "/akun/buat/",
    "/akun/lupa-sandi/",
    "/instansi/",
    "/instansi/akun/masuk/",
    "/instansi/akun/lupa-sandi/",
    "/admin/",
    "/admin/login/",
]
ROLES = ["anonymous", "worker", "helpdesk", "operator", "agency_admin", "national_admin"]


@pytest.fixture
def login_as(request, client):
    def login(role: str):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


def _walk(client, url: str, limit: int = 6) -> tuple[list[str], int]:
    chain = [url]
    response = client.get(url)
    while response.status_code in (301, 302, 303, 307, 308) and len(chain) <= limit:
        url = urljoin(url, response["Location"])
        chain.append(url)
        response = client.get(url)
    return chain, response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ENTRY_URLS)
def test_entry_url_redirects_at_most_once_and_ends_on_a_page(login_as, role, url):
    client = login_as(role)
    chain, status = _walk(client, url)
    assert len(set(chain)) == len(chain), f"loop: {chain}"
    assert len(chain) <= 2, f"more than one redirect: {chain}"
    assert status == 200, f"{chain} ended on {status}"


@pytest.mark.parametrize(
    ("role", "url", "own_portal"),
    [
        ("operator", "/akun/masuk/", "/instansi/"),
        ("helpdesk", "/akun/", "/instansi/"),
        ("worker", "/instansi/akun/masuk/", "/akun/"),
        ("worker", "/instansi/", "/akun/"),
        ("national_admin", "/instansi/", "/admin/"),
        ("national_admin", "/akun/masuk/", "/admin/"),
    ],
)
def test_another_portals_login_shows_who_is_logged_in_with_log_out_and_the_right_portal(
    login_as, request, role, url, own_portal
):
    client = login_as(role)
    response = client.get(url, follow=True)
    html = response.content.decode()
    user = request.getfixturevalue(role)
    assert 'id="signed-in-elsewhere"' in html
    assert "Masuk sebagai" in html and (user.get_full_name() or user.username) in html
    assert 'id="own-portal"' in html and f'href="{own_portal}"' in html
    assert 'id="log-out-here"' in html and ">Keluar<" in html


def test_log_out_from_the_panel_returns_to_the_login_page(login_as):
    client = login_as("operator")
    response = client.post("/instansi/akun/keluar/", {"next": "/akun/masuk/"})
    assert response.status_code == 302
    assert response.url == "/akun/masuk/"
    assert "_auth_user_id" not in client.session

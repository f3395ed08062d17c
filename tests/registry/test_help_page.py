"""Bantuan: the help page, and every page's way to it."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_help_page_shows_the_periods_dates_documents_statuses_and_the_national_helpdesk(
    client, period, settings
):
    page = client.get(reverse("help:index")).content.decode()
    assert timezone.localtime(period.input_deadline).strftime("%d-%m-%Y") in page
    assert "Kartu Keluarga (KK)" in page or "KK" in page
    assert "Tidak Memenuhi Syarat (TMS)" in page
    assert settings.HELPDESK_CONTACT["email"] in page
    assert reverse("help:contacts") in page


@pytest.mark.parametrize(
    "url", ["/", "/pengumuman/", "/akun/buat/", "/akun/masuk/", "/instansi/akun/masuk/", "/tidak-ada/"]
)
def test_every_page_footer_links_to_help(client, period, url):
    page = client.get(url).content.decode()
    assert 'id="footer-help"' in page and f'href="{reverse("help:index")}"' in page


def test_not_found_page_links_to_help(client, period):
    page = client.get("/tidak-ada/").content.decode()
    assert page.count(f'href="{reverse("help:index")}"') >= 2  # the footer and the page itself


def test_every_page_has_a_favicon(client, period):
    assert 'rel="icon"' in client.get("/").content.decode()

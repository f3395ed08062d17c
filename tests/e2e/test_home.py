from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


ENTRY_LINKS = [
    ("#entry-agency-login", r"/instansi/akun/masuk/$", "Masuk Portal Instansi"),
    ("#entry-create-account", r"/akun/buat/$", "Langkah 1: Pengecekan Identitas"),
    ("#entry-announcements", r"/pengumuman/$", "Pengumuman"),
]


def test_each_home_page_entry_link_opens_its_portal(page):
    for link_id, url_pattern, heading in ENTRY_LINKS:
        page.goto("/")
        assert page.locator("h1").first.inner_text() == "Pendataan Non-ASN"
        page.click(link_id)
        page.wait_for_url(re.compile(url_pattern))
        assert heading in page.locator("h1").first.inner_text(), link_id

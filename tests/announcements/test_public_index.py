from __future__ import annotations

import pytest

from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def test_public_can_search_agencies_and_open_one(client, agency):
    AgencyFactory(name="Pemerintah Kota Surabaya", code="C3578")
    page = client.get("/pengumuman/", {"q": "surabaya"}).content.decode()
    assert "Pemerintah Kota Surabaya" in page
    assert agency.name not in page
    detail = client.get("/pengumuman/C3578/").content.decode()
    assert "Pemerintah Kota Surabaya" in detail
    assert "Belum ada pengumuman" in detail


def test_unknown_agency_code_is_404(client, db):
    assert client.get("/pengumuman/NOPE/").status_code == 404

"""The public path, by following links only: home → Pengumuman → Instansi → Pengumuman → Daftar Pegawai Honorer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache

from registry.models import AgencySubmission, Status, WorkUnit
from tests.announcements.support import move_phase
from tests.factories import AgencyFactory, PeriodFactory, SubmissionFactory, WorkerRecordFactory, make_nik

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def public_agency(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cache.clear()
    period = PeriodFactory()
    AgencyFactory(name="Kementerian Contoh", code="K001", kind="central")
    agency = AgencyFactory(name="Pemerintah Kota Bandung", code="C3273", kind="city")
    submission = SubmissionFactory(agency=agency, period=period)
    unit = WorkUnit.objects.create(agency=agency, name="Dinas Pendidikan")
    records = [
        WorkerRecordFactory(
            agency=agency,
            period=period,
            work_unit=unit,
            full_name=name,
            status=status,
            birth_date=dt.date(1988, 1, 1) + dt.timedelta(days=40 * n),
            nik=make_nik(
                dt.date(1988, 1, 1) + dt.timedelta(days=40 * n), "M", region="327301", serial=500 + n
            ),
        )  # fmt: skip
        for n, (name, status) in enumerate(
            [
                ("Siti Aminah", Status.ELIGIBLE),
                ("Budi Santoso", Status.SUBMITTED),
                ("Agus Pratama", Status.INELIGIBLE),
            ]
        )
    ]
    move_phase(AgencySubmission.objects.get(pk=submission.pk), AgencySubmission.Phase.PREFINALISED)
    yield agency, records
    cache.clear()


def _follow_the_public_path(page, records):
    page.goto("/")
    page.click("#entry-announcements")
    page.wait_for_url(re.compile(r"/pengumuman/$"))
    assert page.locator("h1").first.inner_text() == "Pengumuman"
    # Instansi: search without JavaScript (a GET form), then choose the agency.
    page.fill("#agency-q", "bandung")
    page.click("form[role=search] button")
    page.wait_for_url(re.compile(r"\?q=bandung"))
    assert page.locator(".agency-link").count() == 1
    page.click("text=Pemerintah Kota Bandung")
    page.wait_for_url(re.compile(r"/pengumuman/C3273/$"))
    page.click("text=Daftar uji publik v1")
    page.wait_for_url(re.compile(r"/pengumuman/C3273/uji-publik/$"))
    assert "Pengumuman Uji Publik" in page.locator("h1").inner_text()
    assert page.locator("#objection-window").is_visible()
    page.click("#open-list")
    page.wait_for_url(re.compile(r"/uji-publik/v1/daftar/$"))
    assert page.locator("h1").inner_text() == "Daftar Pegawai Honorer"
    table = page.locator("#worker-list")
    assert table.locator("tbody tr").count() == 3
    text = table.inner_text()
    for record in records:
        assert record.full_name in text and record.masked_nik in text and record.nik not in text
    assert "Memenuhi Syarat" in text and "Dinas Pendidikan" in text
    page.fill("#list-q", "siti")
    page.click("form[role=search] button")
    page.wait_for_url(re.compile(r"q=siti"))
    assert table.locator("tbody tr").count() == 1 and "Siti Aminah" in table.inner_text()


def test_public_path_by_links_on_a_desktop(page, public_agency):
    agency, records = public_agency
    _follow_the_public_path(page, records)


def test_public_path_by_links_on_a_360px_phone(phone_page, public_agency):
    agency, records = public_agency
    _follow_the_public_path(phone_page, records)
    # The page itself does not scroll sideways; only the table does, inside its container.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width

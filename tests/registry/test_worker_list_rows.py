"""The worker list's rows and filter bar are built in Python (registry_tags.worker_rows and
select_field, for speed): they escape every text and show what the template showed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry.models import WorkUnit
from tests.factories import WorkerRecordFactory
from tests.html import parse

pytestmark = pytest.mark.django_db
LIST = reverse("registry:worker-list")


def test_rows_escape_what_people_typed(login, operator, agency, period):
    unit = WorkUnit.objects.create(agency=agency, name='Dinas <b>"Lain"</b> & Co')
    WorkerRecordFactory(
        agency=agency,
        period=period,
        full_name="<script>alert(1)</script>",
        position='"><img src=x onerror=alert(2)>',
        work_unit=unit,
    )
    page = login(operator).get(LIST).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
    assert "Dinas &lt;b&gt;&quot;Lain&quot;&lt;/b&gt; &amp; Co" in page


def test_a_row_shows_name_link_category_birth_date_masked_nik_status_and_flags(
    login, operator, agency, period
):
    record = WorkerRecordFactory(
        agency=agency, period=period, full_name="Budi Santoso", flags=["age"], category="thk2"
    )
    page = login(operator).get(LIST).content.decode()
    url = reverse("registry:worker-detail", args=[record.pk])
    assert (
        f'<tr class="row-flagged"><td><a class="fw-semibold text-decoration-none" href="{url}">Budi Santoso</a>'
        in page
    )
    assert f"THK-II · {record.birth_date:%d-%m-%Y}" in page
    assert f'<td class="font-monospace small" data-label="NIK">{record.masked_nik}</td>' in page
    assert '<td class="small" data-label="Unit Kerja">—</td>' in page  # no work unit, none hidden
    row = parse(page).one("tr", cls="row-flagged")
    status = row.one("span", cls="status-badge")
    assert (status.classes, status.text) == (
        {"badge", "status-badge", "status-registered"},
        "Didaftarkan Instansi",
    )
    flag = row.one("span", cls="flag-badge")
    assert (flag.attrs["title"], flag.text) == ("Usia di luar batas pada tanggal batas kelayakan", "Usia")


def test_filter_bar_keeps_the_chosen_values(login, operator, agency, period):
    unit = WorkUnit.objects.create(agency=agency, name="Dinas & Kesehatan")
    page = (
        login(operator).get(LIST, {"status": "submitted", "unit": unit.pk, "sort": "newest"}).content.decode()
    )
    assert '<option value="submitted" selected>Dikirim</option>' in page
    assert f'<option value="{unit.pk}" selected>Dinas &amp; Kesehatan</option>' in page
    assert '<option value="newest" selected>' in page
    assert (
        '<select name="flag" class="form-select" id="id_flag"><option value="" selected>Semua</option>'
        in page
    )


def test_rows_follow_the_chosen_language(login, operator, agency, period, client, settings):
    WorkerRecordFactory(agency=agency, period=period, flags=["age"])
    client = login(operator)
    assert ">Didaftarkan Instansi</span>" in client.get(LIST).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(LIST).content.decode()
    assert ">Registered by agency</span>" in page
    assert 'title="Age outside the allowed range on the cut-off date">Age</span>' in page


@pytest.mark.parametrize("data", [None, {"q": 'Budi "<b>" & Co'}, {"q": "x" * 101}, {"q": ""}])
def test_the_search_box_is_what_djangos_widget_renders(data):
    from registry.forms import WorkerFilterForm
    from registry.templatetags.registry_tags import input_field

    form = WorkerFilterForm(data, units=[])
    if data is not None:
        form.is_valid()  # too long: the box carries its error (aria-invalid), as Django writes it
    assert input_field(form["q"]) == form["q"].as_widget()

"""The same words everywhere: export headers are the form's labels, money reads "Rp 1.500.000",
the end date is "Tanggal Berakhir" on pages, exports, the admin and the catalogues."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from registry.forms import WorkerForm
from registry.services.exports import EXPORT_FIELDS
from tests.factories import WorkerRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(agency, period):
    return WorkerRecordFactory(
        agency=agency, period=period, full_name="Andi Wijaya", monthly_pay=1_500_000, end_date="2023-12-31"
    )


def _csv_header(client) -> list[str]:
    response = client.get(reverse("registry:worker-export", args=["csv"]))
    return next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_export_headers_are_the_forms_labels(login, operator, record):
    client = login(operator)
    header = _csv_header(client)
    response = client.get(reverse("registry:worker-export", args=["xlsx"]))
    xlsx_header = next(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert list(xlsx_header) == header
    for expected in (
        "NIK",
        "Nomor KK",
        "TMT",
        "Jabatan ASN",
        "Tanggal Berakhir",
        "Unit Kerja",
        "Nama Lengkap",
    ):
        assert expected in header
    with translation.override("id"):
        form = WorkerForm()
        labels = {name: str(form.fields[name].label) for name in EXPORT_FIELDS if name in form.fields}
        labels["work_unit"] = str(form.fields["work_unit_name"].label)
    by_field = dict(zip(EXPORT_FIELDS, header, strict=True))
    assert {name: by_field[name] for name in labels} == labels


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1_500_000, "Rp 1.500.000"), (0, "Rp 0"), (950, "Rp 950"), (12_345_678, "Rp 12.345.678"), (None, "")],
)
def test_rupiah_filter(value, shown):
    html = Template("{% load registry_tags %}{{ v|rupiah }}").render(Context({"v": value}))
    assert html == shown


@pytest.mark.parametrize("language", ["id", "en"])
def test_money_on_the_worker_page_reads_rupiah(login, operator, record, client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = login(operator).get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    assert "Rp 1.500.000" in page


def test_end_date_is_tanggal_berakhir_on_the_worker_page(login, operator, record):
    page = login(operator).get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    assert re.search(r"Tanggal Berakhir</dt><dd[^>]*>31-12-2023</dd>", page)


def test_every_end_date_msgid_reads_tanggal_berakhir():
    root = Path(settings.BASE_DIR)
    wrong = []
    for po in [root / "locale", *(root / app / "locale" for app in ("registry", "accounts"))]:
        text = (po / "id" / "LC_MESSAGES" / "django.po").read_text()
        for msgid, msgstr in re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, flags=re.M):
            if re.search(r"\bend date\b", msgid, flags=re.I) and "tanggal berakhir" not in msgstr.lower():
                wrong.append(f"{po}: {msgid!r} -> {msgstr!r}")
    assert not wrong, "\n".join(wrong)
    with translation.override("id"):
        assert translation.gettext("End date") == "Tanggal Berakhir"

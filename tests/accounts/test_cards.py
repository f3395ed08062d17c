from __future__ import annotations

import base64
import io
from urllib.parse import urlparse

import pytest
import segno
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from accounts import cards
from registry.models import Status, WorkerRecord
from registry.services.worker_data import worker_submit

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _pdf_of(response) -> bytes:
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    return response.content


def test_account_card_has_name_masked_nik_and_how_to_log_in(worker_client, worker):
    record = worker.worker_record
    pdf = _pdf_of(worker_client.get(reverse("worker:account-card")))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    text = _text(pdf)
    assert "Kartu Informasi Akun" in text
    assert record.full_name in text
    assert record.masked_nik in text
    assert record.nik not in text.replace(" ", "")
    assert record.registration_number in text
    assert record.agency.name in text
    assert "/akun/masuk/" in text


def test_data_card_needs_a_submission_first(worker_client):
    response = worker_client.get(reverse("worker:data-card"))
    assert response.status_code == 302
    assert response.url == reverse("worker:resume")


@pytest.fixture
def submitted(complete_worker) -> WorkerRecord:
    return worker_submit(record_id=complete_worker.worker_record_id, actor=complete_worker)


def test_data_card_has_identity_masked_nik_photo_and_qr(worker_client, submitted):
    pdf = _pdf_of(worker_client.get(reverse("worker:data-card")))
    text = _text(pdf)
    assert "Kartu/Bukti Pendataan Tenaga Non ASN" in text
    for value in (
        submitted.full_name,
        submitted.masked_nik,
        submitted.agency.name,
        submitted.position,
        "Dikirim",
    ):
        assert value in text
    assert submitted.nik not in text.replace(" ", "")
    assert submitted.kk not in text.replace(" ", "")
    assert cards.verification_url(submitted) in text.replace("\n", "")
    # The photo is embedded as an image.
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert images


def test_qr_code_encodes_the_verification_page_of_the_record(submitted, settings, monkeypatch):
    url = cards.verification_url(submitted)
    assert url == settings.SITE_URL + f"/verifikasi/{submitted.card_token}/"
    html_context = {}

    def capture(template, context):
        html_context.update(context)
        return b"%PDF-"

    monkeypatch.setattr(cards, "_render", capture)
    cards.data_card_pdf(submitted)
    header, data = html_context["qr"].split(",", 1)
    assert header == "data:image/png;base64"
    image = Image.open(io.BytesIO(base64.b64decode(data))).convert("L")
    drawn = [[image.getpixel((x, y)) < 128 for x in range(image.width)] for y in range(image.height)]
    # Module for module the symbol segno makes of the URL: the QR holds exactly the verification address.
    symbol = segno.make(url, error="m", mask=cards.QR_MASK)
    assert drawn == [[bool(module) for module in row] for row in symbol.matrix_iter(scale=1, border=2)]


def test_verification_page_shows_name_agency_and_status_only(client, submitted):
    path = urlparse(cards.verification_url(submitted)).path
    html = client.get(path).content.decode()
    assert "Kartu ini asli" in html
    assert submitted.full_name in html
    assert submitted.agency.name in html
    assert "Dikirim" in html
    assert submitted.masked_nik not in html
    assert submitted.birth_place not in html


def test_verification_page_follows_the_current_status(client, submitted, operator):
    WorkerRecord.objects.filter(pk=submitted.pk).update(status=Status.ELIGIBLE)
    html = client.get(reverse("card:verify", args=[submitted.card_token])).content.decode()
    assert str(Status.ELIGIBLE.label) in html
    assert str(Status.SUBMITTED.label) not in html


def test_unknown_card_token_is_a_friendly_404(client, db):
    response = client.get(reverse("card:verify", args=["tidak-ada-token-seperti-ini"]))
    assert response.status_code == 404
    assert "Kartu tidak dikenali" in response.content.decode()


def test_card_tokens_are_long_and_random(agency, period):
    from tests.factories import WorkerRecordFactory

    tokens = {WorkerRecordFactory(agency=agency, period=period).card_token for _ in range(5)}
    assert len(tokens) == 5
    assert all(len(t) >= 32 for t in tokens)


def test_account_card_header_names_the_period_and_agency_once(worker_client, worker):
    text = _text(_pdf_of(worker_client.get(reverse("worker:account-card")))).upper()
    assert "PENDATAAN NON-ASN · PENDATAAN NON-ASN" not in text
    assert f"{worker.worker_record.period.name} · {worker.worker_record.agency.name}".upper() in text


def test_cards_rendered_one_after_another_each_carry_their_own_text(worker, submitted):
    # The font configuration is kept between documents (accounts.cards._font_config): a later card
    # must still embed the glyphs it uses, not only those of the first one.
    first = cards.account_card_pdf(worker.worker_record)
    second = cards.data_card_pdf(WorkerRecord.objects.get(pk=submitted.pk))
    third = cards.account_card_pdf(worker.worker_record)
    assert cards._font_config() is cards._font_config()
    assert "Kartu Informasi Akun" in _text(first)
    assert "Kartu/Bukti Pendataan Tenaga Non ASN" in _text(second)
    assert submitted.registration_number in _text(second)
    assert worker.worker_record.full_name in _text(third)
    assert "Kartu Informasi Akun" in _text(third)


def test_the_card_warm_up_draws_both_cards_without_reading_or_writing_the_database(
    django_assert_num_queries, monkeypatch
):
    drawn = []
    render = cards._render
    monkeypatch.setattr(cards, "_render", lambda template, context: drawn.append(render(template, context)))
    with django_assert_num_queries(0):
        cards.warm_up()
    assert len(drawn) == 2 and all(pdf.startswith(b"%PDF") for pdf in drawn)

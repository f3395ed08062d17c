"""No full NIK or KK anywhere public: every public page, download and error page of a published agency."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader

from registry.models import AgencySubmission, Status, WorkerRecord
from tests.announcements.support import move_phase

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    if response.streaming:
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if response.get("Content-Type") == "application/pdf":
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8-sig")


def test_no_public_response_holds_a_full_nik_or_kk(
    client, agency, submission, listed, make_record, monkeypatch
):
    monkeypatch.setattr("announcements.public_list.PAGE_SIZE", 2)
    move_phase(submission, AgencySubmission.Phase.PREFINALISED)
    WorkerRecord.objects.filter(pk=listed[0].pk).update(status=Status.ELIGIBLE)
    make_record(full_name="Andi Baru")
    move_phase(submission, AgencySubmission.Phase.FINALISED)
    move_phase(submission, AgencySubmission.Phase.COMPLETED)
    records = list(WorkerRecord.objects.filter(agency=agency))
    secrets = {r.nik for r in records} | {r.kk for r in records}
    base = f"/pengumuman/{agency.code}"
    urls = ["/", "/pengumuman/", f"/pengumuman/?q={agency.name[:8]}", f"{base}/", "/pengumuman/cek-status/"]
    for slug, versions in (("uji-publik", (1, 2)), ("final", (1,))):
        urls += [f"{base}/{slug}/", f"{base}/{slug}/daftar/"]
        for v in versions:
            urls += [
                f"{base}/{slug}/v{v}/",
                f"{base}/{slug}/v{v}/perubahan/",
                f"{base}/{slug}/v{v}/daftar.csv",
                f"{base}/{slug}/v{v}/daftar.pdf",
                f"{base}/{slug}/v{v}/daftar/?q=budi",
                *(f"{base}/{slug}/v{v}/daftar/?after={after}" for after in range(0, 8, 2)),
            ]
    # Error pages: unknown agency, kind, version and card.
    urls += [f"{base}/lain/", f"{base}/final/v7/daftar/", "/pengumuman/TIDAKADA/", "/verifikasi/palsu/"]
    urls += [f"/verifikasi/{r.card_token}/" for r in records]
    responses = {url: client.get(url) for url in urls}
    for record in records:  # the status check's answer for each of them
        responses[f"cek-status {record.pk}"] = client.post(
            "/pengumuman/cek-status/",
            {
                "nik": record.nik,
                "kk": record.kk,
                "captcha_0": "x",
                "captcha_1": "PASSED",
            },
            REMOTE_ADDR=f"10.9.{record.pk % 250}.{record.pk // 250 % 250}",
        )
    erroring = Client(raise_request_exception=False)
    monkeypatch.setattr("announcements.views.lists.snapshot_changes", lambda *a, **k: 1 / 0)
    cache.clear()
    responses["500"] = erroring.get(f"{base}/uji-publik/v2/perubahan/")
    assert responses["500"].status_code == 500
    statuses = {url: r.status_code for url, r in responses.items()}
    assert statuses[f"{base}/uji-publik/v2/daftar.pdf"] == 200 and statuses[f"{base}/lain/"] == 404
    assert sum(1 for r in responses.values() if r.status_code == 200) > 40
    for url, response in responses.items():
        body = _body(response)
        leaked = secrets & set(re.findall(r"\d{16}", body))
        assert not leaked, f"{url} shows a full NIK/KK"
    listed_page = _body(responses[f"{base}/uji-publik/v1/daftar/?after=0"])
    assert any(r.masked_nik in listed_page for r in records)  # the scan looked at real list content

"""Every decision move through the views, as the right and the wrong role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Role
from registry.models import AuditEvent, Flag, Status, WorkerRecord
from registry.services.worker_data import document_store
from tests.accounts.support import jpeg_bytes, make_worker, pdf_bytes, upload
from tests.verification.decisions_helpers import (
    change_post,
    decide_post,
    make_submitted,
    reopen_post,
    seen,
    set_phase,
    staff,
)

pytestmark = pytest.mark.django_db

DECISIONS = [
    ({"outcome": "ms"}, Status.ELIGIBLE),
    ({"outcome": "tms", "tms_reason": "service", "reason": "Masa kerja 6 bulan"}, Status.INELIGIBLE),
    ({"outcome": "return", "reason": "SK buram, unggah ulang."}, Status.NEEDS_REVISION),
]


def _status(record) -> str:
    return WorkerRecord.objects.get(pk=record.pk).status


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AGENCY_ADMIN])
@pytest.mark.parametrize("data,status", DECISIONS, ids=["ms", "tms", "return"])
def test_operator_and_agency_admin_decide_a_submitted_record(client, agency, period, role, data, status):
    user = staff(agency, role)
    record = make_submitted(agency, period)
    client.force_login(user)
    response = decide_post(client, record, **data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == status
    assert record.decided_by == user
    assert AuditEvent.objects.filter(record=record, action=f"status:{status}", actor=user).count() == 1
    if status == Status.NEEDS_REVISION:
        assert record.revision_note == "SK buram, unggah ulang."
    if status == Status.INELIGIBLE:
        assert record.decision_reason == "Masa kerja kurang dari batas minimal: Masa kerja 6 bulan"


def test_helpdesk_reads_the_record_but_every_decision_post_is_forbidden(
    client, agency, period, helpdesk, operator
):
    waiting = make_submitted(agency, period, full_name="Rina Menunggu")
    decided = make_submitted(agency, period, status=Status.ELIGIBLE)
    client.force_login(helpdesk)
    page = client.get(reverse("verify:record", args=[waiting.pk]))
    assert page.status_code == 200 and "Rina Menunggu" in page.content.decode()
    assert 'id="decision-form"' not in page.content.decode()
    assert client.get(reverse("verify:queue")).status_code == 200
    assert decide_post(client, waiting, outcome="ms").status_code == 403
    assert reopen_post(client, decided).status_code == 403
    assert change_post(client, decided, outcome="tms", tms_reason="fake", reason="x").status_code == 403
    bulk = client.post(reverse("verify:bulk-eligible"), {"records": [waiting.pk]})
    assert bulk.status_code == 403
    assert (_status(waiting), _status(decided)) == (Status.SUBMITTED, Status.ELIGIBLE)
    assert not AuditEvent.objects.filter(action__startswith="status:").exists()


def test_another_agencys_operator_gets_404_everywhere(client, agency, other_agency, period):
    record = make_submitted(agency, period)
    decided = make_submitted(agency, period, status=Status.ELIGIBLE)
    client.force_login(staff(other_agency))
    assert client.get(reverse("verify:record", args=[record.pk])).status_code == 404
    assert decide_post(client, record, outcome="ms").status_code == 404
    assert reopen_post(client, decided).status_code == 404
    assert change_post(client, decided, outcome="tms", tms_reason="fake", reason="x").status_code == 404
    client.post(reverse("verify:bulk-eligible"), {"records": [record.pk]})
    queue = client.get(reverse("verify:queue")).content.decode()
    assert record.full_name not in queue
    assert (_status(record), _status(decided)) == (Status.SUBMITTED, Status.ELIGIBLE)


def test_a_worker_is_sent_to_the_staff_login_and_changes_nothing(client, agency, period):
    record = make_submitted(agency, period, status=Status.REGISTERED)
    worker = make_worker(record, email="w@example.test")
    WorkerRecord.objects.filter(pk=record.pk).update(status=Status.SUBMITTED)
    client.force_login(worker, backend="accounts.backends.NikOrEmailBackend")
    response = decide_post(client, record, outcome="ms")
    assert response.status_code == 302 and reverse("staff:login") in response.url
    assert client.get(reverse("verify:queue")).status_code == 302
    assert _status(record) == Status.SUBMITTED


def test_anonymous_is_sent_to_the_login_page(client, agency, period):
    record = make_submitted(agency, period)
    for response in (
        client.get(reverse("verify:queue")),
        client.get(reverse("verify:record", args=[record.pk])),
        decide_post(client, record, outcome="ms"),
    ):
        assert response.status_code == 302 and reverse("staff:login") in response.url
    assert _status(record) == Status.SUBMITTED


# --- Forbidden moves, refused with a message and nothing changed ------------------------------


def test_tms_without_a_reason_is_refused_next_to_the_field(client, agency, period, operator):
    record = make_submitted(agency, period)
    client.force_login(operator)
    response = decide_post(client, record, outcome="tms", reason="catatan tetap ada")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pilih alasan data Tidak Memenuhi Syarat." in html
    assert "catatan tetap ada" in html  # what was typed is kept
    assert _status(record) == Status.SUBMITTED


def test_tms_other_without_text_and_return_without_note_are_refused(client, agency, period, operator):
    record = make_submitted(agency, period)
    client.force_login(operator)
    html = decide_post(client, record, outcome="tms", tms_reason="other").content.decode()
    assert "Tuliskan alasannya bila memilih “Lainnya”." in html
    html = decide_post(client, record, outcome="return", reason="").content.decode()
    assert "Tuliskan catatan yang akan dibaca pegawai" in html
    assert _status(record) == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.ACCOUNT_CREATED, Status.NEEDS_REVISION, Status.ELIGIBLE])
def test_only_a_submitted_record_can_be_decided(client, agency, period, operator, status):
    record = make_submitted(agency, period, status=status)
    client.force_login(operator)
    response = decide_post(client, record, outcome="tms", tms_reason="age")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Hanya data yang sudah dikirim yang dapat diputuskan" in page
    assert _status(record) == status


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.NEEDS_REVISION])
def test_only_a_decision_can_be_reopened_or_changed(client, agency, period, operator, status):
    record = make_submitted(agency, period, status=status)
    client.force_login(operator)
    reopen_post(client, record)
    change_post(client, record, outcome="tms", tms_reason="fake", reason="pengaduan")
    assert _status(record) == status
    assert not AuditEvent.objects.filter(action__startswith="status:").exists()


def test_operator_reopens_a_decision_with_a_reason(client, agency, period, operator):
    record = make_submitted(agency, period, status=Status.INELIGIBLE)
    client.force_login(operator)
    html = reopen_post(client, record, reason="").content.decode()
    assert "Tuliskan alasan keputusan dibuka kembali." in html
    assert _status(record) == Status.INELIGIBLE
    response = reopen_post(client, record, reason="Dokumen baru diterima")
    assert response.status_code == 302
    assert _status(record) == Status.SUBMITTED
    assert AuditEvent.objects.get(record=record, action="status:submitted").reason == "Dokumen baru diterima"


def test_operator_changes_ms_to_tms_in_the_corrections_window(client, agency, period, operator):
    record = make_submitted(agency, period, status=Status.ELIGIBLE)
    set_phase(agency, period, "prefinalised")
    client.force_login(operator)
    page = client.get(reverse("verify:record", args=[record.pk])).content.decode()
    assert 'id="change-form"' in page and 'id="decision-form"' not in page
    response = change_post(client, record, outcome="tms", tms_reason="fake", reason="Pengaduan terbukti")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Status.INELIGIBLE
    assert record.decision_reason == "Fiktif atau tidak bekerja: Pengaduan terbukti"


def test_after_the_correction_deadline_the_page_offers_no_change_and_posts_are_refused(
    client, agency, period, operator
):
    import datetime as dt

    from django.utils import timezone

    record = make_submitted(agency, period, status=Status.ELIGIBLE)
    set_phase(agency, period, "prefinalised")
    type(period).objects.filter(pk=period.pk).update(
        correction_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(operator)
    page = client.get(reverse("verify:record", args=[record.pk])).content.decode()
    assert "Batas waktu perbaikan" in page and 'id="change-form"' not in page
    change_post(client, record, outcome="tms", tms_reason="fake", reason="terlambat")
    reopen_post(client, record)
    assert _status(record) == Status.ELIGIBLE


@pytest.mark.parametrize("phase", ["finalised", "completed"])
def test_after_finalisation_every_decision_post_is_refused(client, agency, period, operator, phase):
    waiting = make_submitted(agency, period)
    decided = make_submitted(agency, period, status=Status.INELIGIBLE)
    set_phase(agency, period, phase)
    client.force_login(operator)
    response = decide_post(client, waiting, outcome="ms")
    assert "sudah difinalisasi" in client.get(response.url).content.decode()
    reopen_post(client, decided)
    change_post(client, decided, outcome="ms", reason="x")
    client.post(reverse("verify:bulk-eligible"), {"records": [waiting.pk]})
    assert (_status(waiting), _status(decided)) == (Status.SUBMITTED, Status.INELIGIBLE)
    assert not AuditEvent.objects.filter(action__startswith="status:").exists()


# --- Concurrency through the form: the state the operator saw travels with it ----------------


def test_a_decision_on_a_record_changed_meanwhile_is_refused_with_a_message(client, agency, period, operator):
    record = make_submitted(agency, period)
    stale = seen(record)
    client.force_login(staff(agency))
    decide_post(client, record, outcome="ms")  # another operator decided first
    client.force_login(operator)
    response = client.post(
        reverse("verify:decide", args=[record.pk]), {**stale, "outcome": "tms", "tms_reason": "age"}
    )
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Data ini telah diubah oleh pengguna lain" in page
    assert _status(record) == Status.ELIGIBLE
    assert AuditEvent.objects.filter(record=record, action__startswith="status:").count() == 1


def test_a_double_submit_records_one_decision(client, agency, period, operator):
    record = make_submitted(agency, period)
    form = {**seen(record), "outcome": "ms"}
    client.force_login(operator)
    first = client.post(reverse("verify:decide", args=[record.pk]), form)
    second = client.post(reverse("verify:decide", args=[record.pk]), form)
    assert first.status_code == second.status_code == 302
    assert _status(record) == Status.ELIGIBLE
    assert AuditEvent.objects.filter(record=record, action="status:eligible").count() == 1


# --- Save and next, bulk ----------------------------------------------------------------------


def test_save_and_next_opens_the_next_record_of_the_queue(client, agency, period, operator):
    first = make_submitted(agency, period, minutes_ago=30)
    second = make_submitted(agency, period, minutes_ago=20)
    make_submitted(agency, period, minutes_ago=10)
    client.force_login(operator)
    response = client.post(
        reverse("verify:decide", args=[first.pk]), {**seen(first), "outcome": "ms", "save_next": "1"}
    )
    assert response.url == reverse("verify:record", args=[second.pk])


def test_save_and_next_keeps_the_queue_filter(client, agency, period, operator):
    first = make_submitted(agency, period, minutes_ago=30, flags=[Flag.AGE])
    make_submitted(agency, period, minutes_ago=20)  # no flag: not in the filtered queue
    third = make_submitted(agency, period, minutes_ago=10, flags=[Flag.AGE])
    client.force_login(operator)
    data = {**seen(first), "outcome": "tms", "tms_reason": "age", "save_next": "1", "queue": "flag=age"}
    response = client.post(reverse("verify:decide", args=[first.pk]), data)
    assert response.url == reverse("verify:record", args=[third.pk]) + "?flag=age"


def test_save_and_next_on_the_last_record_returns_to_the_queue(client, agency, period, operator):
    only = make_submitted(agency, period)
    client.force_login(operator)
    response = client.post(
        reverse("verify:decide", args=[only.pk]), {**seen(only), "outcome": "ms", "save_next": "1"}
    )
    assert response.url == reverse("verify:queue")
    assert "Tidak ada lagi data yang menunggu di antrean." in client.get(response.url).content.decode()


def test_bulk_ms_through_the_queue_refuses_flagged_records_with_a_message(client, agency, period, operator):
    clean = [make_submitted(agency, period) for _ in range(2)]
    flagged = make_submitted(agency, period, full_name="Budi Bertanda", flags=[Flag.PAY_SOURCE])
    client.force_login(operator)
    response = client.post(reverse("verify:bulk-eligible"), {"records": [r.pk for r in [*clean, flagged]]})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "2 data diputuskan MS." in page
    assert "perlu diperiksa satu per satu: Budi Bertanda" in page
    assert [_status(r) for r in clean] == [Status.ELIGIBLE, Status.ELIGIBLE]
    assert _status(flagged) == Status.SUBMITTED


def test_bulk_ms_with_nothing_selected_says_so(client, agency, period, operator):
    client.force_login(operator)
    response = client.post(reverse("verify:bulk-eligible"), {})
    assert "Pilih sedikitnya satu data." in client.get(response.url).content.decode()


# --- The record page ----------------------------------------------------------------------------


def test_record_page_shows_data_beside_documents_flags_and_history(client, agency, period, operator):
    record = make_submitted(agency, period, flags=[Flag.EXCLUDED_POSITION], sk_number="800/77/SK/2018")
    ktp = document_store(
        record=record, kind="ktp", upload=upload(jpeg_bytes()), actor=operator, check_editable=False
    )
    sk = document_store(
        record=record,
        kind="sk",
        upload=upload(pdf_bytes(1), "sk.pdf", "application/pdf"),
        actor=operator,
        check_editable=False,
    )
    client.force_login(operator)
    html = client.get(reverse("verify:record", args=[record.pk])).content.decode()
    assert f'src="{reverse("worker:document", args=[ktp.pk])}"' in html  # image inline
    assert f'<iframe class="doc-frame" src="{reverse("verify:document", args=[record.pk, sk.pk])}"' in html
    assert "800/77/SK/2018" in html
    assert "Jabatan di luar cakupan pendataan" in html  # the flag
    assert "Belum diunggah." in html  # e.g. the KK
    assert 'data-action="document:upload:sk"' in html  # the history


def test_pdf_viewer_url_may_be_framed_by_the_site_only_and_is_scoped(
    client, agency, other_agency, period, operator
):
    record = make_submitted(agency, period)
    sk = document_store(
        record=record,
        kind="sk",
        upload=upload(pdf_bytes(1), "sk.pdf", "application/pdf"),
        actor=operator,
        check_editable=False,
    )
    client.force_login(operator)
    response = client.get(reverse("verify:document", args=[record.pk, sk.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(staff(other_agency))
    assert client.get(reverse("verify:document", args=[record.pk, sk.pk])).status_code == 404


def test_a_form_without_the_state_the_operator_saw_is_refused(client, agency, period, operator):
    record = make_submitted(agency, period)
    client.force_login(operator)
    response = client.post(reverse("verify:decide", args=[record.pk]), {"outcome": "ms"})
    assert response.status_code == 200
    assert "Halaman ini sudah usang" in response.content.decode()
    assert _status(record) == Status.SUBMITTED

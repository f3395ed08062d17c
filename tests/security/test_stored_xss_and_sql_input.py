"""Stored XSS attempts in the free-text fields people fill are shown escaped on every page that shows
them and literally in the PDFs; SQL-looking input in search boxes, filters and forms is just text."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from announcements.models import Complaint
from registry.models import AgencySubmission, WorkerRecord
from tests.announcements.complaints_support import file_complaint, listed, prefinalise
from tests.registry.support import worker_fields
from verification.services.sptjm import sptjm_build, sptjm_start

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW = (b"<script>alert(1)", b"<img src=x")
SQL = [
    "' OR 1=1 --",
    '"; DROP TABLE registry_workerrecord; --',
    "1' UNION SELECT password FROM accounts_user --",
]
# Free text the agency's form takes (names and numbers have their own validators).
FREE_TEXT = ["position", "asn_position", "work_unit_name", "sk_signer_position", "education_institution",
             "education_major", "address", "birth_place"]  # fmt: skip


def assert_escaped(response) -> None:
    assert response.status_code == 200
    for raw in RAW:
        assert raw not in response.content, (response.request["PATH_INFO"], raw)


def test_worker_form_text_is_stored_as_typed_and_shown_escaped(client, operator):
    client.force_login(operator)
    data = worker_fields(serial=11)
    for i, field in enumerate(FREE_TEXT):
        data[field] = (SCRIPT if i % 2 else IMG) + " Teks"
    response = client.post(reverse("registry:worker-create"), data)
    record = WorkerRecord.objects.filter(agency=operator.agency).first()
    assert record is not None, response.content.decode()[:3000]
    assert record.position == IMG + " Teks" and record.asn_position == SCRIPT + " Teks"  # stored as typed
    for url in (reverse("registry:worker-detail", args=[record.pk]), reverse("registry:worker-list"),
                reverse("registry:worker-edit", args=[record.pk])):  # fmt: skip
        assert_escaped(client.get(url))


def test_complaint_description_is_shown_escaped_to_the_agency_and_the_public(
    client, agency, period, agency_admin
):
    record = listed(agency, period, full_name="Pegawai Aduan")
    prefinalise(agency, period, days_ago=1)
    complaint = file_complaint(agency, record)
    Complaint.objects.filter(pk=complaint.pk).update(description=SCRIPT + IMG)
    client.force_login(agency_admin)
    assert_escaped(client.get(reverse("portal-complaints:detail", args=[complaint.pk])))
    assert_escaped(client.get(reverse("portal-complaints:list")))
    assert_escaped(client.get(reverse("complaints:ticket", args=[complaint.ticket]), follow=True))


def test_ppk_name_and_position_are_literal_in_the_sptjm_pdf_and_escaped_on_the_page(
    client, agency, period, agency_admin, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    submission = AgencySubmission.objects.get(agency=agency, period=period)
    AgencySubmission.objects.filter(pk=submission.pk).update(phase=AgencySubmission.Phase.FINALISED)
    sptjm = sptjm_start(
        submission_id=submission.pk, actor=agency_admin, ppk_name="Budi " + SCRIPT, ppk_nip="197001012000031001",
        ppk_position="Kepala " + IMG,
    )  # fmt: skip
    sptjm = sptjm_build(sptjm_id=sptjm.pk)
    with sptjm.file.open("rb") as fh:
        text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages).split())
    assert SCRIPT in text and "onerror=alert(1)>" in text
    client.force_login(agency_admin)
    assert_escaped(client.get(reverse("phases:overview")))


SEARCHES = [
    ("registry:worker-list", "q"), ("registry:worker-list", "status"), ("registry:worker-list", "sort"),
    ("verify:queue", "q"), ("verify:queue", "flag"), ("portal-complaints:list", "status"),
    ("registry:import-list", "page"), ("announcements:index", "q"),
]  # fmt: skip


@pytest.mark.parametrize("text", SQL)
@pytest.mark.parametrize(("name", "parameter"), SEARCHES)
def test_sql_looking_search_and_filter_input_is_only_text(
    client, agency, period, operator, name, parameter, text
):
    listed(agency, period, full_name="Pegawai Satu")
    client.force_login(operator)
    response = client.get(reverse(name), {parameter: text})
    assert response.status_code in (200, 400)
    if name == "registry:worker-list" and parameter == "q":
        assert "Pegawai Satu" not in response.content.decode()  # no extra rows: nothing matches
    assert WorkerRecord.objects.count() == 1


@pytest.mark.parametrize("text", SQL)
def test_sql_looking_input_in_public_forms_is_refused_or_harmless(client, agency, period, text):
    listed(agency, period)
    for url, data in (
        (reverse("announcements:status-check"), {"nik": text, "birth_date": text, "captcha_0": "x", "captcha_1": "PASSED"}),
        (reverse("complaints:track"), {"ticket": text, "email": text, "captcha_0": "x", "captcha_1": "PASSED"}),
        (reverse("worker:login"), {"username": text, "password": text}),
        (reverse("staff:login"), {"username": text, "password": text}),
    ):  # fmt: skip
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400, 403, 429), url
        assert "_auth_user_id" not in client.session
    assert WorkerRecord.objects.count() == 1


def test_decision_texts_and_release_reason_are_shown_escaped_to_the_agency_and_the_worker(
    client, agency, period, operator
):
    from accounts.models import Role
    from registry.services.records import worker_release
    from registry.services.transitions import record_transition
    from tests.factories import UserFactory, WorkerRecordFactory

    record = WorkerRecordFactory(agency=agency, period=period, status=WorkerRecord.Status.SUBMITTED)
    worker = UserFactory(role=Role.WORKER, agency=None, worker_record=record)
    # The revision note the worker reads, then a TMS reason typed as "Lainnya".
    record_transition(
        record_id=record.pk, to=WorkerRecord.Status.NEEDS_REVISION, actor=operator, reason=SCRIPT
    )
    client.force_login(worker, backend="accounts.backends.LoginBackend")
    home = client.get(reverse("worker:home"))
    assert_escaped(home)
    assert b"&lt;script&gt;alert(1)" in home.content  # the note is shown, as text
    record_transition(record_id=record.pk, to=WorkerRecord.Status.SUBMITTED, actor=worker)
    record_transition(record_id=record.pk, to=WorkerRecord.Status.INELIGIBLE, actor=operator, reason=IMG)
    assert_escaped(client.get(reverse("worker:home")))
    released = WorkerRecordFactory(agency=agency, period=period)
    worker_release(record_id=released.pk, reason=SCRIPT + IMG, actor=operator)
    client.force_login(operator, backend="accounts.backends.LoginBackend")
    for url in (
        reverse("verify:record", args=[record.pk]),
        reverse("registry:worker-detail", args=[record.pk]),
        reverse("registry:worker-detail", args=[released.pk]),
    ):
        response = client.get(url)
        assert_escaped(response)
        assert b"&lt;script&gt;alert(1)" in response.content or b"&lt;img src=x" in response.content, url
    assert_escaped(client.get(reverse("verify:queue") + "?status=ineligible"))


def test_worker_section_text_is_shown_escaped_to_the_worker_the_agency_and_literal_on_the_card(
    client, agency, period, operator
):
    import datetime as dt

    from accounts.models import Role
    from registry.services.transitions import record_transition
    from registry.services.worker_data import HistoryEntry, work_history_replace, worker_details_update
    from tests.factories import UserFactory, WorkerRecordFactory

    # The agency left the appointment text empty: the worker fills it (what the agency entered is read-only).
    record = WorkerRecordFactory(
        agency=agency,
        period=period,
        status=WorkerRecord.Status.ACCOUNT_CREATED,
        sk_number="",
        sk_signer_position="",
    )
    worker = UserFactory(role=Role.WORKER, agency=None, worker_record=record)
    # Every free-text item the worker fills in their sections.
    texts = {
        "address": SCRIPT + " Jl. Merdeka",
        "sk_number": IMG + " 800/1",
        "sk_signer_position": SCRIPT + " Kepala",
        "education_institution": IMG + " Universitas",
        "education_major": SCRIPT + " Pendidikan",
        "diploma_number": IMG + " IJ/1",
    }
    worker_details_update(record_id=record.pk, changes=texts, actor=worker)
    entry = HistoryEntry(
        start_date=dt.date(2019, 1, 2), end_date=None, sk_number=SCRIPT, position=IMG, unit=SCRIPT + " Unit"
    )
    work_history_replace(record_id=record.pk, entries=[entry], actor=worker)
    record_transition(record_id=record.pk, to=WorkerRecord.Status.SUBMITTED, actor=worker)

    client.force_login(worker, backend="accounts.backends.LoginBackend")
    for name in ("worker:resume", "worker:biodata", "worker:education", "worker:history"):
        response = client.get(reverse(name))
        assert_escaped(response)
        assert b"&lt;script&gt;alert(1)" in response.content or b"&lt;img src=x" in response.content, name
    card = client.get(reverse("worker:data-card"))
    assert card.status_code == 200 and card["Content-Type"] == "application/pdf"
    client.force_login(operator, backend="accounts.backends.LoginBackend")
    for url in (
        reverse("registry:worker-detail", args=[record.pk]),
        reverse("verify:record", args=[record.pk]),
    ):
        response = client.get(url)
        assert_escaped(response)
        assert b"&lt;script&gt;alert(1)&lt;/script&gt; Jl. Merdeka" in response.content, url

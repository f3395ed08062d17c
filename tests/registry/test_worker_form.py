from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import AuditEvent, Flag, Status, WorkerRecord
from tests.factories import WorkerRecordFactory, make_kk, make_nik
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db
URL = "registry:worker-create"


def post(client, **overrides):
    return client.post(reverse(URL), worker_fields(**overrides))


def test_operator_registers_a_worker_and_sees_its_detail(login, operator, period):
    client = login(operator)
    response = post(client)
    record = WorkerRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:worker-detail", args=[record.pk])
    assert record.agency == operator.agency
    assert record.period == period
    assert record.status == Status.REGISTERED
    assert record.flags == []
    assert record.work_unit.name == "Dinas Pendidikan"
    assert AuditEvent.objects.filter(record=record, action="record:register", actor=operator).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Budi Santoso" in page
    assert record.nik in page  # the agency's own staff see the full NIK on the detail page


def test_registration_form_is_in_indonesian(login, operator, period):
    page = login(operator).get(reverse(URL)).content.decode()
    assert "Tempat Lahir" in page
    assert "Sumber Gaji" in page
    assert "Unit Kerja" in page


def assert_refused(response, field: str, text: str):
    assert response.status_code == 200
    assert WorkerRecord.objects.count() == 0
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert text in " ".join(form.errors[field])
    assert "is-invalid" in response.content.decode()


def test_malformed_nik_is_refused_at_the_field(login, operator, period):
    assert_refused(post(login(operator), nik="32010117059"), "nik", "16 digit")


def test_nik_with_invalid_region_is_refused(login, operator, period):
    assert_refused(post(login(operator), nik="9901011705900001"), "nik", "kode wilayah")


def test_malformed_kk_is_refused_at_the_field(login, operator, period):
    assert_refused(post(login(operator), kk="12345"), "kk", "Nomor KK harus tepat 16")


def test_nik_disagreeing_with_birth_date_is_refused(login, operator, period):
    assert_refused(post(login(operator), birth_date="1990-05-18"), "birth_date", "18-05-1990")


def test_nik_disagreeing_with_sex_is_refused(login, operator, period):
    assert_refused(post(login(operator), sex="F", sex_for_nik="M"), "sex", "NIK")


def test_nik_held_by_another_agency_is_refused_naming_that_agency(login, operator, period, other_agency):
    nik = make_nik(dt.date(1990, 5, 17), "M", serial=1)
    WorkerRecordFactory(period=period, agency=other_agency, nik=nik)
    response = post(login(operator))
    assert response.status_code == 200
    assert WorkerRecord.objects.filter(agency=operator.agency).count() == 0
    assert other_agency.name in " ".join(response.context["form"].errors["nik"])


def test_future_date_is_refused(login, operator, period):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert_refused(post(login(operator), sk_date=tomorrow), "sk_date", "masa depan")


def test_end_date_before_start_date_is_refused(login, operator, period):
    assert_refused(post(login(operator), end_date="2018-01-01"), "end_date", "sebelum")


def test_eligibility_problem_saves_the_record_with_a_red_flag(login, operator, period):
    client = login(operator)
    response = post(client, position="Petugas Kebersihan", pay_source="OTHER")
    record = WorkerRecord.objects.get()
    assert record.flags == sorted([Flag.EXCLUDED_POSITION, Flag.PAY_SOURCE])
    page = client.get(response["Location"]).content.decode()
    assert "flag-alert" in page
    assert "Jabatan di luar cakupan pendataan" in page


def test_helpdesk_cannot_open_the_registration_form(login, helpdesk, period):
    client = login(helpdesk)
    assert client.get(reverse(URL)).status_code == 403
    assert post(client).status_code == 403
    assert WorkerRecord.objects.count() == 0


def test_operator_edits_a_record_and_the_change_is_audited(login, operator, period, agency):
    record = WorkerRecordFactory(period=period, agency=agency, full_name="Siti Lama", position="Guru")
    client = login(operator)
    data = worker_fields(
        nik=record.nik, kk=record.kk, birth=record.birth_date, full_name="Siti Baru", position="Satpam"
    )
    response = client.post(reverse("registry:worker-edit", args=[record.pk]), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.full_name == "Siti Baru"
    assert Flag.EXCLUDED_POSITION in record.flags
    event = AuditEvent.objects.get(record=record, action="record:update")
    assert event.before["full_name"] == "Siti Lama"
    assert event.after["full_name"] == "Siti Baru"
    assert event.actor == operator
    page = client.get(reverse("registry:worker-detail", args=[record.pk])).content.decode()
    assert "Siti Lama" in page and "Siti Baru" in page  # the timeline shows the change


def test_edit_refuses_a_nik_held_by_another_record(login, operator, period, agency):
    WorkerRecordFactory(period=period, agency=agency, nik=make_nik(dt.date(1990, 5, 17), "M", serial=9))
    record = WorkerRecordFactory(period=period, agency=agency)
    data = worker_fields(serial=9, kk=record.kk)
    response = login(operator).post(reverse("registry:worker-edit", args=[record.pk]), data)
    assert response.status_code == 200
    assert "nik" in response.context["form"].errors
    record.refresh_from_db()
    assert record.nik != data["nik"]


def test_released_nik_can_be_registered_by_another_agency(
    client, login, operator, period, agency, other_agency
):
    from tests.factories import UserFactory

    record = WorkerRecordFactory(
        period=period, agency=agency, nik=make_nik(dt.date(1990, 5, 17), "M", serial=1)
    )
    login(operator)
    response = client.post(
        reverse("registry:worker-release", args=[record.pk]), {"reason": "Pindah instansi"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Status.RELEASED
    assert record.release_reason == "Pindah instansi"
    assert AuditEvent.objects.get(record=record, action="status:released").reason == "Pindah instansi"
    client.logout()
    other_operator = UserFactory(role="operator", agency=other_agency)
    login(other_operator)
    response = client.post(reverse(URL), worker_fields(kk=make_kk(serial=5)))
    assert response.status_code == 302
    assert WorkerRecord.objects.filter(nik=record.nik, agency=other_agency, status=Status.REGISTERED).exists()


def test_release_needs_a_reason(login, operator, period, agency):
    record = WorkerRecordFactory(period=period, agency=agency)
    login(operator).post(reverse("registry:worker-release", args=[record.pk]), {"reason": " "})
    record.refresh_from_db()
    assert record.status == Status.REGISTERED


def test_no_edit_once_the_agency_is_prefinalised(login, operator, period, agency):
    from registry.models import AgencySubmission

    record = WorkerRecordFactory(period=period, agency=agency)
    AgencySubmission.objects.filter(agency=agency).update(phase="prefinalised")
    client = login(operator)
    data = worker_fields(nik=record.nik, kk=record.kk, full_name="Nama Lain")
    response = client.post(reverse("registry:worker-edit", args=[record.pk]), data)
    record.refresh_from_db()
    assert record.full_name != "Nama Lain"
    assert response.status_code == 200
    response = client.post(reverse(URL), worker_fields(serial=44))
    assert WorkerRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-12-31", dt.date(2021, 12, 31)),
        ("2021-02-30", None),  # an ISO date that does not exist is refused, as strptime refused it
        ("2021-2-3", dt.date(2021, 2, 3)),  # the other shapes as Django reads them
        ("31/12/2021", dt.date(2021, 12, 31)),
    ],
)
def test_the_form_reads_iso_and_other_dates_as_before(period, text, expected):
    from registry.forms import WorkerForm

    form = WorkerForm(data=worker_fields(sk_date=text), units=[])
    form.is_valid()
    assert form.cleaned_data.get("sk_date") == expected
    assert ("sk_date" in form.errors) == (expected is None)

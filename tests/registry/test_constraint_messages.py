"""No raw database error reaches a person: every CHECK and UNIQUE constraint of WorkerRecord,
WorkHistory and Document has a rule with an Indonesian message on the agency form and the edit
(the worker's sections: tests/accounts/test_section_constraint_messages.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from registry.models import Document, Status, WorkerRecord, WorkHistory
from registry.services import records as records_service
from registry.services.constraints import CONSTRAINT_FIELDS, constraint_message, save_guarding_constraints
from tests.factories import AgencyFactory, SubmissionFactory, WorkerRecordFactory, make_kk, make_nik
from tests.registry.support import worker_fields

pytestmark = pytest.mark.django_db
RAW = ("Batasan", "dilanggar", "constraint", "Constraint", "IntegrityError", "duplicate key")


def every_constraint() -> set[str]:
    return {c.name for model in (WorkerRecord, WorkHistory, Document) for c in model._meta.constraints}


def test_every_constraint_has_a_field_and_an_indonesian_message():
    assert set(CONSTRAINT_FIELDS) == every_constraint()
    with translation.override("id"):
        for model in (WorkerRecord, WorkHistory, Document):
            for constraint in model._meta.constraints:
                message = str(constraint.violation_error_message)
                assert message != str(constraint.default_violation_error_message)
                assert "Batasan" not in message


# (what the operator enters, the field the message stands next to, part of the message)
CASES = {
    "record_nik_16_digits": ({"nik": "32010117059"}, "nik", "16 digit"),
    "record_kk_16_digits": ({"kk": "320101"}, "kk", "16 digit"),
    "record_sex_valid": ({"sex": "X"}, "sex", "pilihan yang valid"),
    "record_end_after_start": ({"start_date": "2019-01-02", "end_date": "2018-12-31"}, "end_date", "sebelum"),
}


def assert_shown(response, field: str, text: str) -> None:
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert text.lower() in errors.lower(), response.context["form"].errors
    page = response.content.decode()
    assert not any(raw in page for raw in RAW)


@pytest.mark.parametrize("name", list(CASES))
def test_agency_form_refuses_with_an_indonesian_message(login, operator, period, name):
    entered, field, text = CASES[name]
    response = login(operator).post(reverse("registry:worker-create"), worker_fields(**entered))
    assert_shown(response, field, text)
    assert WorkerRecord.objects.count() == 0


@pytest.mark.parametrize("name", list(CASES))
def test_edit_refuses_with_an_indonesian_message(login, operator, period, agency, name):
    record = WorkerRecordFactory(agency=agency, period=period)
    entered, field, text = CASES[name]
    data = worker_fields(**{"nik": record.nik, "kk": record.kk, **entered})
    response = login(operator).post(reverse("registry:worker-edit", args=[record.pk]), data)
    assert_shown(response, field, text)
    fresh = WorkerRecord.objects.get(pk=record.pk)
    assert (fresh.nik, fresh.kk, fresh.sex, fresh.end_date) == (
        record.nik,
        record.kk,
        record.sex,
        record.end_date,
    )


@pytest.mark.parametrize("name", list(CASES))
def test_database_constraint_past_the_rules_still_speaks_indonesian_on_both_paths(
    login, operator, period, agency, monkeypatch, name
):
    """The rule missed (monkeypatched away): the database refuses, the person reads the same message."""
    monkeypatch.setattr(records_service, "check_hard_errors", lambda **kwargs: None)
    entered, field, _text = CASES[name]
    client = login(operator)
    response = client.post(reverse("registry:worker-create"), worker_fields(**entered))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not any(raw in response.content.decode() for raw in RAW)
    record = WorkerRecordFactory(agency=agency, period=period)
    data = worker_fields(**{"nik": record.nik, "kk": record.kk, **entered})
    response = client.post(reverse("registry:worker-edit", args=[record.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not any(raw in response.content.decode() for raw in RAW)


def test_nik_held_by_another_agency_is_refused_on_the_form_and_the_edit(login, operator, period, agency):
    other = AgencyFactory(name="Kota Lain")
    SubmissionFactory(agency=other, period=period)
    held = WorkerRecordFactory(agency=other, period=period)
    client = login(operator)
    response = client.post(reverse("registry:worker-create"), worker_fields(nik=held.nik))
    assert_shown(response, "nik", "Kota Lain")
    own = WorkerRecordFactory(agency=agency, period=period)
    response = client.post(
        reverse("registry:worker-edit", args=[own.pk]), worker_fields(nik=held.nik, kk=own.kk)
    )
    assert_shown(response, "nik", "Kota Lain")


def test_duplicate_nik_race_answers_at_the_nik_field_not_500(login, operator, period, agency, monkeypatch):
    """Another registration took the NIK between the check and the insert: the unique index decides."""
    monkeypatch.setattr(records_service, "check_hard_errors", lambda **kwargs: None)
    data = worker_fields()
    WorkerRecordFactory(agency=agency, period=period, nik=data["nik"])
    response = login(operator).post(reverse("registry:worker-create"), data)
    assert_shown(response, "nik", "sudah terdaftar")
    assert WorkerRecord.objects.count() == 1


def test_status_outside_the_table_is_a_message_not_a_database_error(agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    record.status = "bogus"
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        save_guarding_constraints(record)
    assert caught.value.messages == ["Status data tidak valid."]
    assert WorkerRecord.objects.get(pk=record.pk).status == Status.REGISTERED


def test_work_history_and_document_constraints_map_to_messages(agency, period):
    record = WorkerRecordFactory(agency=agency, period=period)
    with translation.override("id"):
        with pytest.raises(ValidationError, match="Paling banyak 5|paling banyak 5"):
            save_guarding_constraints(
                WorkHistory(
                    record=record, order=6, start_date="2019-01-01", sk_number="1", position="a", unit="b"
                )
            )
        WorkHistory.objects.create(
            record=record, order=1, start_date="2019-01-01", sk_number="1", position="a", unit="b"
        )
        with pytest.raises(ValidationError, match="saat yang sama"):
            save_guarding_constraints(
                WorkHistory(
                    record=record, order=1, start_date="2019-01-01", sk_number="1", position="a", unit="b"
                )
            )
        with pytest.raises(ValidationError, match="JPEG, PNG, atau PDF"):
            save_guarding_constraints(
                Document(record=record, kind="ktp", file="x", size=1, content_type="image/gif", checksum="x")
            )
        Document.objects.create(
            record=record, kind="ktp", file="x", size=1, content_type="image/png", checksum="x"
        )
        with pytest.raises(ValidationError, match="saat yang sama"):
            save_guarding_constraints(
                Document(record=record, kind="ktp", file="y", size=1, content_type="image/png", checksum="y")
            )


def test_nik_typed_with_spaces_and_dots_is_accepted(login, operator, period):
    nik = make_nik(dt.date(1990, 5, 17), "M", serial=1)
    spaced = f"{nik[:4]} {nik[4:8]} {nik[8:12]}.{nik[12:]}"
    kk = make_kk(serial=2)
    response = login(operator).post(
        reverse("registry:worker-create"), worker_fields(nik=spaced, kk=f"{kk[:8]} {kk[8:]}")
    )
    assert response.status_code == 302
    assert WorkerRecord.objects.get().nik == nik


def test_the_import_refuses_a_row_with_the_same_message_the_form_shows_for_each_constraint():
    from registry.services.imports.batch import constraint_message as import_message

    with translation.override("id"):
        for name in every_constraint():
            _field, message = constraint_message(name)
            assert import_message(name)[1] == message, name

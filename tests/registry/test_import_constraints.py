"""Every CHECK and UNIQUE constraint of WorkerRecord an import can reach is refused per row, with an
Indonesian message, never a raw database error; the other rows are saved."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from registry.models import ImportJob, Status, WorkerRecord
from registry.services import imports
from registry.services import many as many_module
from registry.services.imports import batch as batch_module
from registry.services.imports import import_run, import_start
from registry.services.records import WorkerData, worker_register
from tests.factories import WorkerRecordFactory, make_kk, make_nik
from tests.registry.support import import_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(agency, period, operator, rows, **kwargs) -> ImportJob:
    job = import_start(
        agency=agency, period=period, upload=upload(xlsx_bytes(rows, **kwargs)), actor=operator
    )
    return import_run(job_id=job.pk)


def messages_of(job: ImportJob, row: int) -> list[tuple[str, str]]:
    return [(e["column"], e["message"]) for e in job.errors if e["row"] == row]


def assert_only_row_3_refused(job: ImportJob, names: list[str]) -> list[tuple[str, str]]:
    assert job.status == ImportJob.Status.DONE, job.message
    assert sorted(WorkerRecord.objects.filter(full_name__in=names).values_list("full_name", flat=True)) == [
        "Baris Dua",
        "Baris Empat",
    ]
    return messages_of(job, 3)


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("field", "column", "words"),
    [
        ("nik", "NIK", "0-9"),  # record_nik_16_digits: full-width digits pass Python's \d
        ("kk", "Nomor KK", "0-9"),  # record_kk_16_digits
    ],
)
def test_numbers_in_other_digit_forms_are_refused_per_row(agency, period, operator, field, column, words):
    bad = import_row(serial=3, full_name="Baris Tiga")
    bad[field] = bad[field].translate(FULL_WIDTH)
    rows = [import_row(serial=2, full_name="Baris Dua"), bad, import_row(serial=4, full_name="Baris Empat")]
    job = run(agency, period, operator, rows)
    errors = assert_only_row_3_refused(job, ["Baris Dua", "Baris Tiga", "Baris Empat"])
    assert errors[0][0] == column and words in errors[0][1]


def test_an_unknown_sex_is_refused_per_row(agency, period, operator):  # record_sex_valid
    rows = [
        import_row(serial=2, full_name="Baris Dua"),
        import_row(serial=3, full_name="Baris Tiga", sex="X"),
        import_row(serial=4, full_name="Baris Empat"),
    ]
    job = run(agency, period, operator, rows)
    assert assert_only_row_3_refused(job, ["Baris Dua", "Baris Tiga", "Baris Empat"]) == [
        ("Jenis Kelamin", "Tulis L (laki-laki) atau P (perempuan).")
    ]


def test_an_end_before_the_start_is_refused_per_row(agency, period, operator):  # record_end_after_start
    rows = [
        import_row(serial=2, full_name="Baris Dua"),
        import_row(serial=3, full_name="Baris Tiga", start_date="02-01-2019", end_date="01-01-2019"),
        import_row(serial=4, full_name="Baris Empat"),
    ]
    job = run(agency, period, operator, rows)
    errors = assert_only_row_3_refused(job, ["Baris Dua", "Baris Tiga", "Baris Empat"])
    assert errors[0][0] == "Tanggal Berakhir" and "sebelum" in errors[0][1]


def test_a_status_column_in_the_file_is_ignored_every_record_starts_registered(agency, period, operator):
    # record_status_valid: the import never takes a status from the file.
    from registry.services.imports import COLUMNS

    headers = [c.header for c in COLUMNS] + ["Status"]
    row = import_row(serial=2, full_name="Baris Dua")
    job = run(agency, period, operator, [row], headers=headers)
    assert job.valid_rows == 1
    assert WorkerRecord.objects.get().status == Status.REGISTERED


def test_a_nik_held_by_another_agency_is_refused_naming_it(agency, other_agency, period, operator):
    # record_one_active_nik_per_period, caught by the batch's check before the COPY
    held = make_nik(dt.date(1990, 5, 17), "M", serial=3)
    WorkerRecordFactory(period=period, agency=other_agency, nik=held)
    rows = [
        import_row(serial=2, full_name="Baris Dua"),
        import_row(serial=3, full_name="Baris Tiga"),
        import_row(serial=4, full_name="Baris Empat"),
    ]
    job = run(agency, period, operator, rows)
    errors = assert_only_row_3_refused(job, ["Baris Dua", "Baris Tiga", "Baris Empat"])
    assert errors[0][0] == "NIK" and other_agency.name in errors[0][1] and "melepasnya" in errors[0][1]


def test_a_registration_number_drawn_twice_is_drawn_again(agency, period, operator, monkeypatch):
    # registration_number UNIQUE: the first draw for the batch collides with an existing record.
    WorkerRecordFactory(
        period=period, agency=agency, registration_number="NA2022-TAKEN", birth_date=dt.date(1970, 1, 1)
    )
    draws = iter(["NA2022-TAKEN", "NA2022-FREE1", "NA2022-FREE2", "NA2022-FREE3", "NA2022-FREE4"])
    monkeypatch.setattr(many_module, "new_registration_number", lambda period: next(draws))
    rows = [import_row(serial=2, full_name="Baris Dua"), import_row(serial=4, full_name="Baris Empat")]
    job = run(agency, period, operator, rows)
    assert (job.status, job.valid_rows, job.refused_rows) == ("done", 2, 0)
    assert set(
        WorkerRecord.objects.filter(full_name__startswith="Baris").values_list(
            "registration_number", flat=True
        )
    ) == {"NA2022-FREE2", "NA2022-FREE3"}  # the whole batch drew again


def test_a_row_the_database_refuses_for_a_rule_no_check_caught_is_refused_alone(
    agency, period, operator, monkeypatch
):
    """The net under the checks: if a bad value slipped through parsing, the batch's COPY fails,
    each row is then written alone and the bad one gets the constraint's Indonesian message."""
    real_parse = batch_module.parse_row

    def leaky_parse(number, values, index, today):
        row = real_parse(number, values, index, today)
        if row.data and row.data["full_name"] == "Baris Tiga":
            row.data["sex"] = "X"  # what record_sex_valid refuses
        return row

    monkeypatch.setattr(batch_module, "parse_row", leaky_parse)
    rows = [
        import_row(serial=2, full_name="Baris Dua"),
        import_row(serial=3, full_name="Baris Tiga"),
        import_row(serial=4, full_name="Baris Empat"),
    ]
    job = run(agency, period, operator, rows)
    assert assert_only_row_3_refused(job, ["Baris Dua", "Baris Tiga", "Baris Empat"]) == [
        ("Jenis Kelamin", "Pilih jenis kelamin sesuai KTP.")  # the model's own message (one table)
    ]
    assert job.valid_rows == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["other agency", "own agency"])
def test_a_nik_registered_through_the_form_during_the_import_costs_that_row_only(
    agency, other_agency, period, operator, monkeypatch, who
):
    """The race: the batch's NIK check has passed, then the form (another connection) registers
    one of its NIKs and commits, then the batch's COPY runs. That row is refused (or skipped, for
    the agency's own form); the other 2,499 rows of the batch are saved."""
    from accounts.models import Role
    from tests.factories import UserFactory

    monkeypatch.setattr(batch_module, "CHUNK", 2500)
    birth = dt.date(1985, 1, 1)
    rows = [
        import_row(birth=birth + dt.timedelta(days=i), serial=1, full_name=f"Pegawai {i:04d}")
        for i in range(2500)
    ]
    racer = rows[1234]
    racer_agency = other_agency if who == "other agency" else agency
    racer_user = UserFactory(role=Role.OPERATOR, agency=racer_agency)
    real_insert = many_module._insert
    raced = []

    def form_registers_then_batch_writes(rows, *, now):
        if raced:
            return real_insert(rows, now=now)

        def form():
            try:
                worker_register(
                    agency=racer_agency,
                    period=period,
                    data=WorkerData(
                        nik=racer["nik"],
                        kk=make_kk(serial=9),
                        full_name="Lewat Formulir",
                        birth_place="Bandung",
                        birth_date=birth + dt.timedelta(days=1234),
                        sex="M",
                        position="Guru",
                    ),
                    actor=racer_user,
                )
                raced.append(True)
            finally:
                connection.close()

        thread = threading.Thread(target=form)
        thread.start()
        thread.join()
        return real_insert(rows, now=now)

    monkeypatch.setattr(many_module, "_insert", form_registers_then_batch_writes)
    job = run(agency, period, operator, rows)
    assert raced == [True]
    assert job.status == ImportJob.Status.DONE
    assert WorkerRecord.objects.filter(full_name__startswith="Pegawai ").count() == 2499
    assert WorkerRecord.objects.get(nik=racer["nik"]).full_name == "Lewat Formulir"
    if who == "other agency":
        assert (job.valid_rows, job.refused_rows, job.skipped_rows) == (2499, 1, 0)
        [(column, message)] = messages_of(job, 1236)
        assert column == "NIK" and other_agency.name in message and "sudah didaftarkan" in message
    else:
        assert (job.valid_rows, job.refused_rows, job.skipped_rows) == (2499, 0, 1)
        assert job.skipped[0]["row"] == 1236


def test_the_import_package_keeps_its_public_names():
    for name in (
        "COLUMNS",
        "import_run",
        "import_start",
        "import_template",
        "INLINE_MAX_BYTES",
        "import_rerun",
    ):
        assert hasattr(imports, name)

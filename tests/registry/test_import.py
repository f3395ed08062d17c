from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from registry.models import AuditEvent, Flag, ImportJob, WorkerRecord
from registry.services import imports
from registry.services.imports import COLUMNS, import_run, import_start
from tests.factories import WorkerRecordFactory, make_nik
from tests.registry.support import import_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(agency, period, operator, rows, **kwargs) -> ImportJob:
    job = import_start(
        agency=agency, period=period, upload=upload(xlsx_bytes(rows, **kwargs)), actor=operator
    )
    return import_run(job_id=job.pk)


def errors_of(job: ImportJob) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for e in job.errors:
        out.setdefault(e["row"], []).append((e["column"], e["message"]))
    return out


def test_template_has_indonesian_header_an_empty_data_sheet_and_the_example_on_its_own_sheet(
    login, operator, period
):
    response = login(operator).get(reverse("registry:import-template"))
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [
        "Data", "Contoh", "Pendidikan", "Kategori", "Sumber Gaji", "Jenis Kelamin", "Petunjuk",
    ]  # fmt: skip
    header = [c.value for c in wb["Data"][1]]
    assert header[:6] == ["NIK", "Nomor KK", "Nama Lengkap", "Tempat Lahir", "Tanggal Lahir", "Jenis Kelamin"]
    assert "Pendidikan Terakhir" in header and "Sumber Gaji" in header
    assert wb["Data"].max_row == 1  # the header only: nothing to import until the operator types rows
    assert wb["Contoh"]["C2"].value == "Budi Santoso"
    assert [r[0].value for r in wb["Pendidikan"].iter_rows(min_row=2)][:3] == ["SD", "SMP", "SMA"]


def test_the_example_values_import_when_typed_in_as_a_real_worker(agency, period, operator):
    row = {c.field: c.example for c in COLUMNS}
    row.update(nik=make_nik(dt.date(1990, 5, 17), "M", serial=2), full_name="Budi Santoso Putra")
    job = run(agency, period, operator, [row])
    assert (job.status, job.valid_rows, job.refused_rows) == ("done", 1, 0)
    record = WorkerRecord.objects.get()
    assert record.birth_date == dt.date(1990, 5, 17)
    assert record.work_unit.name == "Dinas Pendidikan"
    assert record.monthly_pay == 2500000
    assert AuditEvent.objects.filter(record=record, action="record:register").count() == 1


def test_the_template_uploaded_unchanged_creates_no_worker(agency, period, operator):
    job = import_start(
        agency=agency,
        period=period,
        upload=upload(imports.import_template(), "template.xlsx"),
        actor=operator,
    )
    job = import_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert "tidak berisi baris data" in job.message and "lembar Contoh" in job.message
    assert not WorkerRecord.objects.exists()


def test_an_older_template_with_the_example_on_the_data_sheet_never_imports_the_example(
    agency, period, operator
):
    example = {c.field: c.example for c in COLUMNS}
    job = run(agency, period, operator, [example, import_row(serial=5, full_name="Pegawai Nyata")])
    assert (job.status, job.valid_rows, job.skipped_rows, job.refused_rows) == ("done", 1, 1, 0)
    assert job.skipped[0]["row"] == 2 and "contoh" in job.skipped[0]["reason"]
    assert list(WorkerRecord.objects.values_list("full_name", flat=True)) == ["Pegawai Nyata"]
    only_example = run(agency, period, operator, [example])
    assert only_example.status == ImportJob.Status.FAILED and "baris contoh" in only_example.message


def test_valid_rows_are_saved_and_each_hard_error_is_refused_with_row_and_column(
    agency, other_agency, period, operator
):
    held = make_nik(dt.date(1985, 2, 3), "M", serial=77)
    WorkerRecordFactory(period=period, agency=other_agency, nik=held, birth_date=dt.date(1985, 2, 3))
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%d-%m-%Y")
    rows = [
        import_row(serial=1, full_name="Baris Benar"),  # row 2
        import_row(serial=2, nik="123"),  # 3: malformed NIK
        import_row(serial=3, kk="99"),  # 4: malformed KK
        import_row(serial=4, birth_date="18-05-1990"),  # 5: NIK vs birth date
        import_row(serial=5, sex="P"),  # 6: NIK vs sex
        import_row(serial=6, nik=held, birth_date="03-02-1985"),  # 7: NIK held by another agency
        import_row(serial=7, sk_date=tomorrow),  # 8: future date
        import_row(serial=8, start_date="01-01-2020", end_date="01-01-2019"),  # 9: end before start
        import_row(serial=1, full_name="Duplikat Dalam Berkas"),  # 10: same NIK as row 2
        import_row(serial=9, full_name=""),  # 11: missing required
        import_row(serial=10, birth_date="31-02-1990"),  # 12: not a date
    ]
    job = run(agency, period, operator, rows)
    assert job.status == ImportJob.Status.DONE
    assert job.valid_rows == 1 and job.refused_rows == 10
    assert list(WorkerRecord.objects.filter(agency=agency).values_list("full_name", flat=True)) == [
        "Baris Benar"
    ]
    errors = errors_of(job)
    assert set(errors) == set(range(3, 13))
    assert errors[3][0][0] == "NIK" and "16" in errors[3][0][1]
    assert errors[4][0][0] == "Nomor KK"
    assert errors[5][0][0] == "Tanggal Lahir" and "NIK" in errors[5][0][1]
    assert errors[6][0][0] == "Jenis Kelamin"
    assert errors[7] == [("NIK", errors[7][0][1])] and other_agency.name in errors[7][0][1]
    assert errors[8][0][0] == "Tanggal SK" and "masa depan" in errors[8][0][1]
    assert errors[9][0][0] == "Tanggal Berakhir"
    assert "baris 2" in errors[10][0][1]
    assert errors[11][0] == ("Nama Lengkap", "Kolom ini wajib diisi.")
    assert errors[12][0][0] == "Tanggal Lahir"
    rows_listed = [error["row"] for error in job.errors]
    assert rows_listed == sorted(rows_listed)  # by row, as the agency reads its file


def test_refused_rows_download_holds_each_refused_row_with_its_reason(login, agency, period, operator):
    job = run(agency, period, operator, [import_row(serial=1), import_row(serial=2, nik="12")])
    response = login(operator).get(reverse("registry:import-refused", args=[job.pk]))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "Baris Asal" and rows[0][-1] == "Keterangan Kesalahan"
    assert len(rows) == 2
    assert rows[1][0] == 3 and rows[1][1] == "12" and "NIK" in rows[1][-1]


def test_re_uploading_the_same_file_skips_rows_the_agency_holds_instead_of_refusing_them(
    agency, period, operator
):
    rows = [import_row(serial=i, full_name=f"Pegawai {i}") for i in range(1, 6)]
    first = run(agency, period, operator, rows)
    rows.append(import_row(serial=6, full_name="Pegawai Baru"))
    second = run(agency, period, operator, rows)
    assert first.valid_rows == 5
    assert (second.valid_rows, second.skipped_rows, second.refused_rows) == (1, 5, 0)
    assert second.errors == [] and not second.refused_file
    assert [s["row"] for s in second.skipped] == [2, 3, 4, 5, 6]
    assert second.skipped[0]["name"] == "Pegawai 1"
    assert second.skipped[0]["reason"].startswith("Sudah ada")
    assert "instansi Anda; dilewati" in second.skipped[0]["reason"]
    assert WorkerRecord.objects.count() == 6


def test_imported_rows_get_eligibility_and_duplicate_flags(agency, other_agency, period, operator):
    WorkerRecordFactory(
        period=period,
        agency=other_agency,
        full_name="Dewi Lestari Putri",
        birth_date=dt.date(1990, 5, 17),
        nik=make_nik(dt.date(1990, 5, 17), "M", serial=900),
    )
    rows = [
        import_row(serial=1, full_name="Dewi Lestari Putri", position="Satpam"),
        import_row(serial=2, full_name="Andi", pay_source="Lainnya", kategori="Non-ASN"),
    ]
    run(agency, period, operator, rows)
    dewi = WorkerRecord.objects.get(agency=agency, full_name="Dewi Lestari Putri")
    assert dewi.flags == sorted([Flag.EXCLUDED_POSITION, Flag.POSSIBLE_DUPLICATE])
    assert WorkerRecord.objects.get(full_name="Andi").flags == [Flag.PAY_SOURCE]
    # The earlier record is a duplicate of the new one, too.
    assert Flag.POSSIBLE_DUPLICATE in WorkerRecord.objects.get(agency=other_agency).flags


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"NIK;Nama\n123;Budi\n", "data.csv", "bukan XLSX"),
        (b"PK\x03\x04not really a zip", "data.xlsx", "bukan XLSX"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(login, operator, period, content, name, message):
    response = login(operator).post(reverse("registry:import-upload"), {"file": upload(content, name)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_an_empty_upload_is_refused(login, operator, period):
    response = login(operator).post(reverse("registry:import-upload"), {"file": upload(b"", "kosong.xlsx")})
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0


def test_a_file_without_data_rows_is_refused(agency, period, operator):
    job = run(agency, period, operator, [])
    assert job.status == ImportJob.Status.FAILED
    assert "tidak berisi baris data" in job.message


def test_a_file_with_missing_columns_is_refused_naming_them(agency, period, operator):
    headers = [c.header for c in COLUMNS]
    headers[2] = "Nama"  # not "Nama Lengkap"
    job = run(agency, period, operator, [import_row()], headers=headers)
    assert job.status == ImportJob.Status.FAILED
    assert "Nama Lengkap" in job.message
    assert WorkerRecord.objects.count() == 0


def test_a_too_large_file_is_refused(login, operator, period, monkeypatch):
    monkeypatch.setattr(imports.archive, "MAX_UPLOAD_BYTES", 1000)
    content = xlsx_bytes([import_row(serial=i) for i in range(1, 40)])
    response = login(operator).post(reverse("registry:import-upload"), {"file": upload(content)})
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()


def test_upload_page_shows_the_result_with_refused_rows(login, operator, period):
    client = login(operator)
    content = xlsx_bytes([import_row(serial=1), import_row(serial=2, kk="1")])
    response = client.post(reverse("registry:import-upload"), {"file": upload(content)}, follow=True)
    page = response.content.decode()
    assert 'data-testid="valid-rows">1<' in page
    assert 'data-testid="refused-rows">1<' in page
    assert "Nomor KK" in page


def test_a_big_file_runs_as_a_background_task_with_progress(login, operator, period, monkeypatch, settings):
    from registry.views import imports as import_views

    monkeypatch.setattr(import_views, "INLINE_MAX_BYTES", 0)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = login(operator)
    content = xlsx_bytes([import_row(serial=i, full_name=f"P {i}") for i in range(1, 4)])
    response = client.post(reverse("registry:import-upload"), {"file": upload(content)})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("registry:import-detail", args=[job.pk])
    assert job.status == ImportJob.Status.PENDING  # queued, not run in the request
    assert 'id="import-progress"' in client.get(response["Location"]).content.decode()
    from registry.tasks import run_import

    run_import.call(job.pk)  # what the db_worker does
    progress = client.get(reverse("registry:import-progress", args=[job.pk])).json()
    assert progress["finished"] is True and progress["valid"] == 3 and progress["percent"] == 100


def test_the_task_is_enqueued_on_the_database_backend(login, operator, period, monkeypatch, settings):
    from django_tasks_db.models import DBTaskResult

    from registry.views import imports as import_views

    monkeypatch.setattr(import_views, "INLINE_MAX_BYTES", 0)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    content = xlsx_bytes([import_row(serial=1)])
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            login(operator).post(reverse("registry:import-upload"), {"file": upload(content)})
    task = DBTaskResult.objects.get()
    assert task.task_path == "registry.tasks.run_import"
    assert task.args_kwargs["args"] == [ImportJob.objects.get().pk]


def test_ten_thousand_rows_with_a_few_bad_ones(agency, period, operator):
    base = dt.date(1980, 1, 1)
    rows = []
    for i in range(10_000):
        birth = base + dt.timedelta(days=i % 7000)
        rows.append(import_row(birth=birth, serial=(i // 7000) + 1, full_name=f"Pegawai Uji {i:05d}"))
    rows[10]["nik"] = "123"
    rows[500]["kk"] = "x"
    rows[9000]["end_date"] = "01-01-2000"
    rows[9999]["nik"] = rows[0]["nik"]
    job = run(agency, period, operator, rows)
    assert job.status == ImportJob.Status.DONE
    assert (job.total_rows, job.valid_rows, job.refused_rows) == (10_000, 9_996, 4)
    assert sorted(e["row"] for e in job.errors) == [12, 502, 9002, 10001]
    assert WorkerRecord.objects.filter(agency=agency).count() == 9_996
    assert AuditEvent.objects.filter(action="record:register", agency=agency).count() == 9_996


def test_an_import_after_the_input_deadline_is_refused(agency, period, operator):
    period.input_deadline = timezone.now() - dt.timedelta(minutes=1)
    period.save()
    with pytest.raises(ValidationError) as exc:
        import_start(agency=agency, period=period, upload=upload(xlsx_bytes([import_row()])), actor=operator)
    assert "Batas waktu input" in " ".join(exc.value.messages)
    assert not ImportJob.objects.exists()
    assert not WorkerRecord.objects.exists()


def test_a_queued_import_that_starts_after_the_deadline_saves_nothing(agency, period, operator):
    job = import_start(
        agency=agency, period=period, upload=upload(xlsx_bytes([import_row()])), actor=operator
    )
    period.input_deadline = timezone.now() - dt.timedelta(minutes=1)
    period.save()
    job = import_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert "Batas waktu input" in job.message
    assert not WorkerRecord.objects.exists()


def test_a_re_run_counts_the_rows_its_interrupted_run_saved_as_saved(agency, period, operator):
    from registry.services.imports import import_rerun

    rows = [import_row(serial=i, full_name=f"Pegawai {i}") for i in range(1, 6)]
    job = run(agency, period, operator, rows)
    assert job.valid_rows == 5
    # As if the run had stopped after its first rows: the last two never reached the database.
    WorkerRecord.objects.filter(agency=agency, full_name__in=["Pegawai 4", "Pegawai 5"]).delete()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, can_retry=True)
    import_rerun(job_id=job.pk, agency=agency, actor=operator)
    again = import_run(job_id=job.pk)
    assert (again.valid_rows, again.skipped_rows, again.refused_rows) == (5, 0, 0)
    assert again.skipped == []
    assert WorkerRecord.objects.filter(agency=agency).count() == 5
    # Another upload of the same file is still told the rows are already there.
    other = run(agency, period, operator, rows)
    assert (other.valid_rows, other.skipped_rows) == (0, 5)

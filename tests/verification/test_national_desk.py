# ruff: noqa: F811 - the shared fixtures are imported by name and used as arguments
"""The national admin's desk: access, counts from the trigger-kept tally, filters, sorting, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from registry.models import Agency, AgencySubmission, AuditEvent, Flag, RecordTally, Status, WorkerRecord
from registry.services.counts import period_counts, tally_compact
from registry.services.transitions import record_transition
from tests.factories import AgencyFactory, SubmissionFactory, UserFactory, WorkerRecordFactory
from tests.verification.phases_support import _tasks_inline, set_phase, submission  # noqa: F401
from verification.services.national import desk_rows

pytestmark = pytest.mark.django_db
Phase = AgencySubmission.Phase


@pytest.fixture
def desk_data(agency, other_agency, period):
    Agency.objects.filter(pk=agency.pk).update(name="Kota Alpha", kind=Agency.Kind.CITY)
    Agency.objects.filter(pk=other_agency.pk).update(name='=HYPERLINK("x")', kind=Agency.Kind.CENTRAL)
    for i in range(3):
        WorkerRecordFactory(
            agency=agency, period=period, status=Status.SUBMITTED, birth_date=dt.date(1980, 1, 1 + i)
        )
    WorkerRecordFactory(agency=agency, period=period, status=Status.ELIGIBLE, flags=[Flag.AGE],
                        birth_date=dt.date(1980, 2, 1))  # fmt: skip
    WorkerRecordFactory(agency=agency, period=period, status=Status.RELEASED, flags=[Flag.AGE],
                        birth_date=dt.date(1980, 2, 2))  # fmt: skip
    WorkerRecordFactory(agency=other_agency, period=period, status=Status.REGISTERED,
                        flags=[Flag.AGE, Flag.PAY_SOURCE], birth_date=dt.date(1980, 3, 1))  # fmt: skip
    return agency, other_agency


def test_tally_follows_inserts_updates_and_deletes(desk_data, period, operator):
    agency, other = desk_data
    counts = period_counts(period_id=period.pk)
    assert counts[agency.pk].per_status[Status.SUBMITTED] == 3
    assert counts[agency.pk].per_flag[Flag.AGE] == 1  # the released record's flag is not counted
    assert counts[other.pk].per_flag[Flag.PAY_SOURCE] == 1
    record = WorkerRecord.objects.filter(agency=agency, status=Status.SUBMITTED).first()
    record_transition(record_id=record.pk, to=Status.INELIGIBLE, actor=operator, reason="Usia")
    WorkerRecord.objects.filter(agency=other).update(flags=[Flag.AGE])
    WorkerRecord.objects.filter(agency=agency, status=Status.RELEASED).delete()
    rows_before = RecordTally.objects.count()
    WorkerRecord.objects.filter(agency=agency).update(full_name="Nama Sama")  # moves no count
    assert RecordTally.objects.count() == rows_before
    counts = period_counts(period_id=period.pk)
    assert counts[agency.pk].per_status[Status.SUBMITTED] == 2
    assert counts[agency.pk].per_status[Status.INELIGIBLE] == 1
    assert Status.RELEASED not in counts[agency.pk].per_status
    assert Flag.PAY_SOURCE not in counts[other.pk].per_flag
    # Compaction keeps the sums and leaves one row per key.
    tally_compact(period_id=period.pk)
    assert period_counts(period_id=period.pk) == counts
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM registry_recordtally"
            " GROUP BY period_id, agency_id, status, category, flag HAVING count(*) > 1) d"
        )
        assert cursor.fetchone()[0] == 0


def test_tally_equals_a_fresh_count(desk_data, period):
    exact = {}
    for agency_id, status in WorkerRecord.objects.filter(period=period).values_list("agency_id", "status"):
        exact[(agency_id, status)] = exact.get((agency_id, status), 0) + 1
    counts = period_counts(period_id=period.pk)
    tallied = {(a, s): n for a, c in counts.items() for s, n in c.per_status.items()}
    assert tallied == exact


def test_desk_shows_every_agency_with_phase_counts_and_national_totals(
    client, national_admin, desk_data, period, django_assert_max_num_queries
):
    agency, other = desk_data
    AgencySubmission.objects.filter(agency=other).update(phase=Phase.COMPLETED)
    client.force_login(national_admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("national:desk"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kota Alpha" in body and "HYPERLINK" in body
    assert f'data-agency="{agency.code}"' in body and f'data-agency="{other.code}"' in body
    # National totals as bars: 3 submitted, 1 eligible; 2 records flagged "age" among active ones.
    assert 'data-status="submitted">3<' in body
    assert 'data-flag="age">2<' in body
    assert 'data-flag="pay_source">1<' in body


def test_desk_filters_by_kind_and_sorts(client, national_admin, desk_data):
    agency, other = desk_data
    client.force_login(national_admin)
    body = client.get(reverse("national:desk"), {"kind": "city"}).content.decode()
    assert f'data-agency="{agency.code}"' in body and f'data-agency="{other.code}"' not in body
    body = client.get(reverse("national:desk"), {"sort": "-status_submitted"}).content.decode()
    assert body.index(f'data-agency="{agency.code}"') < body.index(f'data-agency="{other.code}"')
    body = client.get(reverse("national:desk"), {"sort": "status_submitted"}).content.decode()
    assert body.index(f'data-agency="{other.code}"') < body.index(f'data-agency="{agency.code}"')


def test_agencies_past_a_deadline_are_marked_and_filterable(client, national_admin, desk_data, period):
    agency, other = desk_data
    period.input_deadline = timezone.now() - dt.timedelta(days=1)
    period.save()
    AgencySubmission.objects.filter(agency=other).update(phase=Phase.PREFINALISED)
    rows = {r.agency.pk: r for r in desk_rows(period)}
    assert rows[agency.pk].late == ["input"] and rows[other.pk].late == []
    assert rows[agency.pk].days["input"] == -1
    client.force_login(national_admin)
    body = client.get(reverse("national:desk"), {"late": "on"}).content.decode()
    assert f'data-agency="{agency.code}"' in body and f'data-agency="{other.code}"' not in body


def test_deadline_extension_shows_in_days_left(desk_data, period, submission):
    AgencySubmission.objects.filter(pk=submission.pk).update(
        finalisation_deadline_override=period.finalisation_deadline + dt.timedelta(days=10)
    )
    rows = {r.agency.pk: r for r in desk_rows(period)}
    other_row = next(r for r in rows.values() if r.submission.pk != submission.pk)
    assert rows[submission.agency_id].days["finalisation"] == other_row.days["finalisation"] + 10


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_is_formula_safe_and_audited(client, national_admin, desk_data, file_format):
    client.force_login(national_admin)
    response = client.get(reverse("national:export", args=[file_format]), {"kind": ""})
    content = b"".join(response.streaming_content)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        ws = load_workbook(io.BytesIO(content), read_only=True).active
        rows = [[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(values_only=True)]
    names = [row[1] for row in rows[1:]]
    assert "Kota Alpha" in names
    assert '\'=HYPERLINK("x")' in names
    alpha = next(row for row in rows if row[1] == "Kota Alpha")
    header = rows[0]
    assert alpha[header.index(str(Status.SUBMITTED.label))] == "3"
    assert AuditEvent.objects.filter(action=f"national:export:{file_format}", actor=national_admin).exists()
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="instansi-') and disposition.endswith(
        f'.{file_format}"'
    )


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.OPERATOR, Role.HELPDESK])
def test_agency_staff_are_sent_to_their_portal(client, role, agency, desk_data):
    client.force_login(UserFactory(role=role, agency=agency))
    for url in (reverse("national:desk"), reverse("national:export", args=["csv"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("registry:dashboard")


def test_workers_and_anonymous_users_do_not_see_the_desk(client, desk_data):
    response = client.get(reverse("national:desk"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    record = WorkerRecord.objects.first()
    client.force_login(UserFactory(role=Role.WORKER, agency=None, worker_record=record))
    response = client.get(reverse("national:desk"))
    assert response.status_code == 302 and response["Location"] == reverse("worker:home")


def test_the_desk_reads_no_record_rows(
    client, national_admin, desk_data, period, django_assert_max_num_queries
):
    """600 agencies or 2: the page's queries touch the tally, submissions and SPTJMs, never the records."""
    for _ in range(5):
        SubmissionFactory(agency=AgencyFactory(), period=period)
    client.force_login(national_admin)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("national:desk"))
    assert not [q["sql"] for q in queries if "registry_workerrecord" in q["sql"]]


def test_the_tally_gives_each_agency_the_counts_a_fresh_count_gives(desk_data, period):
    from registry.services.counts import agency_counts, count_records, counts_from_keys

    agency, other = desk_data
    record = WorkerRecord.objects.filter(agency=agency, period=period).first()
    # Two flags on one record, a flag removed elsewhere, a record released, one deleted.
    WorkerRecord.objects.filter(pk=record.pk).update(flags=["age", "service"])
    WorkerRecord.objects.filter(agency=other, period=period).exclude(flags=[]).update(flags=[])
    released = WorkerRecord.objects.filter(agency=agency, period=period).exclude(pk=record.pk).first()
    WorkerRecord.objects.filter(pk=released.pk).update(status=Status.RELEASED, flags=["age"])
    WorkerRecord.objects.filter(agency=other, period=period).last().delete()
    for each in (agency, other):
        fresh = count_records(WorkerRecord.objects.filter(agency=each, period=period)).get(each.pk, {})
        assert agency_counts(agency_id=each.pk, period_id=period.pk) == counts_from_keys(fresh)
    assert agency_counts(agency_id=agency.pk, period_id=period.pk).flagged >= 1


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_invalid_filter_refuses_the_export_instead_of_widening_it(
    client, national_admin, desk_data, file_format
):
    client.force_login(national_admin)
    response = client.get(
        reverse("national:export", args=[file_format]), {"kind": "regency", "phase": "bogus"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("national:desk") + "?")
    assert not AuditEvent.objects.filter(action=f"national:export:{file_format}").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Tidak ada yang diekspor: perbaiki filter terlebih dahulu." in page


def test_an_invalid_filter_shows_the_error_and_no_agencies_on_the_desk(client, national_admin, desk_data):
    client.force_login(national_admin)
    page = client.get(reverse("national:desk"), {"phase": "bogus"}).content.decode()
    assert 'data-testid="filter-invalid"' in page
    assert "Kota Alpha" not in page.split('data-testid="desk"')[1]

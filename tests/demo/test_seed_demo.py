from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import RequestFactory

from accounts.models import User
from registry.models import Agency, Period, Status, WorkerRecord
from registry.services.worker_data import missing_items
from registry.validators import nik_mismatches

pytestmark = pytest.mark.django_db


def seed(*args: str) -> list[list[str]]:
    out = StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)
    return [line.split("\t") for line in out.getvalue().splitlines()]


def test_same_seed_gives_the_same_output_and_data():
    first = seed("--workers", "10", "--seed", "3")
    first_names = sorted(WorkerRecord.objects.values_list("full_name", "nik", "status"))
    second = seed("--workers", "10", "--seed", "3")
    second_names = sorted(WorkerRecord.objects.values_list("full_name", "nik", "status"))
    assert first == second
    assert first_names == second_names
    assert (
        WorkerRecord.objects.count() == 20 + 6
    )  # re-running replaces, it does not add (+6: the completed demo agency)


def test_other_seed_gives_other_data():
    first = seed("--workers", "5", "--seed", "1")
    second = seed("--workers", "5", "--seed", "2")
    assert first != second


def test_refuses_to_run_with_debug_off_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_demo_workers_go_to_the_named_file_when_asked(tmp_path):
    target = tmp_path / "workers.tsv"
    out = StringIO()
    call_command("seed_demo", "--force", "--workers", "3", "--workers-file", str(target), stdout=out)
    printed = out.getvalue().splitlines()
    assert not any(line.startswith("worker\t") for line in printed)
    assert str(target) in printed[-1]
    assert all(line.startswith("worker\t") for line in target.read_text().splitlines())
    assert len(target.read_text().splitlines()) >= 3


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker) -> list[list[str]]:
    """One demo, seeded once for the tests that only read it (a seed costs about a second) and
    rolled back after them; its printed accounts."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed("--workers", "16", "--seed", "7")
        transaction.set_rollback(True)


class TestOneDemo:
    def test_output_is_one_account_a_line_with_role_username_password_agency(self, demo):
        assert all(len(line) == 4 for line in demo)
        roles = [line[0] for line in demo]
        assert roles.count("national_admin") == 1
        assert roles.count("agency_admin") == 2
        assert roles.count("operator") == 2
        for role, username, password, code in demo:
            user = (
                User.objects.get(username=username)
                if role != "worker"
                else User.objects.get(worker_record__nik=username)
            )
            assert user.role == role
            assert user.check_password(password)
            if role in ("agency_admin", "operator", "helpdesk"):
                assert user.agency.code == code
            if role == "worker":
                assert user.worker_record.agency.code == code

    def test_printed_staff_password_logs_in(self, demo, client):
        role, username, password, code = next(line for line in demo if line[0] == "operator")
        assert client.login(request=RequestFactory().post("/"), username=username, password=password)

    def test_demo_has_workers_in_every_state_with_valid_niks(self, demo):
        assert set(WorkerRecord.objects.values_list("status", flat=True)) == {s.value for s in Status}
        for record in WorkerRecord.objects.all():
            assert nik_mismatches(record.nik, birth_date=record.birth_date, sex=record.sex) == {}

    def test_demo_has_the_2022_rules_and_agencies_of_all_four_kinds(self, demo):
        period = Period.objects.get(is_active=True)
        assert str(period.cutoff_date) == "2021-12-31"
        assert (period.min_age, period.max_age, period.min_service_years, period.public_test_days) == (
            20,
            56,
            1,
            5,
        )
        assert set(Agency.objects.values_list("kind", flat=True)) == {
            "central",
            "province",
            "regency",
            "city",
        }
        assert Agency.objects.count() >= 24

    def test_demo_workers_who_submitted_have_complete_data_and_documents(self, demo):
        submitted = WorkerRecord.objects.filter(
            status__in=["submitted", "eligible", "ineligible", "needs_revision"]
        )
        assert submitted.exists()
        for record in submitted:
            assert missing_items(record) == []
        with_account = WorkerRecord.objects.filter(status="account_created")
        for record in with_account:
            assert {"ktp", "photo"} <= set(record.documents.values_list("kind", flat=True))

    def test_demo_accounts_print_staff_first_and_workers_after(self, demo):
        roles = [line[0] for line in demo]
        assert roles[0] == "national_admin"
        first_worker = roles.index("worker")
        assert all(role == "worker" for role in roles[first_worker:])

    def test_the_demo_statistics_are_built_so_the_first_visit_shows_figures(self, demo, client):
        from announcements.models import StatisticsBuild

        assert StatisticsBuild.objects.filter(period__name="Pendataan Non-ASN 2022").exists()
        response = client.get("/statistik/")
        assert response.status_code == 200
        assert "Pendataan Non-ASN 2022" in response.content.decode()

"""The read-replica router, with two real databases on the test server: the test database as the
primary and a copy of it as the "replica". Rows that differ between the two show which one a read
hit (in production the replica is a streaming copy, so they hold the same rows)."""

from __future__ import annotations

import types

import psycopg2
import pytest
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from nonasn.db_router import (
    PIN_COOKIE,
    ReplicaPinningMiddleware,
    ReplicaRouter,
    primary_only,
    public_read,
    public_reads,
)
from registry.models import Agency
from tests.factories import AgencyFactory


def _admin_connection():
    params = connections["default"].get_connection_params()
    params["dbname"] = "postgres"
    params.pop("database", None)
    conn = psycopg2.connect(**params)
    conn.autocommit = True
    return conn


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """A second database on the same server, a copy of the freshly migrated test database, as the
    "replica" alias (registered before each test's database set-up, which must allow it)."""
    with django_db_blocker.unblock():
        primary_name = connections["default"].settings_dict["NAME"]
        name = f"{primary_name}_replica"
        for conn in connections.all(initialized_only=True):
            conn.close()
        admin = _admin_connection()
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                # A template must have no other session: this process's are closed above; end any
                # that earlier tests' threads or subprocesses left behind.
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [primary_name],
                )
                cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{primary_name}"')
        finally:
            admin.close()
        connections.settings["replica"] = {**connections["default"].settings_dict, "NAME": name}
        try:
            yield "replica"
        finally:
            if hasattr(connections._connections, "replica"):
                connections["replica"].close()
                delattr(connections._connections, "replica")
            del connections.settings["replica"]
            admin = _admin_connection()
            try:
                with admin.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                admin.close()


@pytest.fixture
def replica(replica_alias, request, settings):
    request.getfixturevalue("transactional_db")
    settings.REPLICA_READ_APPS = ["announcements"]
    yield connections[replica_alias]
    # The replica's rows are this module's own: the test's clean-up empties only the primary.
    Agency.objects.using(replica_alias).filter(code__startswith="RPL").delete()


# Every test using `replica` needs both aliases open (the primary's tables are emptied after each).
with_replica = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def test_migrations_run_only_on_the_primary():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "registry") is True
    assert router.allow_migrate("replica", "registry") is False
    assert router.allow_migrate("replica", "announcements") is False


def test_without_a_replica_everything_reads_the_primary(db):
    assert "replica" not in connections.settings
    with public_reads():
        assert ReplicaRouter().db_for_read(Agency) is None


def same_agency_in_both(code: str = "RPL1") -> None:
    """The same row, named differently on each side."""
    primary = AgencyFactory(code=code, name="Dinas di primer")
    Agency.objects.using("replica").create(
        pk=primary.pk, code=code, name="Dinas di replika", kind=primary.kind, is_active=True
    )


@with_replica
def test_a_public_read_path_reads_the_replica(replica):
    same_agency_in_both()
    with public_reads():
        assert Agency.objects.get(code="RPL1").name == "Dinas di replika"
    # Outside the marked path the same read goes to the primary.
    assert Agency.objects.get(code="RPL1").name == "Dinas di primer"


@with_replica
def test_a_marked_public_view_reads_the_replica(replica):
    same_agency_in_both()

    @public_read
    def view(request):
        return HttpResponse(Agency.objects.get(code="RPL1").name)

    assert view(RequestFactory().get("/pengumuman/")).content.decode() == "Dinas di replika"


@with_replica
def test_models_of_the_replica_apps_are_read_from_the_replica(replica, settings):
    # The announcements app's own models arrive with the public lists; the rule is per app, so it
    # is shown here with registry's Agency standing in for them.
    settings.REPLICA_READ_APPS = ["announcements", "registry"]
    same_agency_in_both()
    assert Agency.objects.get(code="RPL1").name == "Dinas di replika"


@with_replica
def test_every_announcements_model_is_routed_to_the_replica(replica):
    from django.apps import apps

    router = ReplicaRouter()
    stand_in = types.SimpleNamespace(_meta=types.SimpleNamespace(app_label="announcements"))
    models = [*apps.get_app_config("announcements").get_models(), stand_in]
    assert {router.db_for_read(model) for model in models} == {"replica"}
    assert router.db_for_read(Agency) is None  # everything else: the primary


@with_replica
def test_writes_go_to_the_primary_only(replica):
    with public_reads():
        AgencyFactory(code="RPL2", name="Baru")
    assert Agency.objects.using("default").filter(code="RPL2").exists()
    assert not Agency.objects.using("replica").filter(code="RPL2").exists()


@with_replica
def test_reads_inside_a_transaction_on_the_primary_stay_on_the_primary(replica):
    same_agency_in_both()
    with public_reads(), transaction.atomic():
        assert Agency.objects.get(code="RPL1").name == "Dinas di primer"


@with_replica
def test_locking_reads_go_to_the_primary(replica):
    same_agency_in_both()
    with public_reads():
        # select_for_update outside a transaction is refused by Django; inside one it is the
        # primary's row that is locked.
        with transaction.atomic():
            assert Agency.objects.select_for_update().get(code="RPL1").name == "Dinas di primer"
    with primary_only(), public_reads():
        assert Agency.objects.get(code="RPL1").name == "Dinas di primer"


@with_replica
def test_after_a_post_the_browser_reads_its_write_back_from_the_primary(replica):
    same_agency_in_both()
    seen = []

    @public_read
    def view(request):
        seen.append(Agency.objects.get(code="RPL1").name)
        return HttpResponse("ok")

    middleware = ReplicaPinningMiddleware(view)
    factory = RequestFactory()
    assert PIN_COOKIE not in middleware(factory.get("/pengumuman/")).cookies
    response = middleware(factory.post("/pengumuman/aduan/"))
    assert response.cookies[PIN_COOKIE]["max-age"] == 5
    pinned_get = factory.get("/pengumuman/tiket/")
    pinned_get.COOKIES[PIN_COOKIE] = "1"
    middleware(pinned_get)
    assert seen == ["Dinas di replika", "Dinas di primer", "Dinas di primer"]


@with_replica
def test_a_write_during_a_request_pins_its_later_reads_to_the_primary(replica):
    same_agency_in_both()
    seen = []

    @public_read
    def view(request):
        seen.append(Agency.objects.get(code="RPL1").name)
        AgencyFactory(code="RPL3")
        seen.append(Agency.objects.get(code="RPL1").name)
        return HttpResponse("ok")

    response = ReplicaPinningMiddleware(view)(RequestFactory().get("/"))
    assert seen == ["Dinas di replika", "Dinas di primer"]
    assert PIN_COOKIE in response.cookies


def test_a_replica_that_mirrors_the_primary_in_tests_is_read_through_the_primary(db):
    connections.settings["replica"] = {**connections["default"].settings_dict, "TEST": {"MIRROR": "default"}}
    try:
        with public_reads():
            assert ReplicaRouter().db_for_read(Agency) is None
    finally:
        if hasattr(connections._connections, "replica"):
            delattr(connections._connections, "replica")
        del connections.settings["replica"]

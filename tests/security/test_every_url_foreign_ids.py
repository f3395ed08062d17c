"""Every URL of the project (walked from the resolver) as anonymous, a worker, and the helpdesk,
operator and admin of ANOTHER agency, with agency A's ids in the URL: nothing of A leaks and nothing
changes, whether asked by GET or POSTed with plausible data. CSRF is enforced on every POST."""

from __future__ import annotations

import datetime as dt
import functools
import io

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image

from accounts.models import Role
from announcements.models import Complaint
from announcements.services.publish import snapshot_publish
from registry.models import AgencySubmission, AuditEvent, Document, ImportJob, WorkerRecord
from registry.services.worker_data import document_store
from tests.announcements.complaints_support import complaint_data, file_complaint, prefinalise
from tests.factories import UserFactory, WorkerRecordFactory, make_kk
from tests.registry.support import import_row, upload, worker_fields, xlsx_bytes
from tests.security.urlwalk import Url, all_urls
from verification.models import SignedSptjm, Sptjm

pytestmark = pytest.mark.django_db

# Who a URL is for. Every URL must be listed (the guard test below), so a new one is looked at.
PUBLIC = {
    "home", "set_language", "captcha-image", "captcha-image-2x", "captcha-audio", "captcha-refresh",
    "staff:login", "staff:logout", "staff:password-reset", "staff:password-reset-done",
    "staff:password-reset-confirm", "staff:password-reset-complete",
    "worker:login", "worker:logout", "worker:password-reset", "worker:password-reset-done",
    "worker:password-reset-confirm", "worker:password-reset-complete",
    "worker:register", "worker:register-step2", "worker:account-created",
    "announcements:index", "announcements:status-check", "announcements:agency", "announcements:announcement",
    "announcements:list", "announcements:version", "announcements:version-list", "announcements:changes",
    "announcements:csv", "announcements:pdf", "card:verify",
    "complaints:track", "complaints:ticket", "complaints:file", "complaints:report-missing",
    "statistics:page", "statistics:csv", "statistics:json",
    "help:index", "help:contacts",
}  # fmt: skip
PORTAL = {
    "staff:password-change", "staff:password-change-done", "staff:user-list", "staff:user-create",
    "staff:user-toggle-active", "staff:user-reset-password", "staff:identity-check-unlock",
    "verify:queue", "verify:bulk-eligible", "verify:record", "verify:decide", "verify:change", "verify:reopen",
    "verify:document", "phases:overview", "phases:prefinalise", "phases:finalise", "phases:sptjm-generate",
    "phases:sptjm-upload", "phases:sptjm-progress", "phases:sptjm-download", "phases:signed-download",
    "portal-complaints:list", "portal-complaints:detail", "portal-complaints:answer", "portal-complaints:evidence",
    "registry:dashboard", "registry:worker-list", "registry:worker-create", "registry:worker-export",
    "registry:worker-detail", "registry:worker-edit", "registry:worker-release", "registry:import-list",
    "registry:import-upload", "registry:import-template", "registry:import-detail", "registry:import-progress",
    "registry:import-rerun", "registry:import-refused", "registry:contact-edit",
    "api-keys:connect", "api-keys:list", "api-keys:revoke",
}  # fmt: skip
NATIONAL = {
    "national:desk", "national:export", "national:agency", "national:reopen", "national:extend",
    "national:sptjm-replace", "national:sptjm-download", "national:signed-download",
}  # fmt: skip
WORKER = {
    "worker:home", "worker:biodata", "worker:history", "worker:education", "worker:documents", "worker:document",
    "worker:resume", "worker:submit", "worker:account-card", "worker:data-card",
}  # fmt: skip
NOT_IDS = {"file_format"}  # a parameter that names no object of agency A
ROLES = ("anonymous", "worker", "helpdesk", "operator", "agency_admin")
ENTITLED = {"portal": {"helpdesk", "operator", "agency_admin"}, "worker": {"worker"}, "public": set(ROLES)}
LOGIN_PAGES = ("/instansi/akun/masuk/", "/akun/masuk/", "/admin/login/")
# Rows any visitor may create: sessions, failed-login and rate-limit counters, captcha challenges.
COUNTERS = {
    "sessions.session", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog",
    "captcha.captchastore", "accounts.identitycheckattempt", "announcements.statuscheckattempt",
}  # fmt: skip


def url_class(url: Url) -> str | None:
    if url.route.startswith("admin/"):
        return "admin"  # Django's admin: every model's pages, generated; staff (national admin) only
    if url.route.startswith("api/v1/"):
        # The HR-system API: an API key in the Authorization header, never a cookie (so no CSRF);
        # its scoping, foreign ids (404) and refusals are tested through HTTP in tests/api/.
        return "api"
    for kind, names in (("public", PUBLIC), ("portal", PORTAL), ("national", NATIONAL), ("worker", WORKER)):
        if url.name in names:
            return kind
    return None


URLS = [u for u in all_urls() if url_class(u)]


def test_every_url_is_classified():
    unclassified = [(u.route, u.name) for u in all_urls() if url_class(u) is None]
    assert unclassified == [], "classify these URLs in PUBLIC/PORTAL/NATIONAL/WORKER"


def _jpeg(name="foto.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 10)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(agency, period, other_agency, operator, agency_admin):
    """Agency A in its public test with a record, document, import, complaint, snapshot and SPTJMs;
    the intruders of agency B; a worker of agency B."""
    record = WorkerRecordFactory(
        period=period, agency=agency, full_name="Rahasia Instansi A", sex="F", kk=make_kk(serial=4242),
        submitted_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC), status="account_created",
    )  # fmt: skip
    document = document_store(record=record, kind="ktp", upload=_jpeg(), actor=operator)
    WorkerRecord.objects.filter(pk=record.pk).update(status="eligible")
    from registry.services.imports import import_run, import_start

    job = import_start(
        agency=agency, period=period, upload=upload(xlsx_bytes([import_row(nik="1")])), actor=operator
    )
    import_run(job_id=job.pk)
    submission = prefinalise(agency, period, days_ago=1)
    complaint = file_complaint(agency, record)
    Complaint.objects.filter(pk=complaint.pk).update(description="Aduan rahasia instansi A")
    snapshot = snapshot_publish(submission_id=submission.pk, kind="public_test")
    sptjm = Sptjm.objects.create(
        submission=submission, ppk_name="Kepala Rahasia A", ppk_nip="1" * 18, ppk_position="Wali Kota",
        status=Sptjm.Status.DONE, file=ContentFile(b"%PDF-1.4 rahasia", name="sptjm.pdf"),
    )  # fmt: skip
    signed = SignedSptjm.objects.create(
        submission=submission, sptjm=sptjm, file=ContentFile(b"%PDF-1.4 ttd", name="ttd.pdf"),
        original_name="ttd.pdf", size=12, pages=1, sha256="0" * 64,
    )  # fmt: skip
    b_record = WorkerRecordFactory(period=period, agency=other_agency, full_name="Pegawai Instansi B")
    users = {
        "worker": UserFactory(role=Role.WORKER, agency=None, worker_record=b_record, username=b_record.nik),
        "helpdesk": UserFactory(role=Role.HELPDESK, agency=other_agency),
        "operator": UserFactory(role=Role.OPERATOR, agency=other_agency),
        "agency_admin": UserFactory(role=Role.AGENCY_ADMIN, agency=other_agency),
    }
    values = {
        "code": agency.code, "slug": snapshot.slug, "version": snapshot.version, "ticket": complaint.ticket,
        "token": record.card_token, "uidb64": urlsafe_base64_encode(force_bytes(operator.pk)),
        "document_pk": document.pk, "sptjm_pk": sptjm.pk, "signed_pk": signed.pk, "file_format": "csv",
        "key": "abc", "table": "agencies", "object_id": record.pk, "id": record.pk, "content_type_id": 1, "app_label": "registry",
        "url": f"registry/workerrecord/{record.pk}/change/",
    }  # fmt: skip
    pks = {
        "registry:import": job.pk, "staff:user": operator.pk, "phases:sptjm": sptjm.pk,
        "phases:signed": signed.pk, "portal-complaints:": complaint.pk, "national:": agency.pk,
        "worker:document": document.pk,
    }  # fmt: skip
    secrets = [
        record.full_name,
        record.nik,
        record.kk,
        complaint.ticket,
        "Aduan rahasia instansi A",
        "Kepala Rahasia A",
    ]
    return {"record": record, "agency": agency, "submission": submission, "users": users, "values": values,
            "pks": pks, "secrets": secrets, "operator": operator}  # fmt: skip


def fill(url: Url, world) -> str:
    values = dict(world["values"])
    values["pk"] = next(
        (pk for prefix, pk in world["pks"].items() if url.name.startswith(prefix)), world["record"].pk
    )
    if url.name == "worker:password-reset-confirm":
        values["uidb64"] = urlsafe_base64_encode(force_bytes(world["record"].pk))
    return url.fill(values)


def payload(world) -> dict:
    record = world["record"]
    data = worker_fields(full_name="Diubah Penyusup", serial=99, reason="x")
    data.update(complaint_data(description="Penyusup"))
    data.pop("captcha_1")  # a public form stays refused: its own tests cover what it accepts
    data.update(
        note="Perbaiki", outcome="eligible", decision="eligible", accepted="1", answer="Diterima",
        records=[str(record.pk)], record_ids=[str(record.pk)], ppk_name="Penyusup", ppk_nip="1" * 18,
        ppk_position="Penyusup", username=world["operator"].username, password="salah", role="operator",
        kind="ktp", file=_jpeg(), new_date="2030-01-01", deadline="input", language="en", next="/",
        **{"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-position": "Guru"},
    )  # fmt: skip
    return data


@functools.cache
def _counting() -> tuple[list[str], str, tuple]:
    """The models counted, and the one query that counts their rows (the same for every call)."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.label_lower not in COUNTERS
    ]
    columns, params = [], []
    for model in models:
        sql, model_params = model._default_manager.order_by().values("pk").query.sql_with_params()
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS rows)")
        params.extend(model_params)
    return [model._meta.label_lower for model in models], "SELECT " + ", ".join(columns), tuple(params)


def counts() -> dict[str, int]:
    """Rows per model (the visitors' counters aside), read in one query: the walk asks after every
    request, and a count query per model made this the slowest test of the suite."""
    labels, sql, params = _counting()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return dict(zip(labels, row, strict=True))


def a_state(world) -> tuple:
    agency = world["agency"]
    record = WorkerRecord.objects.get(pk=world["record"].pk)
    return (
        record.full_name, record.status, record.updated_at, world["operator"].__class__.objects.get(
            pk=world["operator"].pk).is_active,
        AgencySubmission.objects.get(pk=world["submission"].pk).phase,
        WorkerRecord.objects.filter(agency=agency).count(), Document.objects.filter(record__agency=agency).count(),
        ImportJob.objects.filter(agency=agency).count(), Complaint.objects.filter(agency=agency, status="open").count(),
        Sptjm.objects.count(), SignedSptjm.objects.count(), AuditEvent.objects.filter(agency=agency).count(),
    )  # fmt: skip


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def refused(response) -> bool:
    if response.status_code == 302:
        # to a login page, or to the user's own portal ("you are logged in elsewhere")
        return response["Location"].startswith(LOGIN_PAGES) or response["Location"] in (
            "/akun/",
            "/instansi/",
        )
    return response.status_code in (400, 403, 404, 405)


class Visitors:
    """One test client per role, each logged in once, not before every request (a login per
    request made this walk one of the slowest tests): a role whose session a request ended (a
    logout URL) logs in again before its next request; the anonymous visitor starts every request
    without cookies, as a new visitor does."""

    def __init__(self, users: dict):
        self.users = users
        self.clients = {role: Client() for role in ROLES}

    def __call__(self, role: str) -> Client:
        client = self.clients[role]
        if role == "anonymous":
            client.cookies.clear()
        elif "_auth_user_id" not in client.session:
            client.force_login(self.users[role], backend="accounts.backends.LoginBackend")
        return client


@pytest.mark.parametrize("kind", ["public", "portal", "worker", "national", "admin"])
def test_foreign_users_see_nothing_of_agency_a_and_change_nothing(world, kind):
    visitors = Visitors(world["users"])
    tried = 0
    for url in (u for u in URLS if url_class(u) == kind):
        path = fill(url, world)
        a_ids = bool(set(url.params) - NOT_IDS) and kind != "public"
        before, before_a = counts(), a_state(world)
        own_scope = []
        for role in ROLES:
            if role in ENTITLED.get(kind, ()) and not a_ids:
                own_scope.append(role)  # the user's own pages: may write their own data, must not leak A
            for method in ("get", "post"):
                client = visitors(role)
                response = getattr(client, method)(path, payload(world) if method == "post" else None)
                tried += 1
                where = f"{role} {method.upper()} {path} -> {response.status_code}"
                assert response.status_code < 500, where
                if role not in own_scope:
                    assert refused(response) or not a_ids, where
                content = body(response)
                secrets = world["secrets"][1:4] if kind == "public" else world["secrets"]
                if url.name == "complaints:ticket":
                    secrets = [s for s in secrets if s != world["values"]["ticket"]]
                leaked = [s for s in secrets if s.encode() in content]
                assert not leaked, f"{where} shows {leaked}"
            if role not in own_scope:
                assert counts() == before, f"{role} changed rows through {path}"
        assert a_state(world) == before_a, f"{path} changed agency A"
    assert tried


# POSTs deliberately without CSRF: the language switch only sets the visitor's own language cookie,
# so cached public pages carry no token (announcements/caching.py).
CSRF_EXEMPT = {"set_language"}


def test_the_csrf_exempt_posts_are_only_the_language_switch():
    exempt = {u.name for u in URLS if getattr(u.view, "csrf_exempt", False) and url_class(u) != "api"}
    assert exempt == CSRF_EXEMPT


@pytest.mark.parametrize("kind", ["public", "portal", "worker", "national", "admin"])
def test_every_post_without_a_csrf_token_is_refused(world, kind):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world["users"]["agency_admin"], backend="accounts.backends.LoginBackend")
    before = counts()
    for url in (u for u in URLS if url_class(u) == kind and u.name not in CSRF_EXEMPT):
        response = csrf_client.post(fill(url, world), payload(world))
        assert response.status_code == 403, (url.route, response.status_code)
    assert counts() == before


# The public cache (issue 17): whatever a shared cache (nginx, a CDN) may keep holds nothing of its
# visitor. Every public URL, read with a message waiting, an odd query string, a foreign host name
# and another language.
ODD = "odd-5e1c"


def _public_gets(world):
    return [fill(url, world) for url in URLS if url_class(url) == "public"]


def _shared(response) -> bool:
    return "public" in response.get("Cache-Control", "")


def test_no_public_page_shares_a_visitors_message(world):
    for path in _public_gets(world):
        visitor = Client()
        visitor.get("/akun/buat/langkah-2/")  # sets a message cookie: "start with step 1"
        assert visitor.cookies["messages"].value
        response = visitor.get(path)
        if _shared(response):
            assert b"Mulai dari langkah 1" not in body(response), path
        assert b"Mulai dari langkah 1" not in body(Client().get(path)), path


def test_no_shared_public_page_repeats_an_odd_query_string(world):
    for path in _public_gets(world):
        for query in (f"?zz={ODD}", f"?next=/{ODD}/", f"?q={ODD}&after=0&{ODD}=1"):
            response = Client().get(path + query)
            assert not (_shared(response) and ODD.encode() in body(response)), path + query


def test_every_public_page_refuses_a_foreign_host(world):
    for path in _public_gets(world):
        Client().get(path)
        response = Client().get(path, headers={"host": "evil.example"})
        assert response.status_code == 400, (path, response.status_code)


def test_every_shared_public_page_varies_with_the_language_cookie(world):
    for path in _public_gets(world):
        english = Client()
        english.cookies["django_language"] = "en"
        response = english.get(path)
        if _shared(response):
            assert "Cookie" in response["Vary"] and response["Content-Language"] == "en", path

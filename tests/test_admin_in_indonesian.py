"""The national admin's site speaks Indonesian: its title, every model and field, the add-user form."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst

from accounts.models import Role, User

pytestmark = pytest.mark.django_db
TITLE = "Pendataan Non-ASN — Admin Nasional"


@pytest.fixture
def admin_client(client, national_admin):
    client.force_login(national_admin)
    return client


def test_the_admin_is_titled_for_the_national_admin(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert f"<title>{TITLE} | {TITLE}</title>" in page  # index_title | site_title
    assert re.search(rf'id="site-name"><a href="/admin/">{TITLE}</a>', page)


def _fields(app_label: str):
    for model in apps.get_app_config(app_label).get_models():
        yield model, None
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            if field.name != "id":
                yield model, field


@pytest.mark.parametrize("app_label", ["registry", "accounts"])
def test_every_model_and_field_has_an_indonesian_name(app_label):
    untranslated = []
    with translation.override("id"):
        for model, field in _fields(app_label):
            lazy = field.verbose_name if field else model._meta.verbose_name
            with translation.override("en"):
                english = str(lazy)
            indonesian = str(lazy)
            # A name only counts as translated when it went through gettext (a lazy msgid) and the
            # catalogue holds it; a few words read the same in both languages (NIK, Status, ID).
            if not isinstance(lazy, Promise) or (indonesian == english and english not in SAME):
                untranslated.append(f"{model.__name__}.{field.name if field else '(model)'}: {english!r}")
    assert not untranslated, "\n".join(untranslated)


SAME = {"NIK", "Status", "status", "checksum", "Email", "email", "WhatsApp"}


def test_record_change_page_labels_are_indonesian(admin_client, agency, period):
    from tests.factories import WorkerRecordFactory

    record = WorkerRecordFactory(agency=agency, period=period, end_date=None)
    page = admin_client.get(f"/admin/registry/workerrecord/{record.pk}/change/").content.decode()
    for label in (
        "Instansi",
        "Periode",
        "Unit Kerja",
        "Tanggal Berakhir",
        "Dibuat pada",
        "Catatan kelayakan",
    ):
        assert f">{label}" in page or f"{label}:" in page, label
    for english in ("Created at", "Work unit:", "Card token", "End date"):
        assert english not in page


def test_add_user_has_no_preselected_role_and_a_searchable_agency(admin_client):
    page = admin_client.get("/admin/accounts/user/add/").content.decode()
    role = page[
        page.index('<select name="role"') : page.index("</select>", page.index('<select name="role"'))
    ]
    assert '<option value="" selected>---------</option>' in role
    assert "selected" not in role.replace('<option value="" selected>', "")
    assert " required" in role.split(">")[0]
    agency = page[page.index('name="agency"') - 300 : page.index('name="agency"') + 300]
    assert "admin-autocomplete" in agency
    assert "/admin/autocomplete/" in page


def test_add_user_without_a_role_is_refused(admin_client, agency):
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "tanpa.peran",
            "email": "tanpa.peran@instansi.go.id",
            "role": "",
            "agency": agency.pk,
            "usable_password": "true",
            "password1": "Sangat-Rahasia-2022",
            "password2": "Sangat-Rahasia-2022",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="tanpa.peran").exists()
    assert "Bidang ini tidak boleh kosong" in response.content.decode()


def test_agency_autocomplete_finds_an_agency_by_name(admin_client, agency):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": agency.name[:12], "app_label": "accounts", "model_name": "user", "field_name": "agency"},
    )
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {str(agency.pk)}


def test_admin_labels_match_the_form_words():
    from registry.models import WorkerRecord

    with translation.override("id"):
        labels = {
            f: capfirst(str(WorkerRecord._meta.get_field(f).verbose_name)) for f in ("nik", "kk", "end_date")
        }
    assert labels == {"nik": "NIK", "kk": "Nomor KK", "end_date": "Tanggal Berakhir"}
    assert Role.AGENCY_ADMIN  # the add-user tests above create agency admins by this value

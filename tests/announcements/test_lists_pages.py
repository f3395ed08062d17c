from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.utils import timezone
from pypdf import PdfReader

from announcements.models import ListSnapshot
from registry.models import Agency, AgencySubmission, Status, WorkerRecord
from tests.announcements.support import move_phase
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_agency_chooser_groups_agencies_by_kind_and_searches_without_javascript(client, agency):
    AgencyFactory(name="Kementerian Contoh", code="K001", kind=Agency.Kind.CENTRAL)
    AgencyFactory(name="Pemerintah Kota Surabaya", code="C3578", kind=Agency.Kind.CITY)
    page = _text(client.get("/pengumuman/"))
    assert 'id="kind-central"' in page and 'id="kind-city"' in page and 'id="kind-regency"' in page
    assert page.index("Kementerian Contoh") < page.index("Pemerintah Kota Surabaya")  # central first
    found = _text(client.get("/pengumuman/", {"q": "kota surabaya"}))
    assert "Pemerintah Kota Surabaya" in found and "Kementerian Contoh" not in found
    assert agency.name not in found


def test_agency_chooser_of_600_agencies_lists_them_all_in_few_queries(
    client, db, django_assert_max_num_queries
):
    Agency.objects.bulk_create(
        Agency(code=f"X{n:04d}", name=f"Instansi {n:04d}", kind=Agency.Kind.REGENCY) for n in range(600)
    )
    with django_assert_max_num_queries(2):  # the agencies with their list flags (+ the active period)
        page = _text(client.get("/pengumuman/"))
    assert page.count('class="agency-link"') == 600


def test_agency_chooser_links_each_agency_with_the_badge_of_its_published_list(client, agency, published):
    other = AgencyFactory(name='Instansi <Tanpa> "Daftar" & Lain', code="Z9", kind=agency.kind)
    page = _text(client.get("/pengumuman/"))
    line = page[page.index(f'href="/pengumuman/{agency.code}/"') :].split("</li>")[0]
    assert agency.name in line and "Uji publik" in line
    unpublished = page[page.index(f'href="/pengumuman/{other.code}/"') :].split("</li>")[0]
    assert "Instansi &lt;Tanpa&gt; &quot;Daftar&quot; &amp; Lain" in unpublished
    assert "badge" not in unpublished


def test_agency_chooser_is_revalidated_by_its_etag_until_what_it_shows_changes(client, agency, published):
    first = client.get("/pengumuman/")
    assert first["Cache-Control"] == "public, max-age=60" and first["ETag"]
    same = client.get("/pengumuman/", headers={"if-none-match": first["ETag"]})
    assert same.status_code == 304 and same.content == b""
    AgencyFactory(name="Instansi Baru", code="N1", kind=agency.kind)  # a new line on the page
    changed = client.get("/pengumuman/", headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and "Instansi Baru" in _text(changed)
    assert changed["ETag"] != first["ETag"]
    searched = client.get("/pengumuman/", {"q": "baru"})
    assert searched["ETag"] not in (first["ETag"], changed["ETag"])


def test_agency_page_before_publication_says_no_announcement_yet(client, agency):
    assert "Belum ada pengumuman" in _text(client.get(f"/pengumuman/{agency.code}/"))


def test_agency_page_links_the_public_test_announcement_with_its_window(client, agency, published):
    page = _text(client.get(f"/pengumuman/{agency.code}/"))
    assert "Pengumuman Uji Publik" in page
    assert f'href="/pengumuman/{agency.code}/uji-publik/"' in page
    close = timezone.localtime(published.objections_close_at).strftime("%d-%m-%Y")
    assert "Masa sanggah" in page and close in page


def test_announcement_shows_dates_window_hash_and_links_the_list(client, agency, published):
    page = _text(client.get(f"/pengumuman/{agency.code}/uji-publik/"))
    assert published.sha256 in page
    assert 'id="objection-window"' in page
    assert f'href="/pengumuman/{agency.code}/uji-publik/v1/daftar/"' in page
    assert "Daftar Pegawai Honorer" in page


def test_list_shows_number_name_masked_nik_position_unit_education_status(client, agency, published, listed):
    page = _text(client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/"))
    for record in listed:
        assert record.full_name in page
        assert record.masked_nik in page
        assert record.nik not in page
    assert "Dinas Pendidikan" in page and "S-1" in page and "Memenuhi Syarat" in page
    assert published.sha256 in page


def test_list_is_searched_by_name_within_the_list(client, agency, published):
    page = _text(client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/", {"q": "  SITI  "}))
    assert "Siti Aminah" in page and "Budi Santoso" not in page


def test_search_words_are_matched_literally(client, agency, published):
    page = _text(client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/", {"q": "%"}))
    assert "Budi Santoso" not in page and "Tidak ada pegawai tercantum" in page
    both = _text(client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/", {"q": "budi santoso"}))
    assert "Budi Santoso" in both and "Siti Aminah" not in both


def test_list_pages_by_number_forward_backward_and_to_the_last(client, agency, published, monkeypatch):
    monkeypatch.setattr("announcements.public_list.PAGE_SIZE", 2)
    url = f"/pengumuman/{agency.code}/uji-publik/v1/daftar/"
    names = ["Agus Pratama", "Budi Santoso", "Dewi Lestari", "Rina Wijaya", "Siti Aminah"]

    def shown(params):
        page = _text(client.get(url, params))
        return [n for n in names if n in page], page

    first, page = shown({})
    assert first == names[:2] and "?after=2" in page
    second, page = shown({"after": 2})
    assert second == names[2:4] and "before=3" in page
    assert shown({"before": 3})[0] == names[:2]
    assert shown({"after": 4})[0] == names[4:]  # the last page ("Terakhir": after=4)
    assert shown({"halaman": 3})[0] == names[4:]


def test_deepest_page_costs_what_the_first_does(client, agency, published, django_assert_max_num_queries):
    url = f"/pengumuman/{agency.code}/uji-publik/v1/daftar/"
    # the version, the newest version (is this one settled?), the page of rows
    with django_assert_max_num_queries(3):
        client.get(url, {"after": 4})
    with django_assert_max_num_queries(3):
        client.get(url)


def test_csv_download_has_every_row_masked_and_the_hash(client, agency, published, listed):
    response = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar.csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert ["SHA-256", published.sha256] in lines
    header = lines.index(
        ["No", "Nama", "NIK", "Jabatan", "Unit Kerja", "Pendidikan", "Status", "Kode status"]
    )
    data = lines[header + 1 :]
    assert [row[1] for row in data] == sorted(r.full_name for r in listed)
    assert {row[2] for row in data} == {r.masked_nik for r in listed}


def test_pdf_download_is_made_once_and_holds_the_masked_list_and_hash(client, agency, published, listed):
    response = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert published.sha256 in text.replace("\n", "")
    for record in listed:
        assert record.full_name in text and record.masked_nik in text and record.nik not in text
    stored = ListSnapshot.objects.get(pk=published.pk).pdf.name
    assert stored
    client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar.pdf")
    assert ListSnapshot.objects.get(pk=published.pk).pdf.name == stored  # not laid out again


def test_pdf_of_a_large_list_not_yet_written_says_it_is_being_prepared(client, agency, published, settings):
    settings.SNAPSHOT_INLINE_MAX_ROWS = 2
    response = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar.pdf")
    assert response.status_code == 503 and response["Retry-After"]
    assert 'id="pdf-pending"' in _text(response)


def test_the_newest_numbered_list_page_is_public_and_kept_until_its_window_closes_at_most_minutes(
    client, agency, published
):
    from announcements.caching import CURRENT_MAX_AGE

    url = f"/pengumuman/{agency.code}/uji-publik/v1/daftar/"
    ListSnapshot.objects.filter(pk=published.pk).update(
        objections_close_at=timezone.now() + dt.timedelta(seconds=90)
    )
    first = client.get(url)
    directives = dict(d.partition("=")[::2] for d in first["Cache-Control"].split(", "))
    assert set(directives) == {"public", "max-age"}  # the newest version may still be withdrawn
    assert 30 < int(directives["max-age"]) <= 90  # until the window closes
    ListSnapshot.objects.filter(pk=published.pk).update(
        objections_close_at=timezone.now() + dt.timedelta(days=3)
    )
    cache.clear()  # the version as the next request reads it
    directives = dict(
        d.partition("=")[::2] for d in client.get(url, {"after": 1})["Cache-Control"].split(", ")
    )
    assert int(directives["max-age"]) == CURRENT_MAX_AGE
    assert first.has_header("ETag")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    other_page = client.get(url, {"after": 2}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other_page.status_code == 200 and other_page["ETag"] != first["ETag"]


def test_a_cached_page_holds_nothing_of_its_visitor_and_its_language_switch_works(client, agency, published):
    from django.test import Client

    url = f"/pengumuman/{agency.code}/uji-publik/v1/daftar/"
    client.get(url)  # fills the cache
    other = Client(enforce_csrf_checks=True)
    response = other.get(url)
    assert "csrfmiddlewaretoken" not in _text(response) and not response.cookies  # no token, no cookie
    switched = other.post("/i18n/setlang/", {"language": "en", "next": url})
    assert switched.status_code == 302 and switched.cookies["django_language"].value == "en"
    english = _text(other.get(url))
    assert "List of Honorary Workers" in english and "Daftar Pegawai Honorer" not in english


def test_a_visitor_with_a_session_never_gets_the_shared_stored_page(client, agency, published, operator):
    url = f"/pengumuman/{agency.code}/uji-publik/v1/daftar/"
    client.get(url)  # stored for anonymous visitors
    client.force_login(operator)
    page = client.get(url)
    from django.urls import reverse

    assert page["Cache-Control"].startswith("private")
    assert f'action="{reverse("staff:logout")}"' in _text(page)  # their own header, with their logout


def test_a_new_publication_is_never_served_stale(client, agency, published, submission, listed):
    current = f"/pengumuman/{agency.code}/uji-publik/daftar/"
    announcement = f"/pengumuman/{agency.code}/uji-publik/"
    first_list, first_announcement = client.get(current), client.get(announcement)
    assert published.sha256 in _text(first_list)
    WorkerRecord.objects.filter(pk=listed[0].pk).update(status=Status.ELIGIBLE, full_name="Budi Santoso Baru")
    move_phase(submission, AgencySubmission.Phase.FINALISED)
    second = ListSnapshot.objects.get(submission=submission, kind="public_test", version=2)
    for url, before in ((current, first_list), (announcement, first_announcement)):
        response = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
        assert response.status_code == 200 and response["ETag"] != before["ETag"]
        assert second.sha256 in _text(response) and published.sha256 not in _text(response)
    assert "Budi Santoso Baru" in _text(client.get(current))
    # The first version stays readable at its own address, and says a newer one exists.
    old = _text(client.get(f"/pengumuman/{agency.code}/uji-publik/v1/"))
    assert published.sha256 in old and 'id="newer-version"' in old
    changes = _text(client.get(f"/pengumuman/{agency.code}/uji-publik/v2/perubahan/"))
    assert "Budi Santoso Baru" in changes


def test_unknown_agency_kind_or_version_is_404(client, agency, published):
    for url in ("/pengumuman/NOPE/", "/pengumuman/NOPE/uji-publik/", f"/pengumuman/{agency.code}/lain/",
                f"/pengumuman/{agency.code}/uji-publik/v9/daftar/", f"/pengumuman/{agency.code}/final/"):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_while_the_public_test_is_open_each_row_links_to_the_complaint_form_and_missing_can_be_reported(
    client, agency, published
):
    response = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/")
    body = response.content.decode()
    assert response.context["complaints_open"] is True
    record_ids = list(published.rows.exclude(record=None).values_list("record_id", flat=True))
    assert record_ids
    for record_id in record_ids:
        assert f'href="/aduan/{agency.code}/?record={record_id}"' in body
    assert f'href="/aduan/{agency.code}/tidak-terdaftar/"' in body


def test_a_withdrawn_numbered_list_page_is_immutable_for_a_year(client, agency, published):
    from announcements.caching import LONG_MAX_AGE

    ListSnapshot.objects.filter(pk=published.pk).update(
        objections_open_at=timezone.now() - dt.timedelta(days=6),
        objections_close_at=timezone.now() - dt.timedelta(days=1),
        withdrawn_at=timezone.now(),
        withdrawn_reason="Dibuka kembali",
    )
    response = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/")
    assert response["Cache-Control"] == f"public, max-age={LONG_MAX_AGE}, immutable"
    assert "complaint-link" not in _text(response)


def test_the_newest_numbered_list_page_after_its_window_is_kept_minutes_not_a_year(client, agency, published):
    from announcements.caching import CURRENT_MAX_AGE

    ListSnapshot.objects.filter(pk=published.pk).update(
        objections_open_at=timezone.now() - dt.timedelta(days=6),
        objections_close_at=timezone.now() - dt.timedelta(days=1),
    )
    response = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/")
    assert response["Cache-Control"] == f"public, max-age={CURRENT_MAX_AGE}"


def test_pages_that_change_by_themselves_are_kept_a_short_time(client, agency, published):
    from announcements.caching import SHORT_MAX_AGE

    for url in (
        f"/pengumuman/{agency.code}/",
        f"/pengumuman/{agency.code}/uji-publik/",
        f"/pengumuman/{agency.code}/uji-publik/v1/",  # says when a newer version is published
        f"/pengumuman/{agency.code}/uji-publik/daftar/",
    ):
        assert client.get(url)["Cache-Control"] == f"public, max-age={SHORT_MAX_AGE}", url


def test_a_list_row_is_escaped_and_a_row_without_record_has_no_complaint_link(client, agency, published):
    from announcements.models import SnapshotRow

    SnapshotRow.objects.filter(snapshot=published, number=1).update(full_name="Budi <b>x</b>")
    SnapshotRow.objects.filter(snapshot=published, number=2).update(record=None)
    page = _text(client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar/"))
    assert "Budi &lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert page.count('class="complaint-link"') == published.row_count - 1
    assert "?record=None" not in page


def test_a_numbered_versions_downloads_are_kept_for_a_year(client, agency, published):
    from announcements.caching import LONG_MAX_AGE

    for suffix in ("csv", "pdf"):
        response = client.get(f"/pengumuman/{agency.code}/uji-publik/v1/daftar.{suffix}")
        assert response["Cache-Control"] == f"public, max-age={LONG_MAX_AGE}, immutable", suffix

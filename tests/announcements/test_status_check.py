from __future__ import annotations

import re

import pytest

from announcements.models import StatusCheckAttempt
from registry.models import Status

pytestmark = pytest.mark.django_db

URL = "/pengumuman/cek-status/"


def _post(client, nik, kk, **extra):
    data = {"nik": nik, "kk": kk, "captcha_0": "x", "captcha_1": "PASSED"}
    return client.post(URL, data, **extra)


def _shape(html: str) -> list[str]:
    """The page's structure: its tags and ids, without the text, the result block's content and tokens."""
    html = re.sub(r'<section id="status-result".*?</section>', "", html, flags=re.S)
    html = re.sub(r'value="[^"]*"', "", html)
    html = re.sub(r'src="[^"]*"', "", html)
    html = re.sub(r'href="/captcha/[^"]*"', "", html)  # the captcha's audio: a new key each time
    return re.findall(r"<[a-zA-Z][^>]*>", html)


def test_home_page_links_the_status_check(client, db):
    assert 'href="/pengumuman/cek-status/"' in client.get("/").content.decode()


def test_found_shows_name_agency_and_status_only(client, make_record):
    record = make_record(full_name="Siti Aminah", status=Status.ELIGIBLE)
    page = _post(client, record.nik, record.kk).content.decode()
    assert 'id="status-name">Siti Aminah<' in page
    assert f'id="status-agency">{record.agency.name}<' in page
    assert "Memenuhi Syarat" in page
    assert record.nik not in page and record.kk not in page  # not even echoed in the form


def test_wrong_kk_or_unknown_nik_is_not_found(client, make_record):
    record = make_record()
    wrong_kk = record.kk[:-4] + ("0001" if record.kk[-4:] != "0001" else "0002")
    wrong = _post(client, record.nik, wrong_kk).content.decode()
    assert 'id="status-not-found"' in wrong and record.full_name not in wrong
    unknown = _post(client, "3273010101900001", record.kk).content.decode()
    assert 'id="status-not-found"' in unknown and record.full_name not in unknown


def test_the_nik_and_the_birth_date_it_encodes_reveal_nothing(client, make_record):
    """The birth date is digits 7-12 of the NIK: it is no second factor, the KK number is."""
    record = make_record()
    response = client.post(
        URL,
        {
            "nik": record.nik,
            "birth_date": record.birth_date.isoformat(),
            "captcha_0": "x",
            "captcha_1": "PASSED",
        },
    )
    page = response.content.decode()
    assert record.full_name not in page and record.agency.name not in page
    assert 'name="kk"' in page and 'name="birth_date"' not in page


def test_found_and_not_found_have_the_same_shape_and_the_same_work(
    client, make_record, django_assert_num_queries
):
    record = make_record()
    # The captcha (read, used up, a new one for the next try); the limits (savepoint, one lock
    # statement, the address's and the NIK's hits, the expired ones pruned, the new hits, release);
    # the active period, the lookup, the attempt row.
    with django_assert_num_queries(13) as found_queries:
        found = _post(client, record.nik, record.kk)
    with django_assert_num_queries(13) as missing_queries:
        missing = _post(client, "3273010101900001", record.kk)
    assert found.status_code == missing.status_code == 200
    assert sorted(found.headers) == sorted(missing.headers)
    assert _shape(found.content.decode()) == _shape(missing.content.decode())
    lookups = (
        [q["sql"] for q in found_queries.captured_queries],
        [q["sql"] for q in missing_queries.captured_queries],
    )
    # Values and savepoint names (a counter of the test's transaction) differ; nothing else may.
    strip = lambda sqls: [re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", s) for s in sqls]  # noqa: E731
    assert strip(lookups[0]) == strip(lookups[1])  # the same statements, only the values differ
    assert StatusCheckAttempt.objects.count() == 2  # both counted alike


def test_too_many_checks_from_one_address_are_refused_without_a_lookup(client, make_record, settings):
    settings.STATUS_CHECK_MAX_PER_IP = 3
    record = make_record()
    for n in range(3):
        assert _post(client, f"327301010190{n:04d}", record.kk).status_code == 200
    refused = _post(client, record.nik, record.kk)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert 'id="status-limited"' in page and record.full_name not in page
    assert StatusCheckAttempt.objects.count() == 3
    other_address = _post(client, record.nik, record.kk, REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 200


def test_too_many_checks_for_one_nik_are_refused_from_any_address(client, make_record, settings):
    settings.STATUS_CHECK_MAX_PER_NIK = 2
    record = make_record()
    for n in range(2):
        _post(client, record.nik, record.kk, REMOTE_ADDR=f"10.0.1.{n}")
    assert _post(client, record.nik, record.kk, REMOTE_ADDR="10.0.2.1").status_code == 429


def test_the_nik_is_stored_only_as_a_keyed_hash(client, make_record):
    record = make_record()
    _post(client, record.nik, record.kk)
    attempt = StatusCheckAttempt.objects.get()
    assert record.nik not in attempt.nik_hash and len(attempt.nik_hash) == 64


def test_a_wrong_captcha_or_a_malformed_nik_is_refused_next_to_the_field(client, make_record):
    record = make_record()
    page = client.post(URL, {"nik": "123", "kk": "3273010101900001", "captcha_0": "x", "captcha_1": "PASSED"})
    assert "NIK harus tepat 16 angka." in page.content.decode()
    wrong_captcha = client.post(
        URL,
        {
            "nik": record.nik,
            "kk": record.kk,
            "captcha_0": "x",
            "captcha_1": "WRONG",
        },
    ).content.decode()
    assert record.full_name not in wrong_captcha and 'id="status-not-found"' not in wrong_captcha
    assert not StatusCheckAttempt.objects.exists()

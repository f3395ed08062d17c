"""No input is a server error: NUL characters, and arbitrary strings in every path segment and every
GET parameter of every URL the resolver knows, as anonymous, operator, worker and national admin.

The GET parameters of each page are found by asking the page itself: one request records every
name the view reads from request.GET; hypothesis then sends arbitrary values for all of them.
"""

from __future__ import annotations

import base64
import json
import os
import re
from urllib.parse import quote, urlencode

import pytest
from django.db import transaction
from django.http import QueryDict
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from accounts.models import Role
from registry.listing import SORTS
from registry.models import Document
from registry.models.records import Category, EducationLevel, Flag, PaySource, Status
from tests.factories import (
    AgencyFactory,
    PeriodFactory,
    SubmissionFactory,
    UserFactory,
    WorkerRecordFactory,
)
from tests.security.urlwalk import CONVERTER, GROUP, all_urls

# --- NUL in a path, query string, form field or cookie: 400, never 500 ------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/pengumuman/?q=a%00", "/pengumuman/C3273%00/", "/verifikasi/a%00/", "/instansi/pegawai/?q=%00"]
)
def test_nul_in_the_address_answers_400(client, world, url):
    client.force_login(world["operator"])
    response = client.get(url)
    assert response.status_code == 400
    assert "Permintaan tidak valid" in response.content.decode()


@pytest.mark.django_db
def test_nul_in_a_form_field_answers_400(client):
    response = client.post("/instansi/akun/masuk/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


@pytest.mark.django_db
def test_nul_in_the_session_cookie_answers_400(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/akun/").status_code == 400


# --- Every URL, arbitrary strings --------------------------------------------------------------

PATTERNS = sorted({url.route for url in all_urls()})
ADMIN = [p for p in PATTERNS if p.startswith("admin/")]
SITE = [p for p in PATTERNS if not p.startswith("admin/")]
WORKER = [p for p in SITE if p.startswith("akun/")]
STAFF = [p for p in SITE if p.startswith("instansi/")]

# Any text at all (NUL, controls, slashes, percent signs, other scripts), and a few shapes that
# reach deeper into the code: numbers past bigint, dates, JSON, the agency's own ids.
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)


# Words the pages understand (so the arbitrary values of *other* parameters get past the filter
# form): every choice value of the registry's models, and the list's sort keys.
VOCABULARY = sorted(
    {value for choices in (Status, Category, Flag, EducationLevel, PaySource) for value in choices.values}
    | set(SORTS)
)
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.sampled_from(["notadate", "2021-02-30", "2021-12-31T00:00:00+07:00", "Budi"]),
    TEXT,
)
# The list's paging cursor is base64-encoded JSON [value, id]: forge those, and any other JSON.
FORGED_CURSOR = st.one_of(
    st.tuples(st.one_of(st.sampled_from(["notadate", "2021-02-30", "Budi"]), TEXT), SCALAR).map(list),
    st.recursive(SCALAR, lambda children: st.lists(children, max_size=3), max_leaves=4),
).map(lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("="))


def values(ids: list[int]):
    return st.one_of(
        TEXT,
        FORGED_CURSOR,
        FORGED_CURSOR,
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from([str(i) for i in ids]),
        st.sampled_from(VOCABULARY),
        st.sampled_from(
            [
                "",
                " ",
                "0",
                "-1",
                "2021-02-30",
                "31-12-2021",
                '["notadate",1]',
                "true",
                "null",
                "%",
                "..",
                "[]",
                "{}",
            ]
        ),
    )


def slot_choices(pattern: str) -> list[list[str]]:
    """Per path slot, the values the pattern itself lists (`(?P<file_format>csv|xlsx)`), if any."""
    found = [[] for _ in CONVERTER.findall(pattern)]
    for _name, body in GROUP.findall(pattern):
        found.append(body.split("|") if re.fullmatch(r"[\w|]+", body) else [])
    return found


def fill(pattern: str, segment_values: list[str]) -> str:
    parts = iter(segment_values)
    path = CONVERTER.sub(lambda m: quote(next(parts), safe=""), pattern)
    path = GROUP.sub(lambda m: quote(next(parts), safe=""), path)
    return "/" + path


def real_path(pattern: str, some_id: int) -> str:
    return fill(pattern, [choices[0] if choices else str(some_id) for choices in slot_choices(pattern)])


def segment_strategy(pattern: str, ids: list[int]):
    return st.tuples(
        *[
            st.one_of(st.sampled_from(choices), values(ids)) if choices else values(ids)
            for choices in slot_choices(pattern)
        ]
    )


def parameters_read_by(client, url: str, monkeypatch) -> set[str]:
    """Every name the view reads from a QueryDict while answering one request."""
    seen: set[str] = set()
    with monkeypatch.context() as patch:
        for method in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(QueryDict, method)

            def recorder(self, key, *args, _original=original, **kwargs):
                if isinstance(key, str):
                    seen.add(key)
                return _original(self, key, *args, **kwargs)

            patch.setattr(QueryDict, method, recorder)
        client.get(url, {"_probe": "1"})  # a non-empty query, so filter forms are bound and read
    seen.discard("_probe")
    return seen


# Names read by pages behind a redirect or only in some states, sent everywhere anyway.
COMMON_PARAMETERS = {"q", "page", "next", "before", "after", "sort", "status", "o", "p", "e"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """An agency in the period, its operator, a worker with an account, another agency's record and
    a national admin: made once for the ~270 cases of this module, which only read (each case runs
    in its own transaction inside this one), and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        period = PeriodFactory()
        agency = AgencyFactory()
        SubmissionFactory(agency=agency, period=period)
        operator = UserFactory(role=Role.OPERATOR, agency=agency)
        national_admin = UserFactory(role=Role.NATIONAL_ADMIN, agency=None, is_staff=True, is_superuser=True)
        record = WorkerRecordFactory(agency=agency, period=period)
        worker = UserFactory(role=Role.WORKER, agency=None, worker_record=record, username=record.nik)
        other = WorkerRecordFactory(period=period)
        ids = [agency.pk, record.pk, other.pk, operator.pk, worker.pk, national_admin.pk]
        ids += list(Document.objects.values_list("pk", flat=True))
        yield {"operator": operator, "worker": worker, "national_admin": national_admin, "ids": ids}
        transaction.set_rollback(True)


CASES = (
    [("anonymous", p) for p in SITE + ["admin/", "admin/login/"]]
    + [("operator", p) for p in STAFF + ["pengumuman/", "pengumuman/<str:code>/", "verifikasi/<str:token>/"]]
    + [("worker", p) for p in WORKER]
    + [("national_admin", p) for p in ADMIN]
)


PARAMS = [pytest.param(role, pattern, id=f"{role}:{pattern}") for role, pattern in CASES]


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "pattern"), PARAMS)
def test_arbitrary_strings_in_paths_and_parameters_are_never_a_server_error(
    client, world, role, pattern, monkeypatch
):
    if role != "anonymous":
        client.force_login(world[role], backend="accounts.backends.LoginBackend")
    ids = world["ids"]
    real = real_path(pattern, ids[1])
    read = parameters_read_by(client, real, monkeypatch)
    names = sorted(read | COMMON_PARAMETERS)

    @settings(
        # More examples where there is more to vary; HOSTILE_EXAMPLES=n for a longer hunt.
        max_examples=int(os.environ.get("HOSTILE_EXAMPLES", 0)) or min(2 + 2 * len(read), 16),
        deadline=None,
        database=None,
        derandomize=True,
        # No shrinking: the note below names the failing request, and the suite stays fast.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        segments=segment_strategy(pattern, ids),
        query=st.dictionaries(st.sampled_from(names), values(ids), max_size=len(names)),
    )
    def check(segments, query):
        url = fill(pattern, list(segments))
        encoded = urlencode(query)
        note(f"GET {url}?{encoded}")
        # A savepoint per request: one database error must not poison the examples after it.
        with transaction.atomic():
            response = client.get(f"{url}?{encoded}" if encoded else url)
        assert response.status_code < 500, f"{response.status_code} for {url}?{encoded}"

    check()


def test_every_url_of_the_resolver_is_exercised():
    assert {p for _role, p in CASES} == set(PATTERNS)


@pytest.mark.django_db
@pytest.mark.parametrize("login_url", ["/instansi/akun/masuk/", "/akun/masuk/"])
def test_a_logged_in_user_with_a_bare_word_as_next_is_redirected_not_a_server_error(client, world, login_url):
    """Found by the walk once its sessions were real: `?next=abc` was resolved as a view name."""
    user = world["operator"] if login_url.startswith("/instansi/") else world["worker"]
    client.force_login(user, backend="accounts.backends.LoginBackend")
    response = client.get(login_url, {"next": "WyJub3RhdmlldyJd"})
    assert response.status_code == 302
    assert response["Location"] == "WyJub3RhdmlldyJd"

"""Deadline day, the worker path: whole worker journeys under load, with the server CPU of each step.

Serves the site as deployed (gunicorn -c deploy/gunicorn.conf.py, production settings with DEBUG off
and plain HTTP: bench/load_settings.py, a Redis of its own for cache and sessions; the captcha in
test mode, so that a driver can answer it: its image is still drawn and fetched) on the benchmark
database, and drives BENCH_JOURNEYS workers (40), BENCH_JOURNEY_CONCURRENCY (10) at a time, from
threads of this process, through every step a worker takes on deadline day:

  Buat Akun page + captcha image -> identity check -> step 2 (password, KTP and passport photo: two
  3 MB phone photos) -> account card (PDF) -> log in -> home -> biodata, work history and education
  saved -> five more 3 MB phone photos uploaded (KK, selfie, diploma, SK, proof of pay) -> resume and
  Kirim -> data card (PDF).

Every answer is checked (status, where a redirect leads, a marker in the page, the PDF's header)
and anything else counts as an error. The steps run one after another for all workers (all of step
1, then all of step 2, ...), so the CPU each step cost the server — gunicorn, PostgreSQL and Redis,
read from /proc — is its own; the sum is the CPU of a whole journey, and 3,600 s divided by it the
worker journeys per hour per core.

Targets (issue 22): a whole journey under 1 s of server CPU (2.57 s before), each phone photo under
100 ms, a login under 50 ms.

BENCH_BEFORE=<git revision> serves that revision of the code (exported with `git archive` into
var/bench-before) in the same run, first, for a before/after table.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import http.client
import io
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.load_settings"
JOURNEYS = int(os.environ.get("BENCH_JOURNEYS", "40"))
CONCURRENCY = int(os.environ.get("BENCH_JOURNEY_CONCURRENCY", "10"))
AGENCY_CODE = "WJRN"
PERIOD_NAME = "Benchmark perjalanan pegawai"
PASSWORD = "Bench-Sandi-2026!"  # noqa: S105 - the benchmark's own throw-away accounts
PHOTOS_AFTER_ACCOUNT = ("kk", "selfie", "diploma", "sk", "pay_proof")
TARGETS_MS = {"journey": 1000, "photo": 100, "login": 50}


def phone_photo() -> bytes:
    """A 12-megapixel phone photo of about 3 MB, taken sideways (EXIF orientation 6)."""
    from PIL import Image

    noise = Image.merge("RGB", [Image.effect_noise((1000, 750), 60) for _ in range(3)])
    picture = Image.blend(
        noise.resize((4000, 3000), Image.Resampling.BICUBIC),
        Image.linear_gradient("L").resize((4000, 3000)).convert("RGB"),
        0.5,
    )
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Bench Phone"
    for quality in (90, 86, 80):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality, exif=exif.tobytes())
        if out.tell() <= 3_300_000:
            break
    return out.getvalue()


class Failed(Exception):
    """An answer that is not what the step expects: counted as an error."""


class Browser:
    """One worker's browser: cookies, CSRF tokens, forms (urlencoded or multipart), no redirects followed."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, fields: dict | None = None, files: dict | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        headers = {"Referer": f"http://{self.host}:{self.port}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields or {}, files)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if "expires=Thu, 01 Jan 1970" in cookie or "Max-Age=0" in cookie or not value.strip('"'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, response.msg, content

    def page(self, path: str, marker: str) -> str:
        status, _headers, content = self.request("GET", path)
        text = content.decode()
        if status != 200 or marker not in text:
            raise Failed(f"GET {path}: {status}, {marker!r} {'found' if marker in text else 'missing'}")
        return text

    def post(self, path: str, page: str, fields: dict, *, to: str, files: dict | None = None) -> None:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise Failed(f"no CSRF token on the page of {path}")
        status, headers, content = self.request(
            "POST", path, fields={"csrfmiddlewaretoken": token.group(1), **fields}, files=files
        )
        location = headers.get("Location", "")
        if status != 302 or not location.split("#")[0].endswith(to):
            errors = re.findall(
                r'class="invalid-feedback[^"]*"[^>]*>([^<]+)', content.decode(errors="replace")
            )
            raise Failed(f"POST {path}: {status} to {location!r}, not to {to}; {errors[:3]}")

    def pdf(self, path: str) -> None:
        status, headers, content = self.request("GET", path)
        if (
            status != 200
            or headers.get("Content-Type") != "application/pdf"
            or not content.startswith(b"%PDF")
        ):
            raise Failed(f"GET {path}: {status} {headers.get('Content-Type')}, not a PDF")


def _multipart(boundary: str, fields: dict, files: dict) -> bytes:
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content_type, content) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


@dataclass
class Journey:
    """One worker registered by the agency, and the browser they use."""

    nik: str
    kk: str
    full_name: str
    birth_place: str
    birth_date: dt.date
    browser: Browser
    pages: dict[str, str] = field(default_factory=dict)


# --- the steps (each a function of one journey; `photo` is the 3 MB phone photo) ---------------
def step_register_page(j: Journey, photo: bytes) -> None:
    page = j.browser.page("/akun/buat/", 'name="captcha_0"')
    image = re.search(r'src="(/captcha/image/[^"]+)"', page)
    status, headers, content = j.browser.request("GET", image.group(1)) if image else (0, {}, b"")
    if status != 200 or not content.startswith(b"\x89PNG"):
        raise Failed("the captcha image was not drawn")
    j.pages["register"] = page


def step_identity_check(j: Journey, photo: bytes) -> None:
    page = j.pages.pop("register")
    key = re.search(r'name="captcha_0" value="([^"]+)"', page).group(1)
    fields = {
        "nik": j.nik,
        "kk": j.kk,
        "full_name": j.full_name,
        "birth_place": j.birth_place,
        "birth_date": j.birth_date.isoformat(),
        "phone": "081234567890",
        "email": f"{j.nik}@bench.example",
        "captcha_0": key,
        "captcha_1": "PASSED",
    }
    j.browser.post("/akun/buat/", page, fields, to="/akun/buat/langkah-2/")


def step_create_account(j: Journey, photo: bytes) -> None:
    page = j.browser.page("/akun/buat/langkah-2/", 'name="password1"')
    files = {"ktp": ("IMG_0001.jpg", "image/jpeg", photo), "photo": ("IMG_0002.jpg", "image/jpeg", photo)}
    fields = {"password1": PASSWORD, "password2": PASSWORD}
    j.browser.post("/akun/buat/langkah-2/", page, fields, to="/akun/buat/selesai/", files=files)


def step_account_card(j: Journey, photo: bytes) -> None:
    j.browser.page("/akun/buat/selesai/", "kartu-akun.pdf")
    j.browser.pdf("/akun/kartu-akun.pdf")
    j.browser.cookies.clear()  # the worker comes back another day


def step_login(j: Journey, photo: bytes) -> None:
    page = j.browser.page("/akun/masuk/", 'name="password"')
    j.browser.post("/akun/masuk/", page, {"username": j.nik, "password": PASSWORD}, to="/akun/")


def step_home(j: Journey, photo: bytes) -> None:
    j.browser.page("/akun/", 'id="record-status"')


def step_biodata(j: Journey, photo: bytes) -> None:
    page = j.browser.page("/akun/biodata/", 'name="sk_number"')
    fields = {
        "phone": "081298765432",
        "email": f"{j.nik}@bench.example",
        "address": "Jl. Asia Afrika 10, Bandung",
        "sk_number": "800/55/2018",
        "sk_date": "2018-07-01",
        "sk_signer_position": "Kepala Dinas Pendidikan",
        "start_date": "2018-07-01",
        "end_date": "",
        "monthly_pay": "1750000",
    }
    j.browser.post("/akun/biodata/", page, fields, to="/akun/riwayat-pekerjaan/")


def step_history(j: Journey, photo: bytes) -> None:
    page = j.browser.page("/akun/riwayat-pekerjaan/", 'name="history-TOTAL_FORMS"')
    fields = {
        "history-TOTAL_FORMS": "1",
        "history-INITIAL_FORMS": "0",
        "history-MAX_NUM_FORMS": "5",
        "history-0-start_date": "2018-07-01",
        "history-0-end_date": "",
        "history-0-sk_number": "800/55/2018",
        "history-0-position": "Guru",
        "history-0-unit": "SDN 1 Bandung",
    }
    j.browser.post("/akun/riwayat-pekerjaan/", page, fields, to="/akun/pendidikan/")


def step_education(j: Journey, photo: bytes) -> None:
    page = j.browser.page("/akun/pendidikan/", 'name="education_level"')
    fields = {
        "education_level": "S1",
        "education_institution": "Universitas Padjadjaran",
        "education_major": "Pendidikan Matematika",
        "diploma_number": "UNPAD/2012/9",
        "graduation_date": "2012-09-01",
    }
    j.browser.post("/akun/pendidikan/", page, fields, to="/akun/dokumen/")


def step_photos(j: Journey, photo: bytes) -> None:
    for kind in PHOTOS_AFTER_ACCOUNT:
        page = j.browser.page("/akun/dokumen/", f'id="file-{kind}"')
        files = {"file": (f"IMG_{kind}.jpg", "image/jpeg", photo)}
        j.browser.post("/akun/dokumen/", page, {"kind": kind}, to="/akun/dokumen/", files=files)


def step_submit(j: Journey, photo: bytes) -> None:
    page = j.browser.page("/akun/resume/", 'id="submit-record"')
    j.browser.post("/akun/kirim/", page, {}, to="/akun/resume/")
    j.browser.page("/akun/resume/", "Data Anda sudah dikirim ke instansi")  # not the refusal


def step_data_card(j: Journey, photo: bytes) -> None:
    j.browser.pdf("/akun/kartu-pendataan.pdf")


# label, function, how many of the thing the step does per journey (for "per photo")
STEPS = [
    ("Buat Akun page + captcha image", step_register_page, 1),
    ("identity check (step 1)", step_identity_check, 1),
    ("account: password + KTP + photo (2 x 3 MB)", step_create_account, 1),
    ("account card (PDF)", step_account_card, 1),
    ("login (form + POST)", step_login, 1),
    ("home", step_home, 1),
    ("biodata saved", step_biodata, 1),
    ("work history saved", step_history, 1),
    ("education saved", step_education, 1),
    ("5 phone photos uploaded (3 MB each)", step_photos, 5),
    ("resume + Kirim", step_submit, 1),
    ("data card (PDF, photo + QR)", step_data_card, 1),
]


def _prepare(count: int) -> list[dict]:
    """`count` workers registered by the agency (status registered, no account), new each run."""
    from django.utils import timezone

    from bench.generate import bench_fixtures, nik_for
    from registry.models import Period, WorkerRecord

    period, agency, _user = bench_fixtures(AGENCY_CODE, period_name=PERIOD_NAME)
    # The worker pages read the active period: this benchmark's, while it runs.
    Period.objects.exclude(pk=period.pk).update(is_active=False)
    Period.objects.filter(pk=period.pk).update(
        is_active=True,
        input_deadline=timezone.now() + dt.timedelta(days=30),
        correction_deadline=timezone.now() + dt.timedelta(days=40),
        finalisation_deadline=timezone.now() + dt.timedelta(days=50),
    )
    start = WorkerRecord.objects.filter(agency=agency, period=period).count()
    people = []
    for serial in range(start + 1, start + count + 1):
        birth = dt.date(1980, 1, 1) + dt.timedelta(days=serial % 6000)
        sex = "F" if serial % 2 else "M"
        nik = nik_for(birth, sex, serial=serial % 10000, region=f"32{10 + serial // 10000:02d}01")
        person = {
            "nik": nik,
            "kk": f"3273{serial:012d}",
            "full_name": f"Pegawai Perjalanan {serial}",
            "birth_place": "Bandung",
            "birth_date": birth,
        }
        WorkerRecord.objects.create(
            period=period,
            agency=agency,
            registration_number=f"NA-WJ-{serial}",
            sex=sex,
            position="Guru",
            status="registered",
            **person,
        )
        people.append(person)
    return people


@dataclass
class StepResult:
    label: str
    per: int
    cpu_ms: float  # server CPU (gunicorn + PostgreSQL + Redis) per journey
    db_ms: float  # of which PostgreSQL + Redis
    wall_s: float
    errors: int
    first_error: str = ""


def _run(server, people: list[dict], photo: bytes) -> list[StepResult]:
    from bench._load import _tree_cpu

    journeys = [Journey(browser=Browser(server.base), **person) for person in people]

    def server_cpu() -> tuple[float, float]:
        return _tree_cpu(server.pid), _tree_cpu(server.postgres) + _tree_cpu(server.redis)

    results = []
    alive = journeys
    with concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool:
        # Every worker process past its first requests (imports, templates, fonts) before measuring.
        warm = Browser(server.base)
        for path in ["/akun/buat/", "/akun/masuk/", "/"] * server.workers * 2:
            pool.submit(warm.request, "GET", path).result()
        for label, step, per in STEPS:
            print(f"  {label} ...", flush=True)

            def one(j: Journey, step=step) -> str | None:
                try:
                    step(j, photo)
                except Failed as exc:
                    return str(exc)
                return None

            before, t0 = server_cpu(), time.monotonic()
            outcomes = list(pool.map(one, alive))
            after, wall = server_cpu(), time.monotonic() - t0
            app, db = ((a - b) * 1000 / max(len(alive), 1) for a, b in zip(after, before, strict=True))
            failed = [(j, o) for j, o in zip(alive, outcomes, strict=True) if o]
            results.append(
                StepResult(
                    label,
                    per,
                    app + db,
                    db,
                    wall,
                    len(failed),
                    failed[0][1] if failed else "",
                )
            )
            # A worker whose step failed cannot go on (no account, no session): later steps skip them.
            alive = [j for j, o in zip(alive, outcomes, strict=True) if not o]
            if not alive:
                sys.exit(f"every journey failed at {label!r}: {failed[0][1]}")
    return results


def _print(title: str, results: list[StepResult], load: str) -> float:
    journey = sum(r.cpu_ms for r in results)
    print(
        f"\n-- {title}\n{JOURNEYS} worker journeys, {CONCURRENCY} at a time; server CPU (gunicorn + "
        f"PostgreSQL + Redis, from /proc) per journey for each step; load average at the start {load}"
    )
    print(f"{'step':<46} {'CPU/journey':>12} {'of it db':>9} {'per item':>9} {'wall':>7} {'err':>4}")
    for r in results:
        per_item = f"{r.cpu_ms / r.per:7.0f}ms" if r.per > 1 else ""
        print(
            f"{r.label:<46} {r.cpu_ms:10.0f}ms {r.db_ms:7.0f}ms {per_item:>9} {r.wall_s:6.1f}s {r.errors:4d}  "
            f"{r.first_error[:120]}"
        )
    db = sum(r.db_ms for r in results)
    print(
        f"{'whole journey':<46} {journey:10.0f}ms {db:7.0f}ms  -> {3_600_000 / journey:,.0f} worker journeys "
        "per hour per core"
    )
    return journey


def _before_tree(revision: str) -> Path:
    """The code of `revision`, exported (no git metadata changes) into var/bench-before."""
    target = ROOT / "var" / "bench-before"
    subprocess.run(["rm", "-rf", str(target)], check=True)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> None:
    from django.db import connection

    from bench._load import load_average, serve
    from bench.generate import use_bench_database

    use_bench_database()
    photo = phone_photo()
    print(f"phone photo: {len(photo) / 1e6:.1f} MB, 4000 x 3000, EXIF orientation 6")
    media = tempfile.mkdtemp(prefix="bench-media-")
    env = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CAPTCHA_TEST_MODE": "1",  # the driver answers "PASSED"; the image is still drawn
        "MEDIA_ROOT": media,
        "IDENTITY_CHECK_MAX_PER_IP": "100000",  # every journey comes from 127.0.0.1
        "EMAIL_URL": "dummymail://",
    }
    runs = []
    if revision := os.environ.get("BENCH_BEFORE"):
        runs.append((f"before: {revision}", _before_tree(revision)))
    runs.append(("after: this tree", ROOT))
    totals = {}
    for title, tree in runs:
        people = _prepare(JOURNEYS)
        connection.close()
        db = connection.settings_dict
        run_env = {**env, "DATABASE_URL": _database_url(db)} if tree != ROOT else env
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=tree, env={**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "DEBUG": "0", **run_env}, check=True,
        )  # fmt: skip
        with serve(SETTINGS, ready="/bench/ok/", env=run_env, redis=True, cwd=tree) as server:
            load = load_average()
            results = _run(server, people, photo)
        totals[title] = (_print(title, results, load), results)
    journey, results = totals[runs[-1][0]]
    by_label = {r.label: r for r in results}
    photo_ms = by_label["5 phone photos uploaded (3 MB each)"].cpu_ms / 5
    login_ms = by_label["login (form + POST)"].cpu_ms
    errors = sum(r.errors for r in results)
    print()
    for label, value, target in (
        ("whole journey", journey, TARGETS_MS["journey"]),
        ("each phone photo (page + upload)", photo_ms, TARGETS_MS["photo"]),
        ("login (form + POST)", login_ms, TARGETS_MS["login"]),
    ):
        print(
            f"  [{'ok' if value < target else 'MISSED'}] {label}: {value:.0f} ms of server CPU < {target} ms"
        )
    print(f"  [{'ok' if not errors else 'MISSED'}] no errors ({errors})")


def _database_url(db: dict) -> str:
    """The benchmark database as a DATABASE_URL, for code exported elsewhere (it would otherwise
    start an embedded server of its own under its own var/). A Unix socket goes in `?host=`."""
    from urllib.parse import quote

    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or ""
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{db['NAME']}?host={quote(host)}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"

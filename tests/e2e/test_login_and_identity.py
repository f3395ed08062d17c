"""As a person meets them: Buat Akun typed as on the KTP, a second Buat Akun after the account exists,
a wrong password on each login page, and the captcha's "Ganti gambar"."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from accounts.models import Role
from tests.accounts.support import make_worker
from tests.factories import UserFactory, WorkerRecordFactory, make_kk, make_nik

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _captcha_test_mode(settings, monkeypatch):
    settings.CAPTCHA_TEST_MODE = True
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)


@pytest.fixture
def record(agency, period):
    birth = dt.date(1988, 11, 2)
    return WorkerRecordFactory(
        agency=agency,
        period=period,
        full_name="Agus Setiawan Wibowo",
        birth_place="Kab. Sleman",
        birth_date=birth,
        sex="M",
        nik=make_nik(birth, "M", region="340401", serial=6160),
        kk=make_kk(region="340401", serial=6161),
    )


def _identity_step(page, record, *, name, place):
    page.goto("/akun/buat/")
    page.fill("#id_nik", f"{record.nik[:6]} {record.nik[6:12]} {record.nik[12:]}")
    page.fill("#id_kk", record.kk)
    page.fill("#id_full_name", name)
    page.fill("#id_birth_place", place)
    page.fill("#id_birth_date", record.birth_date.isoformat())
    page.fill("#id_phone", "081322223333")
    page.fill("#id_email", "agus@example.test")
    page.fill("#id_captcha_1", "PASSED")
    page.click("#identity-submit")


def test_buat_akun_with_the_ktps_capitals_reaches_step_2(page, record):
    _identity_step(page, record, name="AGUS SETIAWAN WIBOWO", place="KAB SLEMAN")
    page.wait_for_url(re.compile(r"/akun/buat/langkah-2/$"))
    assert page.locator("h1").first.inner_text() == "Langkah 2: Lengkapi Data"
    assert page.locator(".reg-step.active").inner_text() == "Langkah 2: Lengkapi Data"


def test_second_buat_akun_after_the_account_exists_points_to_login_and_reset(page, record):
    make_worker(record, email="agus@example.test")
    _identity_step(page, record, name="Agus Setiawan Wibowo", place="Kab. Sleman")
    box = page.locator("#identity-has-account")
    assert "Anda sudah memiliki akun" in box.inner_text()
    assert box.get_by_role("link", name="Masuk").get_attribute("href") == "/akun/masuk/"
    box.get_by_role("link", name="Lupa kata sandi?").click()
    page.wait_for_url(re.compile(r"/akun/lupa-sandi/$"))


WRONG_PASSWORD_MESSAGES = [
    ("/akun/masuk/", "NIK/e-mail atau kata sandi salah."),
    ("/instansi/akun/masuk/", "Nama pengguna atau kata sandi salah."),
    ("/admin/login/", "Nama pengguna atau kata sandi salah."),
]


def test_a_wrong_password_shows_one_clear_message_on_each_login_page(page, record, operator):
    names = {
        "/akun/masuk/": make_worker(record, email="agus@example.test").email,
        "/instansi/akun/masuk/": operator.username,
        "/admin/login/": UserFactory(role=Role.NATIONAL_ADMIN, is_staff=True, is_superuser=True).username,
    }
    for url, expected in WRONG_PASSWORD_MESSAGES:
        page.goto(url)
        page.fill("#id_username", names[url])
        page.fill("#id_password", "salah-sandi-99")
        page.locator("form [type=submit]").first.click()
        errors = page.locator("#login-error, .errornote, .errorlist")
        # The answer stays at the same address: wait for its message, not for the page before it.
        errors.first.wait_for()
        assert errors.count() == 1, url
        text = errors.first.inner_text()
        assert expected in text, url
        assert "nama pengguna nama pengguna" not in page.content().lower(), url


def test_ganti_gambar_gives_a_new_captcha_without_inline_scripts(page):
    violations = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto("/akun/buat/")
    key = page.locator("input[name=captcha_0]").input_value()
    src = page.locator("img.captcha").get_attribute("src")
    page.get_by_role("button", name="Ganti gambar").click()
    page.wait_for_function("key => document.querySelector('input[name=captcha_0]').value !== key", arg=key)
    assert page.locator("img.captcha").get_attribute("src") != src
    assert page.locator("label[for=id_captcha_1]").inner_text().startswith("Ketik karakter pada gambar")
    assert violations == []

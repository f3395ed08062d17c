"""The Buat Akun page: a labelled captcha with "ganti gambar" (and audio where flite is installed),
no inline scripts, and step labels that agree with the headings."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/akun/buat/"


def test_captcha_answer_has_a_label(client):
    html = client.get(URL).content.decode()
    assert re.search(r'<label[^>]*for="id_captcha_1"[^>]*>\s*Ketik karakter pada gambar', html)
    assert 'id="id_captcha_1"' in html


def test_captcha_has_a_refresh_button_driven_by_a_static_script(client):
    html = client.get(URL).content.decode()
    assert f'data-captcha-refresh="{reverse("captcha-refresh")}"' in html
    assert ">Ganti gambar<" in html
    assert 'src="/static/js/captcha-refresh.js"' in html
    assert finders.find("js/captcha-refresh.js")
    # No inline script anywhere on the page (the Content-Security-Policy allows none).
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)


def test_captcha_refresh_gives_a_new_key_and_picture(client):
    old_key = re.search(r'name="captcha_0" value="(\w+)"', client.get(URL).content.decode()).group(1)
    response = client.get(reverse("captcha-refresh"), headers={"x-requested-with": "XMLHttpRequest"})
    data = json.loads(response.content)
    assert data["key"] != old_key
    assert data["image_url"].endswith(f"/{data['key']}/")
    assert client.get(data["image_url"]).status_code == 200


@pytest.mark.skipif(not shutil.which("flite"), reason="flite is not installed: no audio captcha")
def test_captcha_can_be_heard(client):
    html = client.get(URL).content.decode()
    audio = re.search(r'href="(/captcha/audio/\w+\.wav)"[^>]*id="captcha-audio"', html).group(1)
    response = client.get(audio)
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_step_labels_agree_with_the_headings(client, registered):
    from tests.accounts.support import identity_post

    step1 = client.get(URL).content.decode()
    steps = re.search(r'<ol class="reg-steps.*?</ol>', step1, re.S).group(0)
    assert "Langkah 1: Pengecekan Identitas" in steps
    assert "Langkah 2: Lengkapi Data" in steps
    step2 = client.get(client.post(URL, identity_post(registered)).url).content.decode()
    steps2 = re.search(r'<ol class="reg-steps.*?</ol>', step2, re.S).group(0)
    assert re.search(r'aria-current="step">Langkah 2: Lengkapi Data<', steps2)
    assert '<h1 class="h4">Langkah 2: Lengkapi Data</h1>' in step2

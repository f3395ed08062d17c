"""Links printed by `make run` (cards, QR codes, e-mails) point where the server really listens."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR
RUN_DEV = re.compile(r'SITE_URL="([^"]*)" \S+ manage\.py run_dev --addrport (\S+)')

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


def make_run_line(*args: str, **env: str) -> tuple[str, str]:
    """What `make run` would start (make -n prints the commands without running them)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "MAKEFLAGS", "MFLAGS")}
    environment.update(env)
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    match = RUN_DEV.search(result.stdout)
    assert match, result.stdout
    return match.group(1), match.group(2)


def site_url_seen_by_django(site_url: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(SITE_URL=site_url, DEBUG="1", DJANGO_SETTINGS_MODULE="nonasn.settings")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_make_run_on_another_port_prints_links_to_that_port():
    site_url, addrport = make_run_line("PORT=8123")
    assert (site_url, addrport) == ("http://127.0.0.1:8123", "127.0.0.1:8123")
    assert site_url_seen_by_django(site_url) == "http://127.0.0.1:8123"


def test_make_run_on_all_interfaces_links_to_the_loopback_address():
    site_url, addrport = make_run_line("HOST=0.0.0.0", "PORT=8200")
    assert (site_url, addrport) == ("http://127.0.0.1:8200", "0.0.0.0:8200")


def test_a_given_site_url_wins():
    site_url, _addrport = make_run_line("PORT=8123", SITE_URL="https://pendataan.example.go.id")
    assert site_url == "https://pendataan.example.go.id"
    assert site_url_seen_by_django(site_url) == "https://pendataan.example.go.id"

"""The portal's connection examples, run as shown against a live server with a real key."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from api.examples import examples
from registry.models import WorkerRecord
from tests.api.support import make_key


@pytest.fixture
def live_key(live_server, agency, agency_admin, period):
    return make_key(agency=agency, actor=agency_admin)[1]


def test_the_python_example_runs_and_registers_its_worker(live_server, live_key, agency):
    code = examples(base=live_server.url, token=live_key)["python"]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    record = WorkerRecord.objects.get(agency=agency, full_name="Siti Aminah")
    assert f"0 created {record.pk} {record.registration_number}" in result.stdout


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_example_runs_and_registers_its_worker(live_server, live_key, agency):
    script = examples(base=live_server.url, token=live_key)["curl"]
    result = subprocess.run(["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert '"results"' in result.stdout
    assert '"created":1' in result.stdout
    assert WorkerRecord.objects.filter(agency=agency, full_name="Siti Aminah").count() == 1

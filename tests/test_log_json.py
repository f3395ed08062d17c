"""LOG_FORMAT=json: one JSON object a line, with the personal-data mask still applied."""

from __future__ import annotations

import io
import json
import logging

import pytest

from nonasn.log_json import JsonFormatter
from nonasn.logging import MaskPersonalData

NIK = "3273011705900001"


@pytest.fixture
def log_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPersonalData())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.log_json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield logger, lines
    logger.removeHandler(handler)


def test_each_record_is_one_json_object_with_level_logger_and_message(log_lines):
    logger, lines = log_lines
    logger.info("Import %s selesai: %d baris", "job-7", 120, extra={"job_id": 7})
    [entry] = lines()
    assert entry["level"] == "INFO"
    assert entry["logger"] == "tests.log_json"
    assert entry["message"] == "Import job-7 selesai: 120 baris"
    assert entry["job_id"] == 7
    assert entry["time"].endswith("+00:00")


def test_a_nik_in_the_message_or_its_arguments_is_masked(log_lines):
    logger, lines = log_lines
    logger.warning("NIK %s ditolak", NIK)
    logger.warning(f"NIK {NIK} ditolak")
    output = json.dumps(lines())
    assert NIK not in output
    assert all(entry["message"] == "NIK **************** ditolak" for entry in lines())


def test_a_nik_in_an_extra_field_is_masked_even_without_the_handlers_filter():
    formatter = JsonFormatter()
    record = logging.makeLogRecord({"msg": "cari %s", "args": (NIK,), "levelname": "INFO", "query": NIK})
    line = formatter.format(record)
    assert NIK not in line
    assert json.loads(line)["message"] == "cari ****************"


def test_a_traceback_is_one_field_of_the_same_line(log_lines):
    logger, lines = log_lines
    try:
        raise ValueError("rusak")
    except ValueError:
        logger.exception("Gagal")
    [entry] = lines()
    assert entry["message"] == "Gagal"
    assert "ValueError: rusak" in entry["exception"]

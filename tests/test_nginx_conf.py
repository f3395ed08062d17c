"""deploy/nginx.conf passes `nginx -t` (skipped where nginx is not installed)."""

from __future__ import annotations

import subprocess

import pytest

from tests.nginx_support import NGINX, local_conf


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")
def test_the_deployment_nginx_configuration_passes_nginx_t(tmp_path):
    result = subprocess.run([NGINX, "-t", "-c", str(local_conf(tmp_path))], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def _size(text: str) -> int:
    number, unit = int(text[:-1]), text[-1]
    return number * {"k": 1024, "m": 1024 * 1024}[unit]


def test_the_proxy_refuses_bodies_at_the_apps_own_limits():
    """The same table in both places: nginx refuses first, the app is the second line; a limit that
    differed would answer nginx's bare 413 where the form had its own message (or the reverse)."""
    import re
    from pathlib import Path

    from django.conf import settings

    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx.conf").read_text()
    server_default = re.search(r"\n        client_max_body_size (\d+[km]);", conf).group(1)
    locations = {
        prefix: _size(size)
        for prefix, size in re.findall(r"location (/\S*) \{\s*client_max_body_size (\d+[km]);", conf)
    }
    assert {"/": _size(server_default), **locations} == settings.REQUEST_BODY_LIMITS


def test_an_api_body_over_its_limit_is_a_problem_document(client, settings):
    response = client.post(
        "/api/v1/workers/bulk/",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(settings.REQUEST_BODY_LIMITS["/api/"] + 1),
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "body_too_large"

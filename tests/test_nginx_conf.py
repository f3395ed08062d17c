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

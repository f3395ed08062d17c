"""deploy/nginx.conf run by the tests: the shipped file with its paths in a temporary directory."""

from __future__ import annotations

import shutil
from pathlib import Path

CONF = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def local_conf(directory: Path, **replacements: str) -> Path:
    """The shipped file with its pid, log and cache paths in `directory` (and any other replacements)."""
    directory.chmod(0o755)  # nginx's workers (another user when started as root) write the cache here
    text = CONF.read_text()
    for old, new in {
        "/run/nginx-pendataan.pid": f"{directory}/nginx.pid",
        "/var/log/nginx/": f"{directory}/",
        "/var/cache/nginx/pendataan": f"{directory}/cache",
        **replacements,
    }.items():
        assert old in text, old
        text = text.replace(old, new)
    conf = directory / "nginx.conf"
    conf.write_text(text)
    return conf

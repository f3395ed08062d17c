"""What an app server process does once as it starts, before it takes its first request
(deploy/gunicorn.conf.py calls `warm_up_process` from gunicorn's post_worker_init, last, after the
apps' own warm-ups such as accounts.cards.warm_up: the project package imports no app).

Django loads much of a site lazily: the URLconf and with it every view module on the first
request, each template on the first page that uses it, each language's catalogues on the first
page in it. A new process's first requests paid for that (~0.35 s of CPU for the first, ~50 ms
for the first /statistik/), after every start, deploy and `max_requests` recycle, while the
process already counted as serving. Here it is paid before the process accepts a request.

Then the objects loaded so far (Django, the apps, their templates, the cards' fonts: ~170,000)
are frozen (`gc.freeze()`): they live as long as the process, and the garbage collector's full
passes no longer walk them. Such a pass walked them all, ~100 ms of CPU inside one request every
few hundred requests of a process: what set /statistik/'s p99 (docs/performance.md, session 7).
"""

from __future__ import annotations

import gc
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation


def site_templates() -> list[str]:
    """The names of the site's own templates (the project's template folder), to compile."""
    names = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        root = Path(folder)
        names += sorted(str(path.relative_to(root)) for path in root.rglob("*.html"))
    return names


def warm_up_process() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports the URLconf and every view module
    for name in site_templates():
        get_template(name)  # compiled once into the cached loader, with what it extends and includes
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")  # loads the language's catalogues
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()

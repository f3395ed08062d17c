"""`{% fixed_url 'name' %}`: the address of a URL without arguments, reversed once per process.

Every page's header and the portal's navigation hold a dozen such links; `{% url %}` reverses each
one on every request (~30-60 µs apiece, a tenth of a portal page's CPU). Their addresses only
change with the script prefix and the URL configuration, which are the memo's key. Loaded as a template builtin.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=512)
def _reversed(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    return _reversed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)

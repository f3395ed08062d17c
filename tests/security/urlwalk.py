"""Every URL the resolver knows, for the tests that must cover every page (a new URL is covered the
moment it is added): the route with its parameter names, and its namespaced name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
ROUTE_PARAM = re.compile(r"(?<!\?P)<(?:(\w+):)?(\w+)>")  # a converter, not a regex group's name


@dataclass(frozen=True)
class Url:
    route: str  # "instansi/pegawai/<int:pk>/", regular-expression routes unescaped
    name: str  # "registry:worker-detail" ("" for an unnamed pattern)
    params: tuple[str, ...]  # the parameter names, in the order they appear
    view: object

    def fill(self, values: dict[str, object]) -> str:
        """The path with each parameter replaced by values[name] (URL-quoted)."""
        path = ROUTE_PARAM.sub(lambda m: quote(str(values[m.group(2)]), safe=""), self.route)
        return "/" + GROUP.sub(lambda m: quote(str(values[m.group(1)]), safe=""), path)


def _route(pattern) -> str:
    route = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        route = route.removeprefix("^").removesuffix("$").replace("\\.", ".")
    return route


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str | None = None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + _route(entry)
        if isinstance(entry, URLResolver):
            ns = ":".join(filter(None, (namespace, entry.namespace))) if entry.namespace else namespace
            yield from walk(entry, route, ns)
        elif isinstance(entry, URLPattern):
            params = [m.group(2) for m in ROUTE_PARAM.finditer(route)] + [
                m.group(1) for m in GROUP.finditer(route)
            ]
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Url(route=route, name=name, params=tuple(params), view=entry.callback)


def all_urls() -> list[Url]:
    return sorted(set(walk()), key=lambda u: (u.route, u.name))

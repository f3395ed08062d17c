"""The one answer to "which address did this request come from?".

Used by the audit trail (accounts.access.client_ip), the rate limits and django-axes
(AXES_CLIENT_IP_CALLABLE), so a lockout, a rate limit and an audit row name the same client; the
limits count an IPv6 client by its /64 (`limit_address`).

X-Forwarded-For is a list each proxy appends to: "client-claimed, …, seen-by-proxy-1, seen-by-proxy-2".
Only the entries our own proxies wrote can be trusted: with TRUSTED_PROXY_HOPS = N the client is the
N-th entry from the right. Anything further left is whatever the client sent, and a forged header
must not let one address pose as many (escaping the limits) or as someone else (in the audit).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    address = address.strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    hops = settings.TRUSTED_PROXY_HOPS
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if hops <= 0:
        return remote
    forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < hops:
        # The request did not pass through all our proxies (or they are misconfigured): the
        # nearest address we know for sure is the connection's.
        return remote
    return _valid(forwarded[-hops]) or remote


def limit_address(address: str | None) -> str | None:
    """The address a rate limit counts by: an IPv4 address itself, an IPv6 address's /64 network.

    One IPv6 subscriber (a home, a phone) is given a whole /64 and can pick a new address in it for
    every request: counting per address would let one person pass any limit. The network's first
    address stands for it ("2001:db8:1:2::"), a valid address wherever one is stored (django-axes).
    """
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def limit_client_ip(request: HttpRequest) -> str | None:
    """The client's address as the limits count it (django-axes' AXES_CLIENT_IP_CALLABLE)."""
    return limit_address(client_ip(request))

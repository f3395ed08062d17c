"""How often a complaint or report may be filed: per client address and per (NIK, address),
counted by registry.limits in the filing's transaction, so simultaneous filings cannot slip under a
limit; a refusal says when to try again (nothing sleeps). Also the keyed NIK digest they count by.

Not here: the counting itself (`registry.limits`) and anything else a filing checks (`filing.py`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings

from nonasn.client_ip import limit_address
from registry.limits import Limit, LimitReached, limits_take

# The filing limits are settings (COMPLAINT_*), counted over filings of both kinds.


def nik_digest(nik: str) -> str:
    """A keyed hash: the complaints table never holds a complainant's NIK (nor a way to list them)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"complaint:" + nik.strip().encode(), hashlib.sha256).hexdigest()


# A filing over a limit: `retry_at` says when to try again (the one exception of registry.limits).
RateLimited = LimitReached


def complaint_limits(*, digest: str, ip: str | None) -> list[Limit]:
    """The filing limits (COMPLAINT_* settings), over complaints and reports together.

    Per address (an IPv6 /64) and per NIK *from that address*: a NIK limit counted from anywhere
    would let anyone who names a worker's NIK five times block that worker's own complaint or
    report for a day; counted per (NIK, address), one place still cannot repeat itself about one
    person, and the person concerned is never silenced by someone else.
    """
    address = limit_address(ip) or ""
    return [
        Limit(
            "complaint:nik-address",
            f"{digest}:{address}",
            settings.COMPLAINT_MAX_PER_NIK,
            settings.COMPLAINT_NIK_WINDOW,
        ),
        Limit("complaint:address", address, settings.COMPLAINT_MAX_PER_IP, settings.COMPLAINT_IP_WINDOW),
    ]


def check_rate(*, ip: str | None, digest: str, now: dt.datetime) -> None:
    """Count this filing against its limits (in the filing's transaction: a filing rolled back was
    not counted), or raise RateLimited."""
    limits_take(limits=complaint_limits(digest=digest, ip=ip), now=now)

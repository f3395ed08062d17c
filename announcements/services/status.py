"""A worker's status as the public may see it: the one source for Cek Status and card verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from announcements.models import StatusCheckAttempt
from nonasn.client_ip import limit_address
from registry.limits import Limit, LimitReached, limits_take
from registry.models import AgencyContact, Period, Status, WorkerRecord

CONTACT_VALUES = tuple(f"agency__contact__{name}" for name in AgencyContact.FIELDS)


@dataclass(frozen=True)
class PublicStatus:
    full_name: str
    agency_name: str
    status: str
    agency_code: str = ""
    # The agency's contact (registry.AgencyContact, unsaved), read in the same query: whom to ask.
    contact: AgencyContact | None = None

    @property
    def agency(self) -> dict[str, str]:
        return {"name": self.agency_name, "code": self.agency_code}

    @property
    def status_label(self) -> str:
        return Status(self.status).label


def public_status(condition: Q) -> PublicStatus | None:
    """Name, agency and current status of the record matching `condition` (a released one last).

    Both public ways in call this with one condition: the same query shape whatever the outcome.
    """
    row = (
        WorkerRecord.objects.filter(condition)
        .annotate(
            released=Case(
                When(status=Status.RELEASED, then=Value(1)), default=Value(0), output_field=IntegerField()
            )
        )
        .order_by("released", "-created_at")
        .values("full_name", "agency__name", "agency__code", "status", *CONTACT_VALUES)
        .first()
    )
    if row is None:
        return None
    contact = AgencyContact(**{name: row[f"agency__contact__{name}"] or "" for name in AgencyContact.FIELDS})
    return PublicStatus(
        full_name=row["full_name"],
        agency_name=row["agency__name"],
        status=row["status"],
        agency_code=row["agency__code"],
        contact=contact,
    )


def status_by_card(token: str) -> PublicStatus | None:
    return public_status(Q(card_token=token))


def _nik_hash(nik: str) -> str:
    """A keyed hash: the attempts table never holds a NIK."""
    return hmac.new(settings.SECRET_KEY.encode(), b"status-check:" + nik.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class StatusCheck:
    found: PublicStatus | None = None
    retry_at: dt.datetime | None = None

    @property
    def limited(self) -> bool:
        return self.retry_at is not None


def status_limits(*, nik_digest: str, ip: str | None) -> list[Limit]:
    """Cek Status's limits: per address (an IPv6 /64) and per NIK, within one window."""
    window = settings.STATUS_CHECK_WINDOW
    return [
        Limit("status-check:address", limit_address(ip) or "", settings.STATUS_CHECK_MAX_PER_IP, window),
        Limit("status-check:nik", nik_digest, settings.STATUS_CHECK_MAX_PER_NIK, window),
    ]


def status_check(*, nik: str, kk: str, ip: str | None) -> StatusCheck:
    """Cek Status: refused when the address or the NIK tried too often; otherwise one lookup, one attempt row.

    The second factor is the KK number (the worker typed it at Buat Akun): unlike the birth date it
    cannot be read off the NIK. Found or not, the same queries run (the limits, the lookup, the
    attempt), so neither the answer's shape nor its timing says whether the NIK is registered.
    """
    now = timezone.now()
    digest = _nik_hash(nik)
    try:
        limits_take(limits=status_limits(nik_digest=digest, ip=ip), now=now)
    except LimitReached as refused:
        return StatusCheck(retry_at=refused.retry_at)
    period = Period.objects.active()
    found = public_status(Q(period_id=period.pk if period else None, nik=nik, kk=kk))
    StatusCheckAttempt.objects.create(ip=ip, nik_hash=digest, created_at=now)
    return StatusCheck(found=found)

"""Worker self-registration: step 1 (identity check, rate-limited) and step 2 (account creation)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import AccountAuditAction
from accounts.models import IdentityCheckAttempt, Role, User
from registry.documents import CheckedFile, check_upload
from registry.models import AgencySubmission, AuditEvent, Document, Period, Status, WorkerRecord
from registry.services.phase import lock_open_submission
from registry.services.worker_data import document_save

# Defaults; tests and deployments override them in settings.
IDENTITY_CHECK_WINDOW = dt.timedelta(minutes=60)
IDENTITY_CHECK_MAX_PER_NIK = 5
IDENTITY_CHECK_MAX_PER_IP = 30
# After this many failures from one address, each further attempt waits a little longer.
IDENTITY_CHECK_SLOW_AFTER = 3


def _setting(name: str, default):
    return getattr(settings, name, default)


def nik_hash(nik: str) -> str:
    """A keyed hash so that the attempts table never holds a NIK (nor a rainbow table of them)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"identity-check:" + nik.strip().encode(), hashlib.sha256).hexdigest()


def normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Identity:
    nik: str
    kk: str
    full_name: str
    birth_place: str
    birth_date: dt.date
    phone: str
    email: str


class Outcome(Enum):
    MATCH = "match"
    NO_MATCH = "no_match"
    HAS_ACCOUNT = "has_account"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class CheckResult:
    outcome: Outcome
    record: WorkerRecord | None = None
    retry_at: dt.datetime | None = None
    slow_down_seconds: float = 0.0


def _retry_at(ip: str | None, digest: str, now: dt.datetime) -> dt.datetime | None:
    window = _setting("IDENTITY_CHECK_WINDOW", IDENTITY_CHECK_WINDOW)
    since = now - window
    failures = IdentityCheckAttempt.objects.filter(created_at__gte=since, succeeded=False)
    checks = [
        (
            failures.filter(nik_hash=digest),
            _setting("IDENTITY_CHECK_MAX_PER_NIK", IDENTITY_CHECK_MAX_PER_NIK),
        ),
    ]
    if ip:
        checks.append(
            (failures.filter(ip=ip), _setting("IDENTITY_CHECK_MAX_PER_IP", IDENTITY_CHECK_MAX_PER_IP))
        )
    retry: dt.datetime | None = None
    for queryset, limit in checks:
        times = list(queryset.order_by("-created_at").values_list("created_at", flat=True)[:limit])
        if len(times) >= limit:
            # Allowed again when the oldest of the last `limit` failures leaves the window.
            candidate = times[-1] + window
            retry = max(retry, candidate) if retry else candidate
    return retry


def _slow_down(ip: str | None, now: dt.datetime) -> float:
    if not ip:
        return 0.0
    window = _setting("IDENTITY_CHECK_WINDOW", IDENTITY_CHECK_WINDOW)
    failures = IdentityCheckAttempt.objects.filter(
        ip=ip, succeeded=False, created_at__gte=now - window
    ).count()
    extra = failures - _setting("IDENTITY_CHECK_SLOW_AFTER", IDENTITY_CHECK_SLOW_AFTER)
    return min(max(extra, 0) * _setting("IDENTITY_CHECK_SLOW_STEP_SECONDS", 0.5), 3.0)


def _find(identity: Identity) -> WorkerRecord | None:
    period = Period.objects.active()
    if period is None:
        return None
    candidates = WorkerRecord.objects.select_related("agency", "period").filter(
        period=period,
        nik=identity.nik.strip(),
        kk=identity.kk.strip(),
        birth_date=identity.birth_date,
        status__in=[Status.REGISTERED, Status.ACCOUNT_CREATED],
    )
    for record in candidates:
        same = (
            normalise_name(record.full_name) == normalise_name(identity.full_name)
            and record.birth_place.strip() == identity.birth_place.strip()
        )
        if not same:
            continue
        submission_open = AgencySubmission.objects.filter(
            agency_id=record.agency_id, period=period, phase=AgencySubmission.Phase.OPEN
        ).exists()
        if submission_open and period.input_open():
            return record
    return None


def identity_check(*, identity: Identity, ip: str | None) -> CheckResult:
    """Step 1: does a registered record in the open period match every identity field?

    The caller shows one message for every mismatch, never which field failed.
    """
    now = timezone.now()
    digest = nik_hash(identity.nik)
    retry_at = _retry_at(ip, digest, now)
    if retry_at is not None:
        return CheckResult(Outcome.RATE_LIMITED, retry_at=retry_at)
    record = _find(identity)
    IdentityCheckAttempt.objects.create(ip=ip, nik_hash=digest, succeeded=record is not None, created_at=now)
    if record is None:
        return CheckResult(Outcome.NO_MATCH, slow_down_seconds=_slow_down(ip, now))
    if record.status == Status.ACCOUNT_CREATED or User.objects.filter(worker_record=record).exists():
        return CheckResult(Outcome.HAS_ACCOUNT, record=record)
    return CheckResult(Outcome.MATCH, record=record)


class AccountNotAllowed(Exception):
    """The record is no longer waiting for an account (created meanwhile, released, or agency closed)."""


def account_create(
    *,
    record_id: int,
    password: str,
    phone: str,
    email: str,
    ktp: UploadedFile,
    photo: UploadedFile,
    ip: str | None = None,
) -> User:
    """Step 2: create the worker's login, store KTP and passport photo, move the record to account_created.

    Files are checked first (outside the lock); any bad file raises ValidationError and nothing is created.
    """
    files: dict[str, CheckedFile] = {}
    errors: dict[str, list[ValidationError]] = {}
    for field, kind, upload in (("ktp", Document.Kind.KTP, ktp), ("photo", Document.Kind.PHOTO, photo)):
        try:
            files[kind] = check_upload(upload, kind=kind)
        except ValidationError as exc:
            errors[field] = [exc]
    if errors:
        raise ValidationError(errors)  # keyed by form field, so each message shows next to its file
    return _account_create(
        record_id=record_id, password=password, phone=phone, email=email, files=files, ip=ip
    )


@transaction.atomic
def _account_create(
    *, record_id: int, password: str, phone: str, email: str, files: dict[str, CheckedFile], ip: str | None
) -> User:
    record = WorkerRecord.objects.select_for_update().select_related("period").get(pk=record_id)
    if record.status != Status.REGISTERED or User.objects.filter(worker_record=record).exists():
        raise AccountNotAllowed
    try:
        lock_open_submission(agency_id=record.agency_id, period_id=record.period_id)
    except ValidationError:
        raise AccountNotAllowed from None
    # The internal user name is the registration number: never the NIK outside the worker record.
    user = User(
        username=f"w-{record.registration_number.lower()}",
        email=email.strip(),
        role=Role.WORKER,
        worker_record=record,
        first_name=record.full_name[:150],
    )
    user.set_password(password)
    user.save()
    before = {"phone": record.phone, "email": record.email}
    record.phone, record.email = phone.strip(), email.strip()
    record.save(update_fields=["phone", "email", "updated_at"])
    AuditEvent.log(
        actor=user,
        action=AccountAuditAction.ACCOUNT_CREATE,
        obj=record,
        before=before,
        after={"phone": record.phone, "email": record.email, "user": user.pk},
        ip=ip,
    )
    for kind, checked in files.items():
        document_save(
            record_id=record.pk, kind=kind, checked=checked, actor=user, ip=ip, check_editable=False
        )
    record.transition_to(Status.ACCOUNT_CREATED, actor=user, reason="", ip=ip)
    return user

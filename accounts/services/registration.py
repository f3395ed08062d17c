"""Worker self-registration: step 1 (identity check, rate-limited) and step 2 (account creation)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import AccountAuditAction
from accounts.models import IdentityCheckAttempt, Role, User
from nonasn.client_ip import limit_address
from registry.documents import CheckedFile, check_upload
from registry.limits import Limit, LimitReached, limits_clear, limits_give_back, limits_take
from registry.models import AgencySubmission, AuditEvent, Document, Period, Status, WorkerRecord
from registry.models.audit import audit_before_after, field_changes
from registry.services.phase import lock_open_submission
from registry.services.worker_data import document_save
from registry.validators import identity_number as registry_identity_number

SCOPE_NIK = "identity-check:nik"
SCOPE_NIK_ADDRESS = "identity-check:nik-address"
SCOPE_ADDRESS = "identity-check:address"


def nik_hash(nik: str) -> str:
    """A keyed hash so that the attempts table never holds a NIK (nor a rainbow table of them)."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"identity-check:" + identity_number(nik).encode(), hashlib.sha256).hexdigest()


_TEXT_PUNCTUATION = re.compile(r"[.,]")


def identity_number(value: str) -> str:
    """A NIK or KK number as compared: the registry's one normaliser (spaces and dots ignored)."""
    return registry_identity_number(value)


def identity_text(value: str) -> str:
    """A name or place of birth as compared: case, accents, dots, commas and repeated spaces ignored.

    "Kab. Bandung" = "KAB BANDUNG", "Yogyakarta" = "YOGYAKARTA", "José" = "JOSE".
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_TEXT_PUNCTUATION.sub(" ", plain).split()).casefold()


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


def identity_limits(*, digest: str, ip: str | None) -> list[Limit]:
    """Buat Akun's limits on failed checks (IDENTITY_CHECK_* settings): per NIK from anywhere
    (high, so knowing a NIK is not enough to lock its owner out), per (NIK, address) (low), per
    address, and from one address a growing pause after a few failures. Addresses count per /64."""
    window = settings.IDENTITY_CHECK_WINDOW
    address = limit_address(ip) or ""
    step = dt.timedelta(seconds=settings.IDENTITY_CHECK_SLOW_STEP_SECONDS)
    return [
        Limit(SCOPE_NIK, digest, settings.IDENTITY_CHECK_MAX_PER_NIK, window),
        Limit(
            SCOPE_NIK_ADDRESS,
            f"{digest}:{address}" if address else "",
            settings.IDENTITY_CHECK_MAX_PER_NIK_AND_IP,
            window,
        ),
        Limit(
            SCOPE_ADDRESS,
            address,
            settings.IDENTITY_CHECK_MAX_PER_IP,
            window,
            pace_after=settings.IDENTITY_CHECK_SLOW_AFTER if step else None,
            pace_step=step,
            pace_max=dt.timedelta(seconds=settings.IDENTITY_CHECK_SLOW_MAX_SECONDS),
        ),
    ]


def _matching_records(identity: Identity, period: Period) -> list[WorkerRecord]:
    """Records of the period (not released) whose every identity field matches, as compared above."""
    candidates = (
        WorkerRecord.objects.select_related("agency", "period", "account")
        .filter(
            period=period,
            nik=identity_number(identity.nik),
            kk=identity_number(identity.kk),
            birth_date=identity.birth_date,
        )
        .exclude(status=Status.RELEASED)
    )
    name, place = identity_text(identity.full_name), identity_text(identity.birth_place)
    return [
        r for r in candidates if identity_text(r.full_name) == name and identity_text(r.birth_place) == place
    ]


def _has_account(record: WorkerRecord) -> bool:
    try:
        return record.account is not None
    except User.DoesNotExist:
        return False


def _account_may_be_created(record: WorkerRecord, period: Period) -> bool:
    if record.status != Status.REGISTERED:
        return False
    submission_open = AgencySubmission.objects.filter(
        agency_id=record.agency_id, period=period, phase=AgencySubmission.Phase.OPEN
    ).exists()
    return submission_open and period.input_open()


def identity_check(*, identity: Identity, ip: str | None) -> CheckResult:
    """Step 1: does a record of the open period match every identity field?

    The caller shows one message for every mismatch, never which field failed. A match whose record
    already has an account (in any state but released) is told so, to log in or reset the password.
    """
    now = timezone.now()
    digest = nik_hash(identity.nik)
    try:
        # Counted as a failure before the check (so simultaneous tries are counted one after the
        # other), given back below when it was not one.
        taken = limits_take(limits=identity_limits(digest=digest, ip=ip), now=now)
    except LimitReached as refused:
        return CheckResult(Outcome.RATE_LIMITED, retry_at=refused.retry_at)
    period = Period.objects.active()
    matches = _matching_records(identity, period) if period else []
    result = CheckResult(Outcome.NO_MATCH)
    for record in matches:
        if _has_account(record):
            result = CheckResult(Outcome.HAS_ACCOUNT, record=record)
            break
        if _account_may_be_created(record, period):
            result = CheckResult(Outcome.MATCH, record=record)
            break
    if result.outcome != Outcome.NO_MATCH:
        limits_give_back(taken=taken)
    IdentityCheckAttempt.objects.create(
        ip=ip, nik_hash=digest, succeeded=result.outcome != Outcome.NO_MATCH, created_at=now
    )
    return result


@transaction.atomic
def identity_check_unlock(*, record_id: int, actor: User, ip: str | None = None) -> int:
    """The agency lifts the identity-check lock of its worker's NIK (the worker was blocked by failures).

    Returns how many failures were cleared; audited either way. Raises ValidationError when the
    agency can no longer take new accounts (closed phase or input deadline passed).
    """
    record = WorkerRecord.objects.select_for_update().get(pk=record_id)
    # Only while an account can still be created: the same guard as account creation itself.
    lock_open_submission(agency_id=record.agency_id, period_id=record.period_id)
    digest = nik_hash(record.nik)
    cleared, _ = IdentityCheckAttempt.objects.filter(nik_hash=digest, succeeded=False).delete()
    limits_clear(scope=SCOPE_NIK, key=digest)
    limits_clear(scope=SCOPE_NIK_ADDRESS, key_prefix=f"{digest}:")
    AuditEvent.log(
        actor=actor,
        action=AccountAuditAction.IDENTITY_CHECK_UNLOCK,
        obj=record,
        after={"failures_cleared": cleared},
        ip=ip,
    )
    return cleared


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
    # The contact data given at step 1 replaces what the agency entered; the audit row names only
    # what it changed (the same e-mail again, in other capitals too, is no change).
    changed = field_changes(record, {"phone": phone.strip(), "email": email.strip()})
    # (The account itself is in the timeline's "Worker account created" row.)
    if changed:
        for name, (_old, new) in changed.items():
            setattr(record, name, new)
        record.save(update_fields=[*changed, "updated_at"])
        before, after = audit_before_after(changed)
        AuditEvent.log(
            actor=user,
            action=AccountAuditAction.ACCOUNT_CREATE,
            obj=record,
            before=before,
            after={**after, "user": user.pk},
            ip=ip,
        )
    for kind, checked in files.items():
        document_save(
            record_id=record.pk, kind=kind, checked=checked, actor=user, ip=ip, check_editable=False
        )
    record.transition_to(Status.ACCOUNT_CREATED, actor=user, reason="", ip=ip)
    return user

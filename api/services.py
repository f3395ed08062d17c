"""The API's own writes: keys (create, revoke, authenticate), the per-key rate limit, stored idempotent
answers, and the bulk upsert (each item checked by the portal's form, all written by the registry's
batch service)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import MACHINE_USERNAME_PREFIX, Role
from api.models import ApiAuditAction, ApiKey, ApiKeyMinute, IdempotentRequest, Scope
from registry.forms import WorkerForm
from registry.models import Agency, AuditEvent, Period, WorkerRecord
from registry.services.many import CREATED, REFUSED, ManyRow, Units, records_upsert_many
from registry.services.phase import lock_open_submission

TOKEN_START = "nasn"
BULK_MAX_ITEMS = 1000


def secret_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    name: str,
    scope: str,
    expires_at: dt.datetime,
    agency: Agency | None,
    actor: Any,
    ip: str | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its secret token (shown once, never stored). `agency` None: a national key
    (read only). The key acts through a machine account of its own, named "via API key <name>"."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": [_("Give the key a name, e.g. the system that will use it.")]})
    if agency is None and scope != Scope.READ:
        raise ValidationError({"scope": [_("A national key can only read.")]})
    if expires_at <= timezone.now():
        raise ValidationError({"expires_at": [_("The expiry date must be in the future.")]})
    prefix = secrets.token_hex(ApiKey.PREFIX_LENGTH // 2)
    token = f"{TOKEN_START}_{prefix}_{secrets.token_urlsafe(32)}"
    if agency is None:
        role = Role.NATIONAL_ADMIN
    else:
        # The portal's roles give the portal's rights: helpdesk reads, an operator writes.
        role = Role.OPERATOR if scope == Scope.WRITE else Role.HELPDESK
    user = get_user_model()(
        username=f"{MACHINE_USERNAME_PREFIX}{prefix}",
        first_name=_("via API key")[:150],
        last_name=name[:150],
        role=role,
        agency=agency,
    )
    user.set_unusable_password()
    user.save()
    key = ApiKey.objects.create(
        name=name,
        agency=agency,
        user=user,
        scope=scope,
        prefix=prefix,
        secret_hash=secret_hash(token),
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=expires_at,
    )
    _audit(key=key, actor=actor, action=ApiAuditAction.KEY_CREATE, ip=ip)
    return key, token


@transaction.atomic
def api_key_revoke(*, key_id: int, actor: Any, ip: str | None = None) -> ApiKey:
    """Revoke a key at once (its next request is refused). Revoking it again changes nothing."""
    key = ApiKey.objects.select_for_update().select_related("user").get(pk=key_id)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        key.user.is_active = False
        key.user.save(update_fields=["is_active"])
        _audit(key=key, actor=actor, action=ApiAuditAction.KEY_REVOKE, ip=ip)
    return key


def _audit(*, key: ApiKey, actor: Any, action: str, ip: str | None, after: dict | None = None) -> None:
    AuditEvent.log(
        actor=actor,
        action=action,
        obj=key.agency or key,
        after={"key": key.prefix, "name": key.name, "scope": key.scope, **(after or {})},
        ip=ip,
    )


def baseline_read_log(*, key: ApiKey, after_id: int, rows: int, ip: str | None) -> None:
    """A page of the national baseline read (an export of personal data, audited as the desk's are)."""
    AuditEvent.log(
        actor=key.user,
        action=ApiAuditAction.BASELINE_READ,
        obj=key,
        after={"key": key.prefix, "after": after_id, "rows": rows},
        ip=ip,
    )


class KeyRefused(Exception):
    """Why a presented token does not authenticate (code: unknown, revoked, expired)."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


def api_key_authenticate(token: str) -> ApiKey:
    """The key of a presented token, or KeyRefused. The hash is compared in constant time."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_START or len(parts[1]) != ApiKey.PREFIX_LENGTH:
        raise KeyRefused("unknown")
    key = next(iter(ApiKey.objects.select_related("user", "agency").filter(prefix=parts[1]).order_by()), None)
    if key is None or not hmac.compare_digest(key.secret_hash, secret_hash(token)):
        raise KeyRefused("unknown")
    if key.revoked_at is not None:
        raise KeyRefused("revoked")
    if key.expires_at <= timezone.now():
        raise KeyRefused("expired")
    if key.user.agency_id == key.agency_id:
        # Loaded with the key: the access helpers read the machine account's agency on every request.
        key.user.agency = key.agency
    return key


def rate_limit_hit(*, key: ApiKey) -> int:
    """Count one request of the key in the current minute and return the minute's count.

    One statement (an upsert) counts atomically across every app server; the first request of a
    minute also stamps the key's "last used" and drops its counters older than an hour.
    """
    table, keys = ApiKeyMinute._meta.db_table, ApiKey._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # A counter lost in a crash costs nothing: no wait for the WAL flush on every request.
        # Both statements in one round trip (every API request pays this).
        cursor.execute(
            f"""SET LOCAL synchronous_commit TO OFF;
                INSERT INTO {table} (key_id, minute, count) VALUES (%s, date_trunc('minute', now()), 1)
                ON CONFLICT (key_id, minute) DO UPDATE SET count = {table}.count + 1
                RETURNING count""",  # noqa: S608 - table name from the model
            [key.pk],
        )
        count = cursor.fetchone()[0]
        if count == 1:
            cursor.execute(f"UPDATE {keys} SET last_used_at = now() WHERE id = %s", [key.pk])  # noqa: S608
            cursor.execute(
                f"DELETE FROM {table} WHERE key_id = %s AND minute < now() - interval '1 hour'",  # noqa: S608
                [key.pk],
            )
    return count


def rate_limit() -> int:
    return int(getattr(settings, "API_RATE_LIMIT_PER_MINUTE", 600))


class IdempotencyConflict(Exception):
    """The Idempotency-Key was used before for a different request."""


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def idempotent_answer(
    *, key: ApiKey, idempotency_key: str, fingerprint: str, produce: Callable[[], tuple[int, Any]]
) -> tuple[int, Any, bool]:
    """(status, body, replayed). The first request with this Idempotency-Key runs `produce` and its
    answer is stored in the same transaction as its changes; a retry (also one sent while the first
    still runs: it waits on the unique index) gets the stored answer and changes nothing.
    A request that fails with an error (raises) stores nothing: a retry runs again."""
    table = IdempotentRequest._meta.db_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (key_id, idempotency_key, request_hash, created_at)
                    VALUES (%s, %s, %s, now()) ON CONFLICT (key_id, idempotency_key) DO NOTHING
                    RETURNING id""",  # noqa: S608 - table name from the model
                [key.pk, idempotency_key, fingerprint],
            )
            inserted = cursor.fetchone()
        if inserted is None:
            stored = IdempotentRequest.objects.get(key=key, idempotency_key=idempotency_key)
            if stored.request_hash != fingerprint:
                raise IdempotencyConflict
            return stored.status_code, stored.body, True
        status, body = produce()
        with connection.cursor() as cursor:
            # The answer as JSON text, encoded once (a bulk answer is a thousand workers; the ORM's
            # JSONField would encode it again after the default=str pass that makes it storable).
            cursor.execute(
                f"UPDATE {table} SET status_code = %s, body = %s::jsonb WHERE id = %s",  # noqa: S608
                [status, json.dumps(body, default=str), inserted[0]],
            )
        return status, body, False


# --- Bulk upsert ---------------------------------------------------------------------------------


@dataclass
class ItemResult:
    """One item's result, compact (as batch APIs answer): what an HR system needs to stay in step.
    The full document is at the worker's own endpoint. `id` and the rest are also given for an item
    refused on an existing record of the agency (e.g. one already submitted)."""

    index: int
    result: str  # created | updated | unchanged | refused
    id: int | None = None
    registration_number: str | None = None
    status: str | None = None
    flags: list[str] | None = None
    errors: dict[str, list[dict[str, str]]] = field(default_factory=dict)


def field_errors(exc_or_errors: Any) -> dict[str, list[dict[str, str]]]:
    """{field: [{code, message}]} from a form's errors or a service's ValidationError; "__all__"
    holds what concerns no one field (as on the form's page, above the fields)."""
    if isinstance(exc_or_errors, ValidationError):
        if hasattr(exc_or_errors, "error_dict"):
            pairs = exc_or_errors.error_dict.items()
        else:
            pairs = [("__all__", exc_or_errors.error_list)]
        out: dict[str, list[dict[str, str]]] = {}
        for name, errors in pairs:
            for error in errors:
                for message in error.messages if hasattr(error, "messages") else [str(error)]:
                    out.setdefault(name, []).append({"code": error.code or "invalid", "message": message})
        return out
    # A form's ErrorDict: {field: ErrorList of ValidationErrors}
    return {
        name: [{"code": e.code or "invalid", "message": m} for e in errors.as_data() for m in e.messages]
        for name, errors in exc_or_errors.items()
    }


def form_input(item: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, str]]]]:
    """A JSON object as the form's input: text and numbers as the browser would send them (text);
    anything else (a list, an object, true) refused by field rather than guessed at."""
    if not isinstance(item, dict):
        return {}, {"__all__": [{"code": "invalid", "message": _("Each worker must be a JSON object.")}]}
    data: dict[str, Any] = {}
    errors: dict[str, list[dict[str, str]]] = {}
    for name, value in item.items():
        if "\x00" in name or (isinstance(value, str) and "\x00" in value):
            # PostgreSQL stores no NUL, not even inside the stored answer of an Idempotency-Key:
            # refused under a key that never echoes the sender's text.
            errors["__all__"] = [
                {"code": "nul_character", "message": _("No field may contain a NUL character.")}
            ]
            continue
        if isinstance(value, str):
            data[name] = value  # the usual case: a bulk request has some 20,000 of these
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool) or not isinstance(value, int | float):
            errors[name] = [{"code": "invalid", "message": _("Give this field as text or a number.")}]
        else:
            data[name] = str(value)
    return data, errors


def _records_state(rows: list[ManyRow]) -> dict[int, tuple[str, str, list[str]]]:
    """Record id -> (registration number, status, flags) after the batch, for every row on a record.

    A batch that only created records (the usual HR-system sync) knows their state: what was
    written, with the duplicate pass's flag (`records_upsert_many` keeps both in the rows). When a
    row met an existing record, an update may have re-paired other records of the batch
    (`record_flags_refresh`): one query reads them all back, never a document per row.
    """
    on_records = [row for row in rows if row.record_id is not None]
    if all(row.outcome == CREATED for row in on_records):
        return {
            row.record_id: (row.data["registration_number"], row.data["status"], row.data["flags"])
            for row in on_records
        }
    return {
        pk: (number, status, flags)
        for pk, number, status, flags in WorkerRecord.objects.filter(
            pk__in=[row.record_id for row in on_records]
        ).values_list("pk", "registration_number", "status", "flags")
    }


def bulk_upsert(
    *, agency: Agency, period: Period, items: list[Any], actor: Any, ip: str | None = None
) -> list[ItemResult]:
    """Create or update each worker (matched by NIK among the agency's records of the period): each
    item checked by the portal's form, then all of them written by the registry's batch service
    (`records_upsert_many`, the XLSX import's too); one result per item, in order. The phase guard
    is checked once for the whole request (it raises, and nothing is written); every other refusal
    is per item and leaves the other items.

    One transaction, so that the stored idempotent answer commits with the changes it describes.
    """
    with transaction.atomic():
        lock_open_submission(agency_id=agency.pk, period_id=period.pk)
        results: list[ItemResult] = []
        rows: list[ManyRow] = []
        seen: dict[str, int] = {}
        # One bound form checks every item in turn (its data replaced, full_clean() run again): a
        # form per item deep-copies its fields each time, which was most of a batch's cost.
        form = WorkerForm(data={}, units=[])
        for index, item in enumerate(items):
            result = ItemResult(index, "refused")
            results.append(result)
            data, type_errors = form_input(item)
            if type_errors:
                result.errors = type_errors
                continue
            form.data = data
            form.full_clean()
            if form.errors:
                result.errors = field_errors(form.errors)
                continue
            worker = form.worker_data()
            values = worker.model_fields()
            values.pop("work_unit")
            values["work_unit_name"] = worker.work_unit_name
            nik = values["nik"]
            if nik in seen:
                message = _("The same NIK is already in item %(index)d of this request.") % {
                    "index": seen[nik]
                }
                result.errors = {"nik": [{"code": "duplicate", "message": message}]}
                continue
            seen[nik] = index
            rows.append(ManyRow(key=index, data=values, reason=str(data.get("reason", ""))))
        records_upsert_many(
            agency=agency, period=period, rows=rows, actor=actor, units=Units(agency), update=True, ip=ip
        )
        state = _records_state(rows)
        for row in rows:
            result = results[row.key]
            if row.record_id in state:
                result.id = row.record_id
                result.registration_number, result.status, result.flags = state[row.record_id]
            if row.outcome == REFUSED:
                result.errors = {}
                for name, message in row.errors:
                    result.errors.setdefault(name or "__all__", []).append(
                        {"code": "invalid", "message": str(message)}
                    )
            else:
                result.result = row.outcome
        return results

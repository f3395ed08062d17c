"""Running an import's rows: the sheet read in batches, each batch's NIKs settled and its rows written.

Rows are parsed by `parse` (no database); NIK conflicts are checked against the database per
batch of 2,000, records and their audit rows are written with COPY in one transaction per batch
(with the job's progress and heartbeat), and possible duplicates are flagged with one set-based
SQL statement at the end. A conflict the database finds at COPY time (a NIK registered through
the form meanwhile, a registration number drawn twice, any CHECK) refuses or retries that row
only, never the batch.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Agency, AuditAction, AuditEvent, ImportJob, Period, Status, WorkerRecord, WorkUnit
from registry.rules import eligibility_flags
from registry.services.constraints import constraint_message as records_constraint_message
from registry.services.constraints import constraint_name, is_drawn_number
from registry.services.flags import flag_possible_duplicates
from registry.services.imports.archive import ImportRefused
from registry.services.imports.parse import (
    RowResult,
    data_rows,
    header_index,
    parse_row,
)
from registry.services.imports.pgcopy import copy_into
from registry.services.imports.refused import refused_workbook
from registry.services.imports.template import COLUMN_BY_FIELD, MAX_ROWS
from registry.services.phase import lock_open_submission
from registry.services.records import new_registration_number

logger = logging.getLogger(__name__)

CHUNK = 2000
NIK_CONSTRAINT = "record_one_active_nik_per_period"


def require_open(*, agency: Agency, period: Period) -> None:
    """The agency may still add records: the one locked guard (start, run and each batch)."""
    lock_open_submission(agency_id=agency.pk, period_id=period.pk)


def _heartbeat(job: ImportJob, **progress: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now(), **progress)


# --- One run -----------------------------------------------------------------------------------


class _Run:
    """The state of one import while it runs (kept out of the job row until a batch is done)."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.period = job.period
        self.agency = job.agency
        self.units: dict[str, WorkUnit] = {
            u.name.lower(): u for u in WorkUnit.objects.filter(agency=self.agency)
        }
        self.seen_nik: dict[str, int] = {}
        self.refused: list[tuple[int, tuple, str]] = []
        self.errors: list[dict[str, Any]] = []
        self.skipped: list[dict[str, Any]] = []
        self.skipped_count = 0
        self.created_ids: list[int] = []
        self.valid = 0
        self.processed = 0

    def refuse(self, row: RowResult, errors: list[tuple[str, str]]) -> None:
        self.refused.append((row.number, row.values, "; ".join(f"{col}: {msg}" for col, msg in errors)))
        for column, message in errors:
            if len(self.errors) < ImportJob.MAX_STORED_ERRORS:
                self.errors.append({"row": row.number, "column": column, "message": str(message)})

    def skip(self, row: RowResult, reason: str) -> None:
        self.skipped_count += 1
        if len(self.skipped) < ImportJob.MAX_STORED_ERRORS:
            name = (row.data or {}).get("full_name") or ""
            self.skipped.append({"row": row.number, "name": name, "reason": reason})

    def unit(self, name: str) -> WorkUnit | None:
        name = " ".join(name.split())[:200]
        if not name:
            return None
        key = name.lower()
        if key not in self.units:
            self.units[key], _created = WorkUnit.objects.get_or_create(agency=self.agency, name=name)
        return self.units[key]

    def holders(self, niks: list[str]) -> dict[str, str]:
        """NIK -> name of the agency holding it in the period (records not released)."""
        return dict(
            WorkerRecord.objects.filter(period=self.period, nik__in=niks)
            .exclude(status=Status.RELEASED)
            .values_list("nik", "agency__name")
        )

    def settle_held(self, row: RowResult, holder: str) -> None:
        """A row whose NIK is held: skipped when the holder is this agency, refused otherwise."""
        if holder == self.agency.name:
            self.skip(row, _("Already registered by your agency; skipped."))
        else:
            message = _(
                "This NIK is already registered in this period by %(agency)s. It can be registered "
                "here only after that agency releases it."
            ) % {"agency": holder}
            self.refuse(row, [(COLUMN_BY_FIELD["nik"].header, message)])

    def saved_before(self, niks: list[str]) -> dict[str, int]:
        """NIK -> record id of the rows this very import saved before it was interrupted (its
        re-run, "Jalankan lagi", reads the file again from the top): they count as saved, not as
        "already registered". Known by the audit row each imported record gets."""
        if not niks:
            return {}
        return dict(
            WorkerRecord.objects.filter(
                period=self.period,
                agency=self.agency,
                nik__in=niks,
                audit_events__action="record:register",
                audit_events__after__import=self.job.pk,
            ).values_list("nik", "id")
        )

    def batch(self, rows: list[RowResult]) -> None:
        """Settle NIKs held in the period, write the rest; the batch commits with the progress."""
        holders = self.holders([r.data["nik"] for r in rows])
        ours = self.saved_before([nik for nik, holder in holders.items() if holder == self.agency.name])
        to_create: list[RowResult] = []
        for row in rows:
            holder = holders.get(row.data["nik"])
            if row.data["nik"] in ours:
                self.valid += 1
                self.created_ids.append(ours[row.data["nik"]])
                continue
            if holder is not None:
                self.settle_held(row, holder)
                continue
            data = row.data
            unit = self.unit(data.pop("work_unit_name"))
            data["work_unit_id"] = unit.pk if unit else None
            data["flags"] = eligibility_flags(_Facts(data, unit), self.period)
            to_create.append(row)
        with transaction.atomic():
            if to_create:
                # The locked guard, inside the batch's transaction: a prefinalisation either waits
                # for this batch or this batch sees the new phase and the import stops here.
                try:
                    require_open(agency=self.agency, period=self.period)
                except ValidationError as exc:
                    raise ImportRefused(exc.messages[0]) from None
                self._write_records(to_create)
            self.progress()

    def progress(self) -> None:
        total = self.job.total_rows
        _heartbeat(
            self.job,
            processed_rows=min(self.processed, total) if total else 0,
            valid_rows=self.valid,
            refused_rows=len(self.refused),
            skipped_rows=self.skipped_count,
        )

    def _write_records(self, rows: list[RowResult]) -> None:
        """COPY the rows (inside the batch's transaction). A row the database refuses is refused or
        skipped alone; the rest are written."""
        now = timezone.now()
        common = {
            "agency_id": self.agency.pk,
            "period_id": self.period.pk,
            "status": Status.REGISTERED.value,
            "created_by_id": self.job.created_by_id,
            "created_at": now,
        }
        for _attempt in range(5):
            if not rows:
                break
            for pk, row in zip(_next_ids(len(rows)), rows, strict=True):
                row.data.update(
                    common,
                    id=pk,
                    registration_number=new_registration_number(self.period),
                    card_token=secrets.token_urlsafe(24),
                )
            try:
                with transaction.atomic():
                    copy_into(WorkerRecord, [r.data for r in rows], now=now)
                break
            except IntegrityError as exc:
                constraint = constraint_name(exc)
                if constraint == NIK_CONSTRAINT:
                    # Registered meanwhile (the form, another import): those rows only.
                    held = self.holders([r.data["nik"] for r in rows])
                    for row in rows:
                        if row.data["nik"] in held:
                            self.settle_held(row, held[row.data["nik"]])
                    rows = [r for r in rows if r.data["nik"] not in held]
                elif not is_drawn_number(constraint):  # a number drawn twice (rare): draw again
                    rows = self._write_one_by_one(rows)
                    break
            except DataError:
                rows = self._write_one_by_one(rows)
                break
        else:
            rows = self._write_one_by_one(rows)
        if not rows:
            return
        ids = [r.data["id"] for r in rows]
        self.created_ids.extend(ids)
        self.valid += len(rows)
        audit = [
            {
                "actor_id": self.job.created_by_id,
                "action": "record:register",
                "object_type": "registry.workerrecord",
                "object_id": str(pk),
                "record_id": pk,
                "agency_id": self.agency.pk,
                "after": {"status": Status.REGISTERED.value, "import": self.job.pk},
                "created_at": now,
            }
            for pk in ids
        ]
        copy_into(AuditEvent, audit, now=now, with_pk=False)

    def _write_one_by_one(self, rows: list[RowResult]) -> list[RowResult]:
        """The slow path after the database refused a batch for a reason no earlier check caught:
        each row in its own savepoint; those refused get the constraint's message. Returns the
        rows written."""
        written: list[RowResult] = []
        for row in rows:
            for _attempt in range(3):
                try:
                    with transaction.atomic():
                        copy_into(WorkerRecord, [row.data], now=row.data["created_at"])
                    written.append(row)
                    break
                except (IntegrityError, DataError) as exc:
                    constraint = constraint_name(exc)
                    if is_drawn_number(constraint):
                        row.data["registration_number"] = new_registration_number(self.period)
                        row.data["card_token"] = secrets.token_urlsafe(24)
                        continue
                    holder = self.holders([row.data["nik"]]).get(row.data["nik"])
                    if constraint == NIK_CONSTRAINT and holder:
                        self.settle_held(row, holder)
                    else:
                        self.refuse(row, [constraint_message(constraint)])
                    break
        return written


def _next_ids(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [WorkerRecord._meta.db_table, count],
        )
        return [r[0] for r in cursor.fetchall()]


def constraint_message(constraint: str) -> tuple[str, str]:
    """(column header, message) for a database constraint a row broke: the models' own message
    (`constraints.constraint_message`). Each rule has an earlier check in `parse`; this is the net under it."""
    found = records_constraint_message(constraint)
    if found is None:
        return (
            "-",
            _("The row breaks a data rule (%(rule)s) and was not saved.") % {"rule": constraint or "?"},
        )
    field_name, message = found
    column = COLUMN_BY_FIELD.get(field_name) if field_name else None
    return (column.header if column else "-", message)


class _Facts:
    """What the eligibility rules read, without building a model instance per row."""

    __slots__ = ("category", "birth_date", "start_date", "sk_date", "pay_source", "position", "work_unit")

    def __init__(self, data: dict[str, Any], unit: WorkUnit | None):
        for name in self.__slots__[:-1]:
            setattr(self, name, data[name])
        self.work_unit = unit


def import_sheet(job: ImportJob, ws) -> None:
    rows = ws.iter_rows()
    header = next(rows, None)
    if not header or not any(header):
        raise ImportRefused(_("The file is empty: the first row must hold the column names."))
    header = tuple(header)
    index = header_index(header)
    total = max(0, ws.height - 1)
    if total > MAX_ROWS:
        raise ImportRefused(
            _(
                "The file has %(rows)d rows; at most %(limit)d are accepted per file. Split it into several files."
            )
            % {"rows": total, "limit": MAX_ROWS}
        )
    job.total_rows = total
    _heartbeat(job, total_rows=total)
    try:
        require_open(agency=job.agency, period=job.period)
    except ValidationError as exc:
        raise ImportRefused(exc.messages[0]) from None

    run = _Run(job)
    started = time.monotonic()
    today = timezone.localdate()
    pending: list[RowResult] = []
    examples = 0
    for number, values in data_rows(rows):
        row = parse_row(number, values, index, today)
        run.processed += 1
        if row.is_example:
            examples += 1
            run.skip(row, _("The template's example row; never imported."))
        elif row.data is None:
            run.refuse(row, row.errors)
        else:
            first = run.seen_nik.get(row.data["nik"])
            if first is not None:
                message = _("The same NIK is already in row %(row)d of this file.") % {"row": first}
                run.refuse(row, [(COLUMN_BY_FIELD["nik"].header, message)])
            else:
                run.seen_nik[row.data["nik"]] = number
                pending.append(row)
        if len(pending) >= CHUNK:
            run.batch(pending)
            pending = []
    if pending:
        run.batch(pending)
    if run.processed == examples:
        if examples:
            raise ImportRefused(
                _(
                    "The file holds only the template's example row, which is never imported. Fill in one row "
                    "per worker on the Data sheet and upload again."
                )
            )
        raise ImportRefused(
            _(
                "The file has no data rows. Fill in one row per worker on the Data sheet, below the header row "
                "(the Contoh sheet only shows an example and is never imported)."
            )
        )

    read_seconds = time.monotonic() - started
    _heartbeat(job)
    flagged = flag_possible_duplicates(period=job.period, record_ids=run.created_ids)
    logger.info(
        "import %s: %d rows, %d saved, %d refused, %d skipped in %.1f s; %d flagged as possible duplicates in %.1f s",
        job.pk, run.processed, run.valid, len(run.refused), run.skipped_count, read_seconds, flagged,
        time.monotonic() - started - read_seconds,
    )  # fmt: skip
    # Rows are refused in more than one pass (the form's rules, then the database's): the report
    # and the stored errors list them by row, as the agency reads its file.
    run.refused.sort(key=lambda refused: refused[0])
    run.errors.sort(key=lambda error: error["row"])
    if run.refused:
        job.refused_file.save("refused.xlsx", ContentFile(refused_workbook(header, run.refused)), save=False)
    job.total_rows = run.processed
    job.processed_rows = run.processed
    job.valid_rows = run.valid
    job.refused_rows = len(run.refused)
    job.skipped_rows = run.skipped_count
    job.errors = run.errors
    job.skipped = run.skipped
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.heartbeat_at = job.finished_at
    job.save()
    AuditEvent.log(
        actor=job.created_by,
        action=AuditAction.IMPORT_DONE,
        obj=job,
        after={"valid": run.valid, "refused": len(run.refused), "skipped": run.skipped_count},
    )

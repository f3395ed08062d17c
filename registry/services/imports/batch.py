"""Running an import's rows: the sheet read in batches, each batch written by the registry's batch
service (`registry.services.many.records_upsert_many`, which the API's bulk upsert uses too).

Rows are parsed by `parse` (no database); each batch of 2,000 has its NIKs settled against the
database and its records and audit rows written with COPY in one transaction (with the job's
progress and heartbeat); possible duplicates are flagged with one set-based SQL statement at the
end. A conflict the database finds at COPY time (a NIK registered through the form meanwhile, a
registration number drawn twice, any CHECK) refuses or retries that row only, never the batch.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registry.models import Agency, AuditAction, AuditEvent, ImportJob, Period, WorkerRecord
from registry.services.flags import flag_possible_duplicates
from registry.services.imports.archive import ImportRefused
from registry.services.imports.parse import (
    RowResult,
    data_rows,
    header_index,
    parse_row,
)
from registry.services.imports.refused import refused_workbook
from registry.services.imports.template import COLUMN_BY_FIELD, MAX_ROWS
from registry.services.many import CREATED, HELD, ManyRow, Units, records_upsert_many, refusal_for
from registry.services.phase import lock_open_submission

logger = logging.getLogger(__name__)

CHUNK = 2000


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
        self.units = Units(self.agency)
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
        """Write the rows through the registry's batch service; the batch commits with the progress."""
        with transaction.atomic():
            self._write_records(rows)
            self.progress()

    def _write_records(self, rows: list[RowResult]) -> None:
        """The batch through `records_upsert_many` (new records only: a NIK the agency holds is
        skipped), each row's outcome counted and reported by its row in the file."""
        many = [ManyRow(key=i, data=row.data) for i, row in enumerate(rows)]
        try:
            # The locked guard, inside the batch's transaction: a prefinalisation either waits
            # for this batch or this batch sees the new phase and the import stops here.
            records_upsert_many(
                agency=self.agency,
                period=self.period,
                rows=many,
                actor=self.job.created_by,
                units=self.units,
                update=False,
                audit_after={"import": self.job.pk},
                flag_duplicates=False,  # once, set-based, at the end of the import
            )
        except ValidationError as exc:
            raise ImportRefused(exc.messages[0]) from None
        ours = self.saved_before([m.data["nik"] for m in many if m.outcome == HELD])
        for m, row in zip(many, rows, strict=True):
            if m.outcome == CREATED or m.data["nik"] in ours:
                self.valid += 1
                self.created_ids.append(m.record_id if m.outcome == CREATED else ours[m.data["nik"]])
            elif m.outcome == HELD:
                self.skip(row, _("Already registered by your agency; skipped."))
            else:
                self.refuse(row, [_column(name, message) for name, message in m.errors])

    def progress(self) -> None:
        total = self.job.total_rows
        _heartbeat(
            self.job,
            processed_rows=min(self.processed, total) if total else 0,
            valid_rows=self.valid,
            refused_rows=len(self.refused),
            skipped_rows=self.skipped_count,
        )


def _column(field_name: str | None, message: str) -> tuple[str, str]:
    column = COLUMN_BY_FIELD.get(field_name) if field_name else None
    return (column.header if column else "-", message)


def constraint_message(constraint: str) -> tuple[str, str]:
    """(column header, message) for a database constraint a row broke (`many.refusal_for`)."""
    return _column(*refusal_for(constraint))


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
    flagged = len(flag_possible_duplicates(period=job.period, record_ids=run.created_ids))
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

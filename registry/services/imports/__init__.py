"""XLSX import of worker records (agency side), in three parts:

- `template`: the file format (columns) and the template operators download;
- `parse`: reading and checking the file and its rows, pure (no database);
- `archive`: the upload's and the archive's checks before any XLSX reader sees the file;
- `jobs`: the import job's life (start, claim, re-run, sweep);
- `batch`: the rows read in batches, NIKs settled, records written;
- `refused`: the refused-rows report (the COPY that writes the rows: `registry.services.pgcopy`).
"""

from registry.services.imports.archive import (
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    ImportRefused,
    check_archive,
    check_upload,
)
from registry.services.imports.batch import CHUNK
from registry.services.imports.jobs import (
    INLINE_MAX_BYTES,
    import_claim,
    import_jobs_reap,
    import_rerun,
    import_run,
    import_start,
)
from registry.services.imports.parse import RowResult, parse_row
from registry.services.imports.template import (
    COLUMN_BY_FIELD,
    COLUMNS,
    ERROR_HEADER,
    MAX_ROWS,
    Column,
    import_template,
)
from registry.services.pgcopy import copy_into

__all__ = [
    "CHUNK",
    "COLUMNS",
    "COLUMN_BY_FIELD",
    "ERROR_HEADER",
    "INLINE_MAX_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "Column",
    "ImportRefused",
    "RowResult",
    "check_archive",
    "check_upload",
    "copy_into",
    "import_claim",
    "import_jobs_reap",
    "import_rerun",
    "import_run",
    "import_start",
    "import_template",
    "parse_row",
]

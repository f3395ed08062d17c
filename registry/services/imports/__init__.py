"""XLSX import of worker records (agency side), in three parts:

- `template`: the file format (columns) and the template operators download;
- `parse`: reading and checking the file and its rows, pure (no database);
- `run`: the import job (start, claim, re-run, sweep) and its batches (COPY).
"""

from registry.services.imports.parse import (
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    ImportRefused,
    RowResult,
    check_archive,
    check_upload,
    parse_row,
)
from registry.services.imports.run import (
    CHUNK,
    INLINE_MAX_BYTES,
    copy_into,
    import_claim,
    import_jobs_reap,
    import_rerun,
    import_run,
    import_start,
)
from registry.services.imports.template import (
    COLUMN_BY_FIELD,
    COLUMNS,
    ERROR_HEADER,
    MAX_ROWS,
    Column,
    import_template,
)

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

"""XLSX import of worker records (agency side), in parts by concept:

- `template`: the file format (columns) and the template operators download;
- `archive`: the upload's and the archive's checks (size, zip bomb) before any XLSX reader sees the file;
- `parse`: reading and checking the file and its rows, pure (no database);
- `jobs`: the import job's life (start, claim, re-run, sweep);
- `batch`: the rows read in batches, NIKs settled, records written;
- `refused`: the refused-rows report (the COPY that writes the rows: `registry.services.pgcopy`;
  the rows' write: `registry.services.many`, shared with the API's bulk).

The package re-exports only the import's entry points that views, tasks and the task worker call
(start, run, re-run, sweep, the template and its columns, the inline size limit); everything else
is imported from the module that owns it.
"""

from registry.services.imports.jobs import (
    INLINE_MAX_BYTES,
    import_jobs_reap,
    import_rerun,
    import_run,
    import_start,
)
from registry.services.imports.template import COLUMN_BY_FIELD, COLUMNS, import_template

__all__ = [
    "COLUMNS",
    "COLUMN_BY_FIELD",
    "INLINE_MAX_BYTES",
    "import_jobs_reap",
    "import_rerun",
    "import_run",
    "import_start",
    "import_template",
]

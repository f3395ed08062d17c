"""Every write to the registry. One module per concern:

phase.py       the one locked "is this agency open" guard; adding an agency to a period
records.py     registering, editing, releasing and moving worker records (agency side); flags
imports.py     XLSX import (agency side)
worker_data.py the worker's own edits: data completion, work history, documents, submission
"""

from registry.services.records import (  # noqa: F401
    WorkerData,
    check_hard_errors,
    compute_flags,
    new_registration_number,
    record_flags_refresh,
    record_insert,
    record_transition,
    submission_for,
    worker_register,
    worker_release,
    worker_update,
)

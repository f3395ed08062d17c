"""Registry models, one module per concept:

agencies.py   Agency, WorkUnit, Period (the rules), AgencySubmission (an agency's phase)
records.py    WorkerRecord, its states and transition table, flags, WorkHistory
documents.py  Document
audit.py      AuditEvent
contacts.py   AgencyContact (where workers and the public ask)
imports.py    ImportJob
tally.py      RecordTally (counts per agency, status, category and flag, kept by triggers)
names.py      RecordName (each record's name, agency and period alone, kept by triggers: searches)
limits.py     LimitHit (the rate limits' counted attempts)
"""

from registry.models.agencies import (
    Agency,
    AgencySubmission,
    Period,
    PeriodQuerySet,
    PublicTestWindow,
    WorkUnit,
)
from registry.models.audit import (
    AuditAction,
    AuditEvent,
    audit_action_choices,
    audit_action_label,
    record_timeline,
    register_audit_actions,
)
from registry.models.contacts import AgencyContact
from registry.models.documents import Document, document_path
from registry.models.imports import ImportJob, import_refused_path, import_upload_path
from registry.models.limits import LimitHit
from registry.models.names import RecordName, RecordNameQuerySet
from registry.models.records import (
    DECIDED,
    REASON_REQUIRED,
    TRANSITIONS,
    Category,
    EducationLevel,
    Flag,
    InvalidTransition,
    PaySource,
    ReasonRequired,
    Sex,
    Status,
    WorkerRecord,
    WorkerRecordQuerySet,
    WorkHistory,
    _new_card_token,
)
from registry.models.tally import ANY_FLAG, RecordTally

__all__ = [
    "ANY_FLAG", "DECIDED", "REASON_REQUIRED", "RecordName", "RecordNameQuerySet", "RecordTally", "TRANSITIONS", "Agency", "AgencyContact", "AgencySubmission", "AuditAction", "AuditEvent",
    "audit_action_choices", "audit_action_label", "record_timeline", "register_audit_actions",
    "Category", "Document", "EducationLevel", "Flag", "ImportJob", "InvalidTransition", "LimitHit", "PaySource", "ReasonRequired",
    "Period", "PeriodQuerySet", "PublicTestWindow", "Sex", "Status", "WorkHistory", "WorkUnit", "WorkerRecord",
    "WorkerRecordQuerySet", "_new_card_token", "document_path", "import_refused_path", "import_upload_path",
]  # fmt: skip

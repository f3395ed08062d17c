from announcements.models.complaints import (  # noqa: F401
    Complaint,
    ComplaintAuditAction,
    ComplaintQuerySet,
)

"""The agency admin keeps the agency's contact details; every change is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from registry.models import Agency, AgencyContact, AuditAction, AuditEvent
from registry.models.audit import audit_before_after, field_changes


def contact_for(*, agency: Agency) -> AgencyContact | None:
    """The agency's contact, or None when the agency has not filled it in yet."""
    contact = AgencyContact.objects.filter(agency=agency).first()
    return None if contact is None or contact.is_empty else contact


@transaction.atomic
def contact_save(*, agency: Agency, data: dict[str, str], actor: Any, ip: str | None = None) -> AgencyContact:
    """Store the agency's contact details (the fields of AgencyContact.FIELDS); audited with the
    fields that changed, before and after."""
    contact, _created = AgencyContact.objects.select_for_update().get_or_create(agency=agency)
    proposed = {name: (data.get(name) or "").strip() for name in AgencyContact.FIELDS}
    changed = field_changes(contact, proposed)
    if not changed:
        return contact
    for name, (_old, new) in changed.items():
        setattr(contact, name, new)
    contact.updated_by = actor if getattr(actor, "pk", None) else None
    contact.save()
    before, after = audit_before_after(changed)
    AuditEvent.log(
        actor=actor, action=AuditAction.CONTACT_UPDATE, obj=contact, before=before, after=after, ip=ip
    )
    return contact

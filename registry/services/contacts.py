"""The agency admin keeps the agency's contact details; every change is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from registry.models import Agency, AgencyContact, AuditAction, AuditEvent


def contact_for(*, agency: Agency) -> AgencyContact | None:
    """The agency's contact, or None when the agency has not filled it in yet."""
    contact = AgencyContact.objects.filter(agency=agency).first()
    return None if contact is None or contact.is_empty else contact


@transaction.atomic
def contact_save(*, agency: Agency, data: dict[str, str], actor: Any, ip: str | None = None) -> AgencyContact:
    """Store the agency's contact details (the fields of AgencyContact.FIELDS); audited with the
    fields that changed, before and after."""
    contact, _created = AgencyContact.objects.select_for_update().get_or_create(agency=agency)
    before = {name: getattr(contact, name) for name in AgencyContact.FIELDS}
    after = {name: (data.get(name) or "").strip() for name in AgencyContact.FIELDS}
    changed = [name for name in AgencyContact.FIELDS if before[name] != after[name]]
    if not changed:
        return contact
    for name in changed:
        setattr(contact, name, after[name])
    contact.updated_by = actor if getattr(actor, "pk", None) else None
    contact.save()
    AuditEvent.log(
        actor=actor,
        action=AuditAction.CONTACT_UPDATE,
        obj=contact,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
        ip=ip,
    )
    return contact

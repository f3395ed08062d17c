"""Agency staff accounts: an agency admin adds, deactivates and resets the agency's users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import AGENCY_ROLES, Role, User
from registry.models import Agency, AuditEvent

ADDABLE_ROLES = frozenset({Role.OPERATOR, Role.HELPDESK})


@transaction.atomic
def staff_user_create(
    *,
    agency: Agency,
    username: str,
    full_name: str,
    email: str,
    role: str,
    password: str,
    actor: User,
    ip: str | None = None,
) -> User:
    if role not in ADDABLE_ROLES:
        raise ValidationError({"role": [_("An agency admin can add operators and helpdesk users only.")]})
    user = User(username=username, first_name=full_name, email=email, role=role, agency=agency)
    user.set_password(password)
    user.save()
    AuditEvent.log(
        actor=actor, action="staff:create", obj=user, after={"username": username, "role": role}, ip=ip
    )
    return user


def _own_staff(*, agency: Agency, user_id: int, actor: User, own_account_message: str) -> User:
    """Another staff user of the same agency; an admin never acts on their own account here."""
    user = User.objects.select_for_update().get(pk=user_id, agency=agency, role__in=AGENCY_ROLES)
    if user.pk == actor.pk:
        raise ValidationError(own_account_message, code="own_account")
    return user


@transaction.atomic
def staff_user_set_active(
    *, agency: Agency, user_id: int, active: bool, actor: User, ip: str | None = None
) -> User:
    user = _own_staff(
        agency=agency,
        user_id=user_id,
        actor=actor,
        own_account_message=_("You cannot deactivate your own account."),
    )
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        AuditEvent.log(
            actor=actor,
            action="staff:activate" if active else "staff:deactivate",
            obj=user,
            before={"is_active": not active},
            after={"is_active": active},
            ip=ip,
        )
    return user


@transaction.atomic
def staff_user_send_password_reset(
    *, agency: Agency, user_id: int, actor: User, request: Any, ip: str | None = None
) -> User:
    """E-mail the user a link to choose a new password (the admin never learns it)."""
    user = _own_staff(
        agency=agency,
        user_id=user_id,
        actor=actor,
        own_account_message=_("Use “Change password” for your own account."),
    )
    if not user.email:
        raise ValidationError(_("This user has no e-mail address."))
    form = PasswordResetForm({"email": user.email})
    form.is_valid()
    form.get_users = lambda email: [user]  # exactly this account, even if others share the address
    transaction.on_commit(
        lambda: form.save(
            request=request,
            subject_template_name="accounts/staff_password_reset_subject.txt",
            email_template_name="accounts/staff_password_reset_email.txt",
            use_https=request.is_secure(),
        )
    )
    AuditEvent.log(actor=actor, action="staff:password-reset", obj=user, ip=ip)
    return user

"""Workers log in with their NIK or their e-mail address and a password."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.models import Role, User
from registry.models import Status
from registry.validators import SIXTEEN_DIGITS


class NikOrEmailBackend(ModelBackend):
    """Resolve a worker by NIK (through the record) or e-mail, then check the password.

    Several accounts may share an e-mail (family members) or a NIK (a released record and a newer
    one): each candidate's password is tried, so the right account is found without guessing.
    """

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if not username or not password:
            return None
        value = (
            "".join(username.split()) if SIXTEEN_DIGITS.match("".join(username.split())) else username.strip()
        )
        workers = User.objects.filter(role=Role.WORKER, worker_record__isnull=False)
        if SIXTEEN_DIGITS.match(value):
            candidates = workers.filter(worker_record__nik=value).exclude(
                worker_record__status=Status.RELEASED
            )
        elif "@" in value:
            candidates = workers.filter(email__iexact=value)
        else:
            return None
        found = None
        for user in candidates.order_by("-pk")[:5]:
            if user.check_password(password) and self.user_can_authenticate(user):
                found = user
                break
        if found is None:
            # Same work as a real check, so timing does not reveal whether the account exists.
            User().set_password(password)
        return found


def lockout_key(value: str | None) -> str | None:
    """What django-axes stores for a login name: a NIK only as a keyed hash, never in plain text."""
    if value is None:
        return None
    compact = "".join(value.split())
    if SIXTEEN_DIGITS.match(compact):
        from accounts.services.registration import nik_hash

        return "nik:" + nik_hash(compact)[:40]
    return value.strip().lower()


def axes_username(request, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the lockout counts per (hashed) login name and address."""
    if credentials and credentials.get("username") is not None:
        return lockout_key(credentials["username"])
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return lockout_key(data.get("username"))

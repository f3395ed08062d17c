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

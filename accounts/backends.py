"""One login backend for every login page, and the account-based lockout key django-axes counts by.

A login name means: a worker's NIK (spaces and dots ignored), a worker's e-mail, or a user name
(agency staff, the national admin). Each page then decides, after the password is right, whether
the account belongs there (accounts/forms.py) — so a wrong page never tells whether a name exists.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator

from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import Role, User
from nonasn.client_ip import limit_client_ip
from registry.limits import lock_keys
from registry.models import Status
from registry.validators import SIXTEEN_DIGITS

# More candidates than this (one e-mail shared by a family) are not tried: a login name is not a list.
MAX_CANDIDATES = 5
# axes stores the lockout key in a 255-character column; anything longer is hashed.
MAX_PLAIN_KEY = 150
_NIK_NOISE = re.compile(r"[\s.]")


def login_name(value: str) -> str:
    """The canonical form of what was typed: a NIK without spaces or dots, anything else stripped."""
    compact = _NIK_NOISE.sub("", value or "")
    return compact if SIXTEEN_DIGITS.match(compact) else (value or "").strip()


def login_candidates(value: str) -> QuerySet[User]:
    """The accounts a login name can mean, in one query whose shape depends only on the name's form.

    Whether a NIK is unknown, registered without an account or has one, the same query runs.
    """
    name = login_name(value)
    if SIXTEEN_DIGITS.match(name):
        condition = Q(role=Role.WORKER, worker_record__nik=name) & ~Q(worker_record__status=Status.RELEASED)
    elif "@" in name:
        condition = Q(username=name) | Q(role=Role.WORKER, worker_record__isnull=False, email__iexact=name)
    else:
        condition = Q(username=name)
    return User.objects.filter(condition).order_by("-pk")


class LoginBackend(ModelBackend):
    """Resolve the login name to its accounts, then hash the password exactly once per account tried.

    No account: one hash of a throw-away password, so an unknown NIK, a NIK without an account and
    a wrong password cost the same (no timing tells them apart).
    """

    def authenticate(self, request, username: str | None = None, password: str | None = None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        candidates = list(login_candidates(username)[:MAX_CANDIDATES])
        if not candidates:
            User().set_password(password)
            return None
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None

    def get_user(self, user_id):
        """The session's user with their agency in the same query: every portal page reads
        `request.user.agency` (scoping, the header), which would otherwise be a query of its own."""
        user = session_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def session_user(user_id) -> User | None:
    """The user of a session, with `agency` loaded (`User.objects.session_user`)."""
    return User.objects.session_user(user_id)


class NikOrEmailBackend(LoginBackend):
    """The old workers' backend, kept only so sessions that name it stay valid: it authenticates no one
    (LoginBackend does, once), but still loads the session's user."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None


def _digest(value: str) -> str:
    from accounts.services.registration import nik_hash

    return nik_hash(value)[:40]


def lockout_key(value: str | None) -> str | None:
    """What django-axes counts failures under: the account, whichever name reached it.

    NIK, NIK with spaces and e-mail of one account give the same key ("user:<id>"). A name with no
    single account falls back to the name itself — a NIK only as a keyed hash, never in plain text.
    """
    if value is None:
        return None
    ids = list(login_candidates(value).values_list("pk", flat=True)[:2])
    if len(ids) == 1:
        return f"user:{ids[0]}"
    name = login_name(value)
    if SIXTEEN_DIGITS.match(name):
        return "nik:" + _digest(name)
    name = name.lower()
    if len(name) > MAX_PLAIN_KEY:
        return "long:" + hashlib.sha256(name.encode()).hexdigest()[:40]
    return name


def lockout_keys_for_user(user: User) -> set[str]:
    """Every key a lockout of this account may be stored under (to lift it after a password reset)."""
    keys = {f"user:{user.pk}", user.username.lower()}
    if user.email:
        keys.add(user.email.strip().lower())
    if user.worker_record_id:
        keys.add("nik:" + _digest(user.worker_record.nik))
    return keys


@contextlib.contextmanager
def login_serialised(request, username: str | None) -> Iterator[None]:
    """Attempts on one lockout key (account and address, as django-axes counts) run one at a time.

    django-axes checks the lockout before the password and counts a failure after it: thirty
    simultaneous wrong passwords would all pass the check and each get a guess. Holding a lock
    over check, password and count (registry.limits.lock_keys) lets exactly AXES_FAILURE_LIMIT
    through. The body must not raise (an exception would roll back the failure axes recorded).
    """
    key = f"login:{lockout_key(username)}|{limit_client_ip(request) if request is not None else ''}"
    with transaction.atomic():
        lock_keys([key])
        yield


def axes_username(request, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the lockout counts per account (and address), whichever name is typed."""
    if credentials and credentials.get("username") is not None:
        return lockout_key(credentials["username"])
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return lockout_key(data.get("username"))

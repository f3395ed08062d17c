"""Which portal an account belongs to: its home page, its logout, its name — for the login pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import AGENCY_ROLES, Role, User


@dataclass(frozen=True)
class Portal:
    key: str
    name: str | Promise
    home_url: str
    logout_url: str


def portal_for(user: User) -> Portal | None:
    """The portal a logged-in account works in (None for an account of no portal)."""
    if not user.is_authenticated:
        return None
    if user.is_national_admin:
        return Portal("admin", _("national admin page"), reverse("admin:index"), reverse("staff:logout"))
    if user.role in AGENCY_ROLES:
        return Portal("agency", _("agency portal"), reverse("registry:dashboard"), reverse("staff:logout"))
    if user.role == Role.WORKER and user.worker_record_id:
        return Portal("worker", _("worker site"), reverse("worker:home"), reverse("worker:logout"))
    return None

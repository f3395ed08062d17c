"""The accounts app's audit actions with their timeline labels (registered with the registry's trail)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountAuditAction(models.TextChoices):
    # The login is created together with the status change "Worker account created"; this row
    # holds the contact data given at step 1, so the timeline names it for that.
    ACCOUNT_CREATE = "account:create", _("Contact data given when the account was created")
    STAFF_CREATE = "staff:create", _("Staff user added")
    STAFF_ACTIVATE = "staff:activate", _("Staff user activated")
    STAFF_DEACTIVATE = "staff:deactivate", _("Staff user deactivated")
    STAFF_PASSWORD_RESET = "staff:password-reset", _("Staff password reset sent")
    IDENTITY_CHECK_UNLOCK = "account:identity_check_unlock", _("Create Account lock lifted")

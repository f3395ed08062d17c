from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.models import AGENCY_ROLES, Role


class StaffLoginForm(AuthenticationForm):
    """Agency portal login: only active agency staff get in."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _("This account is not an agency account. Workers log in on the worker page."),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.role not in AGENCY_ROLES:
            raise forms.ValidationError(self.error_messages["not_staff"], code="not_staff")


class WorkerLoginForm(AuthenticationForm):
    username = forms.CharField(label=_("NIK or e-mail"), max_length=254)

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_worker": _("This is not a worker account. Agency staff log in on the agency portal."),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.role != Role.WORKER:
            raise forms.ValidationError(self.error_messages["not_worker"], code="not_worker")

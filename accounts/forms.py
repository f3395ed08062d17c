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


STAFF_ROLES_ADDABLE = [(Role.OPERATOR.value, Role.OPERATOR.label), (Role.HELPDESK.value, Role.HELPDESK.label)]


class StaffUserCreateForm(forms.Form):
    """An agency admin adds an operator or helpdesk user to the agency."""

    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only."),
    )
    first_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The password reset link is sent here."))
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES_ADDABLE)
    password1 = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput, strip=False)

    def clean_username(self) -> str:
        from accounts.models import User

        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken. Choose another one."))
        return username

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

"""The staff's and the national admin's login and password forms, each with its own clear messages."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.backends import login_serialised
from accounts.models import AGENCY_ROLES, Role, User


class _SerialisedLogin:
    """Authentication (the lockout check, the password, the failure count) one attempt at a time per
    lockout key, so simultaneous attempts cannot pass django-axes' limit (accounts.backends)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()
        refused: forms.ValidationError | None = None
        with login_serialised(self.request, username):
            try:
                cleaned = super().clean()
            except forms.ValidationError as exc:  # raised after the lock: axes' count must commit
                refused = exc
        if refused is not None:
            raise refused
        return cleaned


class _LoginForm(_SerialisedLogin, AuthenticationForm):
    """Each login page says one clear thing when the name or password is wrong, and points an account
    of another kind (known only once its password is right) to its own login page."""

    # The one message for a wrong name or password; set per page.
    invalid_login_message = ""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.error_messages = {**self.error_messages, "invalid_login": self.invalid_login_message}
        # AuthenticationForm sets max_length without a validator: a 256-character name would reach
        # django-axes' 255-character column. Refuse it here, next to the field.
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))
        # Filled by confirm_login_allowed when the account belongs to another login page.
        self.other_login_url: str = ""

    def get_invalid_login_error(self):
        return forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")

    def _elsewhere(self, message, url) -> None:
        self.other_login_url = str(url)
        raise forms.ValidationError(message, code="wrong_portal")


class StaffLoginForm(_LoginForm):
    """Agency portal login: only active agency staff get in."""

    invalid_login_message = _("The user name or the password is wrong. Check both and try again.")

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.is_national_admin:
            self._elsewhere(
                _("This is the national admin account: log in on the national admin page."), "/admin/"
            )
        if user.role == Role.WORKER:
            self._elsewhere(
                _("This is a worker account: log in on the worker login page."), reverse_lazy("worker:login")
            )
        if user.role not in AGENCY_ROLES:
            self._elsewhere(_("This account cannot use the agency portal."), reverse_lazy("home"))


class WorkerLoginForm(_LoginForm):
    username = forms.CharField(label=_("NIK or e-mail"), max_length=254)

    invalid_login_message = _("The NIK or e-mail, or the password, is wrong. Check both and try again.")

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.role != Role.WORKER:
            if user.is_national_admin:
                self._elsewhere(
                    _("This is the national admin account: log in on the national admin page."), "/admin/"
                )
            self._elsewhere(
                _("This is an agency staff account: log in on the agency portal."),
                reverse_lazy("staff:login"),
            )


class NationalAdminLoginForm(_SerialisedLogin, AdminAuthenticationForm):
    """The /admin/ login: one clear message, and agency staff and workers pointed to their pages."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.error_messages = {
            **self.error_messages,
            "invalid_login": _("The user name or the password is wrong. Check both and try again."),
        }
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))

    def get_invalid_login_error(self):
        return forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")

    def confirm_login_allowed(self, user) -> None:
        if user.is_active and user.role in AGENCY_ROLES:
            raise forms.ValidationError(
                _("This is an agency staff account: log in on the agency portal, %(url)s."),
                code="wrong_portal",
                params={"url": reverse_lazy("staff:login")},
            )
        if user.is_active and user.role == Role.WORKER:
            raise forms.ValidationError(
                _("This is a worker account: log in on the worker login page, %(url)s."),
                code="wrong_portal",
                params={"url": reverse_lazy("worker:login")},
            )
        super().confirm_login_allowed(user)


class _OwnKindPasswordResetForm(PasswordResetForm):
    """A reset page sends links only to its own kind of account; any other address gets the same
    neutral answer and no e-mail."""

    def accounts(self, email: str):
        raise NotImplementedError

    def get_users(self, email):
        return (u for u in self.accounts(email) if u.has_usable_password())


class WorkerPasswordResetForm(_OwnKindPasswordResetForm):
    def accounts(self, email: str):
        return User.objects.filter(
            email__iexact=email, is_active=True, role=Role.WORKER, worker_record__isnull=False
        )


class StaffPasswordResetForm(_OwnKindPasswordResetForm):
    def accounts(self, email: str):
        return User.objects.filter(
            email__iexact=email, is_active=True, role__in=AGENCY_ROLES, is_superuser=False
        )


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

"""The national admin's screens for users in Django's admin: agency admins created with role and agency."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from accounts.forms import NationalAdminLoginForm
from accounts.models import AGENCY_ROLES, Role, User
from registry.labels import label_unnamed_fields

label_unnamed_fields("accounts")

# One clear message for a wrong password; agency staff and workers are pointed to their own login.
admin.site.login_form = NationalAdminLoginForm


class UserCreationWithRoleForm(AdminUserCreationForm):
    """The national admin creates an agency's admin: role and agency come with the account."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role", "agency")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No role is preselected: the national admin chooses one on purpose (the model's default,
        # "worker", would silently create an account that belongs to no record).
        role = self.fields["role"]
        role.choices = [("", "---------"), *Role.choices]
        role.required = True
        role.initial = None
        self.initial.pop("role", None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in AGENCY_ROLES and not cleaned.get("agency"):
            self.add_error("agency", _("Agency staff must belong to an agency."))
        return cleaned


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationWithRoleForm
    list_display = ["username", "get_full_name", "role", "agency", "is_active", "last_login"]
    list_filter = ["role", "is_active", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "first_name", "last_name", "email", "agency__name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]  # searched by code or name (AgencyAdmin.search_fields)
    raw_id_fields = ["worker_record"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and agency"), {"fields": ("role", "agency", "worker_record")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "role",
                    "agency",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

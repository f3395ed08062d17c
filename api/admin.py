"""The national admin's API keys (read-only national keys for BKN's systems) in Django admin."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api.forms import ApiKeyForm
from api.models import ApiKey, Scope
from api.services import api_key_create, api_key_revoke


class NationalKeyForm(ApiKeyForm, forms.ModelForm):
    class Meta:
        model = ApiKey
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, scopes=[(Scope.READ.value, Scope.READ.label)], **kwargs)

    def _post_clean(self) -> None:
        # The key is made by the service (api_key_create), not from this form's instance.
        pass


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "agency", "scope", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", ("agency", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "agency__name"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            return NationalKeyForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scope", "expires_on"]
        return [
            "name",
            "agency",
            "scope",
            "prefix",
            "created_by",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        key, token = api_key_create(
            name=form.cleaned_data["name"],
            scope=Scope.READ,
            expires_at=form.expires_at(),
            agency=None,
            actor=request.user,
        )
        obj.pk, obj.name, obj.prefix = key.pk, key.name, key.prefix
        obj._state.adding = False
        messages.warning(
            request,
            _("National key %(name)s: %(token)s — copy it now, it is shown only this once.")
            % {"name": key.name, "token": token},
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            api_key_revoke(key_id=key.pk, actor=request.user)
        messages.success(request, _("The keys were revoked."))

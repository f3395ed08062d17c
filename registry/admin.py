"""Django admin for the national admin (BKN): agencies, periods, submissions, records, audit."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registry.labels import label_unnamed_fields
from registry.models import (
    Agency,
    AgencySubmission,
    AuditEvent,
    Document,
    Period,
    WorkerRecord,
    WorkHistory,
    WorkUnit,
    audit_action_choices,
)
from registry.validators import mask_number

# The national admin's site, in the portal's words (the header, the browser tab and the index page).
admin.site.site_header = admin.site.site_title = admin.site.index_title = _(
    "Non-ASN Data Collection — National Admin"
)
label_unnamed_fields("registry")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: every change goes through the service that checks the phase and
    writes the audit row (the national desk, the agency portal), never through a bare model form."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class WorkUnitInline(admin.TabularInline):
    model = WorkUnit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    inlines = [WorkUnitInline]
    actions = ["add_to_active_period"]

    @admin.action(description=_("Add to the active period"))
    def add_to_active_period(self, request, queryset) -> None:
        from registry.services.phase import submission_for, submission_open

        period = Period.objects.active()
        if period is None:
            self.message_user(request, _("There is no active period."), messages.ERROR)
            return
        added = 0
        for agency in queryset:
            if submission_for(agency=agency, period=period) is None:
                submission_open(agency=agency, period=period, actor=request.user)
                added += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d agency added to %(period)s.", "%(count)d agencies added to %(period)s.", added
            )
            % {"count": added, "period": period.name},
            messages.SUCCESS,
        )


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "cutoff_date", "input_deadline", "finalisation_deadline"]
    list_filter = ["is_active"]


@admin.register(AgencySubmission)
class AgencySubmissionAdmin(ReadOnlyAdmin):
    list_display = ["agency", "period", "phase", "prefinalised_at", "finalised_at", "completed_at"]
    list_filter = ["phase", "period", "agency__kind"]
    search_fields = ["agency__name", "agency__code"]
    list_select_related = ["agency", "period"]
    # Phases and deadlines move through the verification services (the national desk, with audit).


class WorkHistoryInline(admin.TabularInline):
    model = WorkHistory
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    fields = ["kind", "content_type", "size", "pages", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkerRecord)
class WorkerRecordAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "nik_masked", "agency", "status", "category", "position"]
    list_filter = ["status", "category", "period", ("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=nik", "full_name", "registration_number"]
    list_select_related = ["agency"]
    raw_id_fields = ["agency", "work_unit", "period"]
    # Records change only through the services (transition table, phase guard, lock, audit);
    # these are shown too (fields a form would leave out).
    readonly_fields = ["submitted_at", "decided_at", "decided_by", "created_by", "created_at", "updated_at"]
    inlines = [WorkHistoryInline, DocumentInline]
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page

    @admin.display(description=_("NIK"))
    def nik_masked(self, obj: WorkerRecord) -> str:
        return mask_number(obj.nik)


class AuditActionFilter(admin.SimpleListFilter):
    """The audit list filtered by action, each shown by its label rather than its code."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return audit_action_choices()

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action_shown", "object_type", "object_id", "agency", "ip"]
    list_filter = [AuditActionFilter, "object_type"]
    search_fields = ["object_id", "actor__username", "action"]
    list_select_related = ["actor", "agency"]
    show_full_result_count = False

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, obj: AuditEvent) -> str:
        # The action's label from its app's enum ("Input deadline extended"), not its code.
        return obj.action_label

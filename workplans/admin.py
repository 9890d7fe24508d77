from django.contrib import admin

from portal.admin import SecretariatAdmin, SecretariatOnly
from workplans.models import Action, Objective, ProgressUpdate, RegionalPriority, Revision, WorkPlan


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0


@admin.register(WorkPlan)
class WorkPlanAdmin(SecretariatAdmin):
    list_display = ["title", "group", "period", "status"]
    list_filter = ["group", "status"]
    search_fields = ["title", "period"]
    inlines = [ObjectiveInline]


@admin.register(RegionalPriority)
class RegionalPriorityAdmin(SecretariatAdmin):
    list_display = ["group", "numeral", "text"]
    list_filter = ["group"]


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    autocomplete_fields = ["author"]


@admin.register(Action)
class ActionAdmin(SecretariatAdmin):
    list_display = ["plan", "number", "status", "target_period", "initiative"]
    list_filter = ["plan__group", "status", "initiative"]
    search_fields = ["description", "status_note"]
    filter_horizontal = ["lead_members", "funding_members", "priorities", "objectives"]
    inlines = [ProgressUpdateInline]


@admin.register(Revision)
class RevisionAdmin(SecretariatOnly, admin.ModelAdmin):
    """Revisions are frozen: they are read here, never edited."""

    list_display = ["plan", "number", "label", "adopted_on"]
    readonly_fields = [
        "plan",
        "number",
        "label",
        "adopted_on",
        "adopted_at",
        "snapshot",
        "adopted_by",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from portal.admin import AddOnlyFormSet, SecretariatAdmin, SecretariatInline, rows_of
from workplans import services
from workplans.models import (
    Action,
    Attachment,
    Objective,
    ProgressUpdate,
    Proposal,
    RegionalPriority,
    Revision,
    WorkPlan,
)


class ObjectiveInline(SecretariatInline, admin.TabularInline):
    model = Objective
    extra = 0


@admin.register(WorkPlan)
class WorkPlanAdmin(SecretariatAdmin):
    """Kept here, with history, for exceptions: the plan's own pages make, edit, adopt and
    supersede plans. A plan stays with its group, and one with an adopted revision is
    never deleted: the revision is the record of what was agreed."""

    # The priorities a plan serves are set on its edit page only (workplans.services.plan_edit).
    exclude = ["priorities"]
    list_display = ["title", "group", "period", "status"]
    list_filter = ["group", "status"]
    search_fields = ["title", "period"]
    inlines = [ObjectiveInline]

    def get_readonly_fields(self, request, obj=None):
        return ["group"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.revisions.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(RegionalPriority)
class RegionalPriorityAdmin(SecretariatAdmin):
    """Kept here (no page edits them), with history."""

    list_display = ["group", "numeral", "text"]
    list_filter = ["group"]


class ProgressUpdateInline(SecretariatInline, admin.TabularInline):
    """Posted through update_post, which checks the date, by the person saving; an update
    is not changed once posted (the history keeps a removed one)."""

    model = ProgressUpdate
    extra = 0
    formset = AddOnlyFormSet
    fields = ["reported_on", "text", "author"]
    readonly_fields = ["author"]


@admin.register(Action)
class ActionAdmin(SecretariatAdmin):
    """Changed through action_edit, as on the action's page: its plan, number and source
    outcome stay. An action is added here with a plain save, with history (the portal
    makes them from outcomes and imports); one from an outcome only on the outcome's
    page."""

    list_display = ["plan", "number", "status", "target_period", "initiative"]
    list_filter = ["plan__group", "status", "initiative"]
    search_fields = ["description", "status_note"]
    filter_horizontal = ["lead_members", "funding_members", "priorities", "objectives"]
    inlines = [ProgressUpdateInline]

    def get_readonly_fields(self, request, obj=None):
        # An action made from an outcome is made on the outcome's page, which checks it.
        return ["plan", "number", "from_outcome"] if obj is not None else ["from_outcome"]

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        if not form.has_changed():
            return None
        changes = {
            name: form.cleaned_data[name]
            for name in services.ACTION_FIELDS
            if name in form.cleaned_data
        }
        services.action_edit(
            obj, version=getattr(form, "version", None), by=request.user, **changes
        )
        return None

    def save_related(self, request, form, formsets, change):
        # A change's links (lead and funding members, priorities...) were set by action_edit.
        if change:
            form.save_m2m = lambda: None
        super().save_related(request, form, formsets, change)

    def save_formset(self, request, form, formset, change):
        added, _, removed = rows_of(formset)
        for update in removed:
            update.delete()
        for update in added:
            services.update_post(
                form.instance,
                text=update.text,
                author=request.user,
                reported_on=update.reported_on,
            )


@admin.register(Revision)
class RevisionAdmin(SecretariatAdmin):
    """Revisions are frozen as adopted: read here, never changed or deleted. The plan's
    page adopts them."""

    list_display = ["plan", "number", "label", "adopted_on"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(SecretariatAdmin):
    """Members' proposals are made and decided on the plan's pages, where deciding names
    the member or adds the action and tells the proposer: read here, never changed."""

    list_display = ["plan", "member", "kind", "action", "status", "proposed_at"]
    list_filter = ["plan__group", "kind", "status"]
    search_fields = ["member__name", "description", "decision_note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(SecretariatAdmin):
    """Attachments are added and removed on the plan's pages (workplans.services), which
    check the file and the label: read here, never changed."""

    list_display = ["plan", "label", "title", "action", "content_type", "size", "uploaded_at"]
    list_filter = ["plan__group"]
    search_fields = ["label", "title", "original_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

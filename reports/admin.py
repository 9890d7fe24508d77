from django.contrib import admin

from portal.admin import (
    ReadOnlyAdmin,
    SecretariatAdmin,
    SecretariatInline,
    SecretariatOnly,
    other_fields,
)
from reports import services
from reports.models import NARRATIVE_FIELDS, Approval, PublicStatement, RenderJob, Report


class ApprovalInline(SecretariatInline, admin.TabularInline):
    """Approvals are given by co-chairs on the report page, bound to what they read: read
    here, never changed or removed."""

    model = Approval
    extra = 0
    readonly_fields = [
        "member",
        "person",
        "decision",
        "content_hash",
        "comment",
        "decided_at",
        "withdrawn_at",
    ]
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(SecretariatAdmin):
    """Only the narrative of a draft (or of a report sent back) changes here, through
    report_edit. The status, the approvers, the hashes and the PDFs follow from the report
    page's services (submission, the co-chairs' decisions, rendering); once submitted, the
    narrative is edited on the report's page, which withdraws the approvals and tells the
    co-chairs. Reports are started on the group's and the meeting's pages. An approved
    report keeps its approved PDF: it is never deleted."""

    list_display = ["group", "kind", "year", "meeting", "status", "approved_at"]
    list_filter = ["group", "kind", "status"]
    list_select_related = ["group", "meeting"]
    inlines = [ApprovalInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status in (Report.Status.DRAFT, Report.Status.SENT_BACK):
            return other_fields(Report, *NARRATIVE_FIELDS)
        return other_fields(Report)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.is_approved or obj.approved_pdf):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        narrative = {name: data[name] for name in NARRATIVE_FIELDS if name in data}
        services.report_edit(obj, **narrative)


@admin.register(RenderJob)
class RenderJobAdmin(SecretariatOnly, admin.ModelAdmin):
    """Rendering jobs are queued from the report's page and run by the workers: read
    here only."""

    list_display = ["report", "status", "attempts", "queued_at", "finished_at"]
    list_select_related = ["report__group", "report__meeting"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PublicStatement)
class PublicStatementAdmin(ReadOnlyAdmin):
    """Drafted, submitted, approved and published on the group's pages (reports.statements),
    where the co-chairs' approvals are bound to the text: read here only."""

    list_display = ["title", "group", "status", "published_at"]
    list_filter = ["group", "status"]
    list_select_related = ["group"]

from django.contrib import admin

from portal.admin import SecretariatAdmin, SecretariatOnly
from reports.models import Approval, RenderJob, Report


class ApprovalInline(admin.TabularInline):
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
        # Approvals are given by co-chairs on the report page, bound to what they read.
        return False


@admin.register(Report)
class ReportAdmin(SecretariatAdmin):
    list_display = ["group", "kind", "year", "meeting", "status", "approved_at"]
    list_filter = ["group", "kind", "status"]
    list_select_related = ["group", "meeting"]
    readonly_fields = ["submitted_at", "approved_at", "approved_content_hash", "approved_pdf"]
    inlines = [ApprovalInline]


@admin.register(RenderJob)
class RenderJobAdmin(SecretariatOnly, admin.ModelAdmin):
    list_display = ["report", "status", "attempts", "queued_at", "finished_at"]
    list_select_related = ["report__group", "report__meeting"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in RenderJob._meta.fields]

    def has_add_permission(self, request):
        return False

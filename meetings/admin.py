from django.contrib import admin

from meetings.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    Document,
    DocumentVersion,
    Invitation,
    Meeting,
    Outcome,
    Speaker,
)
from portal.admin import SecretariatAdmin, SecretariatOnly


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["position", "title", "duration_minutes", "fixed_start_at"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SecretariatAdmin):
    list_display = ["title", "kind", "status", "starts_at", "city", "group", "body"]
    list_filter = ["kind", "status", "group", "body"]
    search_fields = ["title", "city", "venue"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["back_to_back_with"]
    inlines = [AgendaItemInline, OutcomeInline]


class SpeakerInline(admin.TabularInline):
    model = Speaker
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SecretariatAdmin):
    list_display = ["meeting", "position", "title", "duration_minutes"]
    list_filter = ["meeting__group"]
    search_fields = ["title", "meeting__title"]
    inlines = [SpeakerInline]


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    readonly_fields = ["number", "original_name", "content_type", "size", "sha256", "uploaded_by"]
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # New versions go through the upload page, which checks the file's content.
        return False


@admin.register(Document)
class DocumentAdmin(SecretariatAdmin):
    list_display = ["title", "meeting", "access", "created_at"]
    list_filter = ["access"]
    search_fields = ["title", "meeting__title"]
    inlines = [DocumentVersionInline]


@admin.register(Invitation)
class InvitationAdmin(SecretariatAdmin):
    list_display = ["meeting", "member", "person", "as_observer", "response"]
    list_filter = ["response", "as_observer"]
    autocomplete_fields = ["meeting", "member", "person"]


@admin.register(Attendance)
class AttendanceAdmin(SecretariatAdmin):
    list_display = ["meeting", "member", "person", "as_observer"]
    autocomplete_fields = ["meeting", "member", "person"]


@admin.register(Outcome)
class OutcomeAdmin(SecretariatAdmin):
    list_display = ["meeting", "number", "kind", "text"]
    list_filter = ["kind"]
    search_fields = ["text", "meeting__title"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SecretariatOnly, admin.ModelAdmin):
    """Feeds keep no history: an old secret address has no business being kept."""

    list_display = ["person", "created_at", "revoked_at"]
    readonly_fields = ["token"]

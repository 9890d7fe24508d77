from django.contrib import admin
from django.db import transaction

from meetings import agenda, calendar, services
from meetings.forms import MeetingForm
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
from portal.admin import (
    AddOnlyFormSet,
    SecretariatAdmin,
    SecretariatInline,
    SecretariatOnly,
    rows_of,
)

# What the back office changes of an agenda item; agenda.item_update checks each.
ITEM_CHANGES = ("title", "description", "duration_minutes", "fixed_start_at")


class AgendaItemInline(SecretariatInline, admin.TabularInline):
    """Added, changed and removed through meetings.agenda, which checks durations and
    fixed starts and keeps the order whole; the agenda editor moves items."""

    model = AgendaItem
    extra = 0
    fields = ["position", "title", "duration_minutes", "fixed_start_at"]
    readonly_fields = ["position"]


class OutcomeInline(SecretariatInline, admin.TabularInline):
    """Added, changed and removed through meetings.services, refused once the co-chairs
    have approved the meeting's outcomes; numbers follow the order."""

    model = Outcome
    extra = 0
    fields = ["number", "kind", "text"]
    readonly_fields = ["number"]


@admin.register(Meeting)
class MeetingAdmin(SecretariatAdmin):
    """Everything the meeting page edits (dates, place, group, status…) is read-only here:
    that page reopens answered invitations and tells the invited when the dates or place
    change, and checks times in the meeting's own zone. A meeting is planned there too.
    Its agenda items and outcomes change here, through their services; a field of the
    meeting itself, should one be offered here, is saved through meeting_save."""

    list_display = ["title", "kind", "status", "starts_at", "city", "group", "body"]
    list_filter = ["kind", "status", "group", "body"]
    search_fields = ["title", "city", "venue"]
    date_hierarchy = "starts_at"
    readonly_fields = [*MeetingForm.Meta.fields, "agenda_published_at"]
    inlines = [AgendaItemInline, OutcomeInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if form.has_changed():
            services.meeting_save(obj)

    def save_formset(self, request, form, formset, change):
        meeting = form.instance
        added, changed, removed = rows_of(formset)
        if formset.model is AgendaItem:
            for item in removed:
                agenda.item_delete(item)
            for item in changed:
                agenda.item_update(
                    item,
                    title=item.title,
                    duration_minutes=item.duration_minutes,
                    fixed_start_at=item.fixed_start_at,
                )
            for item in added:
                agenda.item_add(
                    meeting,
                    title=item.title,
                    duration_minutes=item.duration_minutes,
                    fixed_start_at=item.fixed_start_at,
                )
        elif formset.model is Outcome:
            for outcome in removed:
                services.outcome_delete(outcome)
            for outcome in changed:
                services.outcome_edit(outcome, kind=outcome.kind, text=outcome.text)
            for outcome in added:
                services.outcome_add(meeting, kind=outcome.kind, text=outcome.text)
        else:
            raise NotImplementedError(f"No service saves {formset.model.__name__} here.")


class SpeakerInline(SecretariatInline, admin.TabularInline):
    """Added and removed through meetings.agenda; a speaker is replaced, not edited."""

    model = Speaker
    extra = 0
    formset = AddOnlyFormSet
    autocomplete_fields = ["person"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SecretariatAdmin):
    """Changed and removed through meetings.agenda, which checks durations and fixed
    starts and keeps the order whole; items are added and moved in the agenda editor."""

    list_display = ["meeting", "position", "title", "duration_minutes"]
    list_filter = ["meeting__group"]
    search_fields = ["title", "meeting__title"]
    readonly_fields = ["meeting", "position"]
    inlines = [SpeakerInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        agenda.item_update(obj, **{name: getattr(obj, name) for name in ITEM_CHANGES})

    def delete_model(self, request, obj):
        agenda.item_delete(obj)

    def delete_queryset(self, request, queryset):
        for item in queryset:
            agenda.item_delete(item)

    def save_formset(self, request, form, formset, change):
        added, _, removed = rows_of(formset)
        for speaker in removed:
            agenda.speaker_remove(speaker)
        for speaker in added:
            agenda.speaker_add(
                form.instance,
                person=speaker.person,
                name=speaker.name,
                affiliation=speaker.affiliation,
            )


class DocumentVersionInline(SecretariatInline, admin.TabularInline):
    """Versions are uploaded on the paper's page, which checks the file's content, and
    never removed: each stays readable."""

    model = DocumentVersion
    extra = 0
    readonly_fields = ["number", "original_name", "content_type", "size", "sha256", "uploaded_by"]
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(SecretariatAdmin):
    """A paper is uploaded on the meeting's page (the file is checked there); here its
    title, access level and agenda item change, with history. It stays with its meeting,
    and a paper that has a version is never deleted."""

    list_display = ["title", "meeting", "access", "created_at"]
    list_filter = ["access"]
    search_fields = ["title", "meeting__title"]
    readonly_fields = ["meeting"]
    inlines = [DocumentVersionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.versions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "agenda_item" in form.base_fields:
            # An agenda item of another meeting would show this paper on that agenda.
            field = form.base_fields["agenda_item"]
            field.queryset = field.queryset.filter(meeting=obj.meeting_id)
        return form


@admin.register(Invitation)
class InvitationAdmin(SecretariatAdmin):
    """Read here only: invitations are sent on the meeting's page, which checks who may be
    invited and tells them, and answered by the invited."""

    list_display = ["meeting", "member", "person", "as_observer", "response"]
    list_filter = ["response", "as_observer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attendance)
class AttendanceAdmin(SecretariatAdmin):
    """Read here only: attendance is recorded on the meeting's page, which marks the
    meeting held."""

    list_display = ["meeting", "member", "person", "as_observer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outcome)
class OutcomeAdmin(SecretariatAdmin):
    """Changed and removed through meetings.services, refused once the co-chairs have
    approved the meeting's outcomes; added on the meeting's outcomes page."""

    list_display = ["meeting", "number", "kind", "text"]
    list_filter = ["kind"]
    search_fields = ["text", "meeting__title"]
    readonly_fields = ["meeting", "number"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.outcome_edit(obj, kind=obj.kind, text=obj.text)

    def delete_model(self, request, obj):
        services.outcome_delete(obj)

    def delete_queryset(self, request, queryset):
        for outcome in queryset:
            services.outcome_delete(outcome)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(SecretariatOnly, admin.ModelAdmin):
    """Feeds keep no history: an old secret address has no business being kept. A person
    makes their own on the calendar page; here a feed is revoked."""

    list_display = ["person", "created_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected calendar feeds")
    def revoke(self, request, queryset):
        with transaction.atomic():
            for feed in queryset:
                calendar.feed_revoke(feed)
        self.message_user(request, "Revoked: those addresses answer “not found” from now on.")
        return None

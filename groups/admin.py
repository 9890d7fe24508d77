from django.contrib import admin, messages

from groups import services
from groups.forms import RosterCheckedTermForm
from groups.models import (
    CoChairTerm,
    Member,
    Nomination,
    Participation,
    SilenceProcedure,
    TermsOfReference,
    WorkingGroup,
)
from portal.admin import ReadOnlyAdmin, SecretariatAdmin, other_fields


@admin.register(Member)
class MemberAdmin(SecretariatAdmin):
    """Kept here (no page edits members); the history keeps every change."""

    list_display = ["name", "short_name", "kind", "country", "ahg_member", "is_observer"]
    list_filter = ["kind", ("ahg_joined_on", admin.EmptyFieldListFilter), "is_observer"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(boolean=True, description="AHG member today")
    def ahg_member(self, obj):
        return obj.is_ahg_member


@admin.register(WorkingGroup)
class WorkingGroupAdmin(SecretariatAdmin):
    """Kept here (no page edits a group's particulars); the history keeps every change."""

    list_display = ["short_name", "name", "status", "established_on", "review_on"]
    list_filter = ["status", "clearance_required"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["proposed_by"]


@admin.register(TermsOfReference)
class TermsOfReferenceAdmin(SecretariatAdmin):
    """Kept here (the group's page only reads them); the history keeps every version's
    changes."""

    list_display = ["group", "version", "status", "endorsed_on", "endorsed_at"]
    list_filter = ["group", "status"]
    autocomplete_fields = ["endorsed_at"]


@admin.register(Participation)
class ParticipationAdmin(SecretariatAdmin):
    """Kept here (no page edits who takes part); the history keeps every change."""

    list_display = ["person", "member", "group", "role", "started_on", "ended_on"]
    list_filter = ["group", "role", "member"]
    search_fields = ["person__first_name", "person__last_name", "member__name"]
    autocomplete_fields = ["person", "member"]


class CoChairTermAdminForm(RosterCheckedTermForm):
    class Meta:
        model = CoChairTerm
        fields = "__all__"


@admin.register(CoChairTerm)
class CoChairTermAdmin(SecretariatAdmin):
    """Saved through the same roster checks as the portal's form."""

    form = CoChairTermAdminForm
    list_display = ["group", "seat", "member", "starts_on", "planned_end_on", "ended_on"]
    list_filter = ["group", "seat"]
    search_fields = ["member__name", "group__short_name"]
    autocomplete_fields = ["member", "decided_at", "extension_agreed_at"]

    def save_model(self, request, obj, form, change):
        warnings = services.term_save(obj)
        for warning in warnings:
            messages.warning(request, warning.message)


@admin.register(Nomination)
class NominationAdmin(SecretariatAdmin):
    """Recorded, decided and closed on the roster page, whose services check the member,
    the meeting and the SOM and make the term: here only the note changes. A decided
    nomination is the record of that decision and is not deleted."""

    list_display = ["group", "member", "nominated_at", "for_term_from", "seat", "outcome"]
    list_filter = ["group", "outcome"]
    readonly_fields = other_fields(Nomination, "note")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.outcome != Nomination.Outcome.PENDING:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(SilenceProcedure)
class SilenceProcedureAdmin(ReadOnlyAdmin):
    """Circulated, broken, withdrawn and adopted on the group's pages and by the deadline's
    run (groups.services): read here only."""

    list_display = ["title", "group", "subject", "status", "deadline"]
    list_filter = ["group", "status", "subject"]
    list_select_related = ["group"]

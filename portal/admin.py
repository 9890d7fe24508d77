"""The admin site: the secretariat's back office, guarded by the permissions module.

The back office is for exceptions, and it is a client of the services like any page: a
change it offers is saved through the service the portal's pages call, so the same checks
and side effects happen, or the field is shown read-only. Each ModelAdmin's docstring says
which, and why. In short, what is saved through which service (the rest is read-only or
not offered):

- member, working group, Terms of Reference, participation, regional priority, work plan
  and objective, person: kept here, since no page edits them; a plain save, with history.
  A work plan keeps its group, and is never deleted once a revision is adopted.
- co-chair term: groups.services.term_save, the roster page's checks.
- nomination: only its note; the roster page records, decides and closes nominations.
- meeting: nothing of what the meeting page edits (dates, place, group, status…), since
  that page reopens invitations and tells the invited; saved through meeting_save. No
  meeting is planned here.
- agenda item and speaker: meetings.agenda; the agenda editor moves items.
- outcome: meetings.services outcome_add, outcome_edit and outcome_delete, which refuse
  once the co-chairs have approved the outcomes.
- paper: its title, access level and agenda item, with history; its versions only on the
  upload page, and never deleted.
- invitation, attendance: read only; the meeting's pages send, answer and record them.
- calendar feed: read only, revoked by an action through calendar.feed_revoke.
- action: workplans.services.action_edit; a progress update is posted through
  update_post and not changed afterwards.
- work-plan revision, approval, rendering job: read only; a revision is never deleted.
- report: the narrative of a draft through reports.services.report_edit; status,
  approvers, hashes and PDFs never, the narrative not once submitted (the report's page
  does that and tells the co-chairs); an approved report is never deleted.

A service's refusal (a ValidationError) undoes the whole save and is shown as a message,
never as a 500. History is shown, never reverted: a revert would write an old row back
without any service, so the revert form refuses to save.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import DELETION_FIELD_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from portal import permissions
from portal.versions import VersionedAdminMixin, VersionedInlineMixin


class PortalAdminSite(admin.AdminSite):
    site_header = "Secretariat Portal administration"
    site_title = "Secretariat Portal"
    index_title = "Back office"

    def has_permission(self, request):
        return permissions.is_secretariat(request.user)


def refusal_text(error: ValidationError) -> str:
    """A service's refusal as one sentence or a few, for a message above the form."""
    return " ".join(str(message) for message in error.messages)


class SecretariatOnly:
    """The secretariat may do everything in the back office, nobody else anything; what a
    service refuses is undone and shown."""

    def has_module_permission(self, request):
        return permissions.is_secretariat(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_add_permission(self, request):
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    # The admin saves a change form (the object and its inlines) or a deletion in one
    # transaction; a service raising ValidationError rolls all of it back. The refusal is
    # then shown on the page the person was on, with nothing changed.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            opts = self.model._meta
            change = f"admin:{opts.app_label}_{opts.model_name}_change"
            return self._refused(request, error, reverse(change, args=[object_id]))

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        try:
            # An action (deleting the selected rows) is all or nothing, as a form is.
            with transaction.atomic():
                return super().changelist_view(request, extra_context)
        except ValidationError as error:
            return self._refused(request, error)

    def _refused(self, request, error: ValidationError, to: str | None = None):
        self.message_user(request, refusal_text(error), messages.ERROR)
        return HttpResponseRedirect(to or request.get_full_path())


class SecretariatAdmin(VersionedAdminMixin, SecretariatOnly, SimpleHistoryAdmin):
    """The admin of a model that keeps its history: shown, never reverted. Its change form
    carries the version it was read at and refuses saving over a newer one."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The form only hides its button when reverting is disabled; a posted form would
        # still write the old row back, past every service.
        if request.method == "POST":
            raise PermissionDenied("History is read here, never reverted.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class SecretariatInline(VersionedInlineMixin):
    """An inline the secretariat may use: left alone, the admin would ask Django's own
    permissions, which the portal does not grant. Each existing row carries the version it
    was read at and refuses saving over a newer one."""

    def has_view_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_add_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_secretariat(request.user)


class AddOnlyFormSet(BaseInlineFormSet):
    """An inline's existing rows are shown but not changed (no service changes them); new
    rows can be added and, where the inline allows it, rows removed."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is not None:
            for name, field in form.fields.items():
                if name not in (DELETION_FIELD_NAME, self.fk.name, self.model._meta.pk.name):
                    field.disabled = True
        return form


def rows_of(formset) -> tuple[list, list, list]:
    """The rows an inline formset adds, changes and removes, none of them saved yet."""
    formset.save(commit=False)
    return (
        list(formset.new_objects),
        [row for row, _ in formset.changed_objects],
        list(formset.deleted_objects),
    )


def other_fields(model, *editable: str) -> list[str]:
    """Every field of the model but these: read-only, also a field added later."""
    forward = [*model._meta.fields, *model._meta.many_to_many]
    return [f.name for f in forward if not f.primary_key and f.name not in editable]


class ReadOnlyAdmin(SecretariatOnly, admin.ModelAdmin):
    """What the portal's own pages make and change, read here only: a second place to
    write it would be a second set of rules."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

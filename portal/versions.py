"""Edits that never silently overwrite one another.

Every form that edits an existing object carries, in a hidden field, the version of the
object it was read at. The service that saves the edit locks the row and calls
`check_version`: when someone else has saved the object since, the save is refused with
an `EditConflict` that says who changed what (field: before → after) and carries the
current version, so that the person's second try, once they have seen the change, is
accepted. `portal.forms.add_service_errors` shows the refusal above the form and puts the
current version into the re-rendered form, keeping everything the person typed.

A version is the id of the object's latest historical record (django-simple-history keeps
one for every save), 0 for an object that has none yet. The refusal compares the record
the person read with the row as it is now, so a save that changed nothing they could
overwrite is let through.

In a view::

    form = NarrativeForm(request.POST, instance=report)       # a VersionedForm
    if form.is_valid():
        try:
            report_edit(report, version=form.version, **form.values)
        except ValidationError as error:
            add_service_errors(form, error)                   # shows who changed what

In a service::

    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        check_version(locked, version, fields=narrative, saving=narrative)

In the back office: `VersionedAdminMixin` on the ModelAdmin and `VersionedInlineMixin` on
its inlines (or `VersionedAdminForm` as the base of a form).
"""

import datetime
from collections.abc import Iterable

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

# The hidden field's name; "version" alone is a field of some models (Terms of Reference).
READ_VERSION = "read_version"

# Long texts (narratives) are shown as an excerpt around their first difference.
_EXCERPT_BEFORE = 40
_EXCERPT_AFTER = 100
_LARGEST_VERSION = 2**63 - 1


class EditConflict(ValidationError):
    """Someone saved the object after this person read it; what they changed.

    `version` is the object's current version, `changes` a list of
    (field label, before, after) as shown to people, `editors` the names of who saved it
    since (oldest first), `changed_at` when the last of them did, and `theirs` the stored
    values (by field name) of the fields they changed and this person left as read: the
    form shown again takes those, so that saving it again keeps both people's changes.
    """

    def __init__(self, messages, *, version, changes, editors, changed_at, theirs=None):
        super().__init__(messages, code="edit_conflict")
        self.version = version
        self.changes = changes
        self.editors = editors
        self.changed_at = changed_at
        self.theirs = theirs or {}


def version_of(obj: models.Model) -> int:
    """The version an edit form should carry for this object (its latest history id)."""
    if obj is None or obj.pk is None:
        return 0
    latest = obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return latest or 0


def check_version(
    obj: models.Model,
    version: int | None,
    *,
    fields: Iterable[str] | None = None,
    labels: dict[str, str] | None = None,
    what: str | None = None,
    saving: models.Model | dict | None = None,
) -> None:
    """Refuse, with an EditConflict, an edit read at `version` when `obj` has changed since.

    Call it inside the saving transaction on the row just loaded with select_for_update,
    so two saves racing cannot both pass. `fields` are the fields the edit writes (all
    editable fields when not given): the edit is refused only when one of them differs
    from the version read; `labels` and `what` name the fields and the object as the page
    does (the model's verbose names otherwise). `saving` (the values or the changed
    instance about to be saved) lets through a change someone already made the same way,
    such as the same form sent twice. `version=None` means the caller read nothing
    beforehand (a script, the demo loader): nothing to compare, nothing checked.
    """
    if version is None:
        return
    current = version_of(obj)
    if version == current:
        return
    read = obj.history.filter(history_id=version).first() if version else None
    tracked = _tracked_fields(obj, fields)
    changes, theirs = [], {}
    if read is not None:
        for field, before, after in _differences(tracked, read, obj):
            shown = _shown(field, before), _shown(field, after)
            # A difference no one can see (the seconds of a time typed to the minute) is
            # not one a person could knowingly keep or overwrite.
            if _already(field, after, saving) or shown[0] == shown[1]:
                continue
            changes.append((_label(field, labels), *shown))
            if _already(field, before, saving):
                theirs[field.name] = after
        if not changes:
            return
    # Otherwise an object with no history when it was read, or a version that was never
    # this object's: what was read is unknown, so refuse without a list of changes.
    since = obj.history.filter(history_id__gt=version).select_related("history_user")
    since = list(since.order_by("history_id"))
    editors = _unique(_person(record.history_user) for record in since)
    changed_at = since[-1].history_date if since else None
    raise EditConflict(
        _messages(what or str(obj._meta.verbose_name), editors, changed_at, changes),
        version=current,
        changes=changes,
        editors=editors,
        changed_at=changed_at,
        theirs=theirs,
    )


def keep_for_second_try(form: forms.BaseForm, conflict: EditConflict) -> None:
    """Re-render `form` with what the person typed and the current version, so that
    submitting it again, after they have seen the other person's change, is accepted."""
    if READ_VERSION not in form.fields or not form.is_bound:
        return
    data = form.data.copy()
    data[form.add_prefix(READ_VERSION)] = str(conflict.version)
    for name, value in conflict.theirs.items():
        field = form.fields.get(name)
        if field is None or field.disabled or isinstance(field.widget, forms.MultiWidget):
            continue  # a field in several inputs (the admin's date and time) stays as typed
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.CheckboxInput):
            data.pop(key, None)
            if value:
                data[key] = "on"
        elif isinstance(value, set):
            if hasattr(data, "setlist"):
                data.setlist(key, [str(pk) for pk in sorted(value)])
            else:
                data[key] = [str(pk) for pk in sorted(value)]
        else:
            data[key] = _as_typed(form, value)
    form.data = data


def _as_typed(form: forms.BaseForm, value) -> str:
    """A stored value as the person would type it in the form."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        # Typed as wall-clock time: the form says in which zone (a meeting's), if not ours.
        wall_clock = getattr(form, "wall_clock", None)
        local = wall_clock(value) if wall_clock else timezone.localtime(value)
        return local.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- Forms ------------------------------------------------------------------------------


class VersionField(forms.IntegerField):
    """The version an edit form was read at, sent back unchanged with the edit.

    Our pages always send it. A post without one (a client that read nothing first) is
    taken as such: nothing to compare, so nothing is checked; a garbled one is refused.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        missing = (
            "This form lost the version of what it edits. Open the page again and repeat "
            "your change."
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", _LARGEST_VERSION)
        kwargs.setdefault(
            "error_messages",
            {"required": missing, "invalid": missing, "min_value": missing, "max_value": missing},
        )
        super().__init__(**kwargs)

    def has_changed(self, initial, data):
        # Never a change of the person's: an inline row is not saved for its version alone.
        return False


class VersionedForm(forms.Form):
    """A form that edits an existing object and carries the version it was read at.

    Use it as the first base, also of a ModelForm (`class F(VersionedForm,
    forms.ModelForm)`). The edited object is the ModelForm's instance, or `edits=obj` for
    a plain form. On a form that edits nothing (an add form) the field is dropped.
    Pass `form.version` to the service, which checks it under its row lock.
    """

    read_version = VersionField()
    # A row of a formset keeps the field, empty, when it adds: the rows share one layout.
    keeps_version_when_adding = False

    def __init__(self, *args, edits: models.Model | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        edited = edits if edits is not None else getattr(self, "instance", None)
        if edited is None or edited.pk is None:
            if not self.keeps_version_when_adding:
                del self.fields[READ_VERSION]
            return
        self.edited = edited
        # A bound form sends back the version it was read at; only a new one needs it.
        if not self.is_bound and READ_VERSION not in self.initial:
            self.initial[READ_VERSION] = version_of(edited)

    @property
    def version(self) -> int | None:
        """The version the person read, once the form is valid (None on an add form)."""
        return getattr(self, "cleaned_data", {}).get(READ_VERSION)

    @property
    def values(self) -> dict:
        """The cleaned values the person typed, without the version."""
        return {k: v for k, v in self.cleaned_data.items() if k != READ_VERSION}


class VersionedAdminForm(VersionedForm, forms.ModelForm):
    """A back-office change form that refuses saving over a newer version.

    The admin saves in one transaction around the whole request, so the row locked here
    stays locked until the object is saved: two saves racing cannot both pass.
    """

    def clean(self):
        data = super().clean()
        version = data.get(READ_VERSION)
        edited = getattr(self, "edited", None)
        if READ_VERSION not in self.fields or version is None or edited is None:
            return data
        locked = type(edited)._default_manager
        if transaction.get_connection().in_atomic_block:
            locked = locked.select_for_update()
        locked = locked.filter(pk=edited.pk).first()
        if locked is None:
            return data
        fields = [name for name in self.fields if name != READ_VERSION]
        labels = {name: str(self.fields[name].label or "") for name in fields}
        try:
            check_version(locked, version, fields=fields, labels=labels, saving=data)
        except EditConflict as conflict:
            keep_for_second_try(self, conflict)
            raise
        return data


class VersionedInlineForm(VersionedAdminForm):
    """A row of a back-office inline: an existing row refuses saving over a newer version;
    a new row carries the field empty."""

    keeps_version_when_adding = True


class VersionedAdminMixin:
    """A ModelAdmin mixin: its change form carries and checks the version (add forms don't).

    Put it before admin.ModelAdmin; works with the ModelAdmin's own `form` and
    `fieldsets`. A model that keeps no history is left as it is.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and _keeps_history(self.model):
            form = kwargs.pop("form", None) or self.form
            kwargs["form"] = _versioned(form, VersionedAdminForm)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not _keeps_history(self.model):
            return fieldsets
        return _with_version(fieldsets)


class VersionedInlineMixin:
    """An InlineModelAdmin mixin: each existing row carries and checks its own version."""

    def get_formset(self, request, obj=None, **kwargs):
        if obj is not None and _keeps_history(self.model):
            form = kwargs.pop("form", None) or self.form
            kwargs["form"] = _versioned(form, VersionedInlineForm)
        return super().get_formset(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not _keeps_history(self.model):
            return fieldsets
        return _with_version(fieldsets)


def _keeps_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def _versioned(form: type, base: type) -> type:
    """The admin's form class with the version field and check in front."""
    if issubclass(form, base):
        return form
    return type(f"Versioned{form.__name__}", (base, form), {})


def _with_version(fieldsets):
    """The fieldsets with the hidden version field in the first, once."""
    fieldsets = list(fieldsets)
    if not fieldsets or any(READ_VERSION in _flat(o.get("fields", ())) for _, o in fieldsets):
        return fieldsets
    (name, options), *rest = fieldsets
    options = {**options, "fields": [*options.get("fields", ()), READ_VERSION]}
    return [(name, options), *rest]


# --- Working out and wording the changes ---------------------------------------------------


def _tracked_fields(obj: models.Model, names: Iterable[str] | None) -> list[models.Field]:
    """The fields of `obj` its history keeps and an edit could overwrite."""
    historical = obj.history.model._meta
    wanted = set(names) if names is not None else None
    tracked = []
    for field in type(obj)._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now", False):
            continue
        if wanted is None and not field.editable:
            continue
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        try:
            historical.get_field(field.name)
        except FieldDoesNotExist:
            continue
        tracked.append(field)
    kept = {f.name for f in getattr(obj.history.model, "_history_m2m_fields", ())}
    for field in type(obj)._meta.many_to_many:
        if field.name in kept and (wanted is None or field.name in wanted):
            tracked.append(field)
    return tracked


def _differences(tracked, read, now) -> list[tuple[models.Field, object, object]]:
    """(field, value read, value now) for each field that differs."""
    out = []
    for field in tracked:
        if field.many_to_many:
            related = f"{field.m2m_reverse_field_name()}_id"
            before = set(getattr(read, field.name).values_list(related, flat=True))
            after = set(getattr(now, field.name).values_list("pk", flat=True))
            if before != after:
                out.append((field, before, after))
            continue
        before, after = getattr(read, field.attname), getattr(now, field.attname)
        if field.to_python(before) != field.to_python(after):
            out.append((field, before, after))
    return out


def _already(field: models.Field, now, saving) -> bool:
    """Whether the edit being saved gives the field the value it already has."""
    if isinstance(saving, models.Model):
        if field.many_to_many:
            return False
        value = getattr(saving, field.attname)
    elif saving and field.name in saving:
        value = saving[field.name]
    else:
        return False
    if field.many_to_many:
        return {getattr(v, "pk", v) for v in value} == now
    if field.is_relation:
        value = getattr(value, "pk", value)
    try:
        return field.to_python(value) == field.to_python(now)
    except ValidationError:
        return False


def _label(field: models.Field, labels: dict[str, str] | None) -> str:
    return capfirst((labels or {}).get(field.name) or str(field.verbose_name))


def _shown(field: models.Field, value) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == set():
        return "(empty)"
    if field.many_to_many:
        related = field.related_model._default_manager.filter(pk__in=value)
        return ", ".join(sorted(str(r) for r in related)) or "(deleted)"
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else "(deleted)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return _moment(value)
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


def _moment(value: datetime.datetime) -> str:
    zone = timezone.get_current_timezone_name()
    return f"{date_format(timezone.localtime(value), 'j F Y, H:i')} ({zone} time)"


def _excerpts(before: str, after: str) -> tuple[str, str]:
    """Two long texts cut to the part around their first difference."""
    if len(before) <= _EXCERPT_BEFORE + _EXCERPT_AFTER and len(after) <= (
        _EXCERPT_BEFORE + _EXCERPT_AFTER
    ):
        return before, after
    start = next(
        (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
        min(len(before), len(after)),
    )
    begin = max(0, start - _EXCERPT_BEFORE)

    def cut(text: str) -> str:
        part = text[begin : start + _EXCERPT_AFTER]
        return ("…" if begin else "") + part + ("…" if start + _EXCERPT_AFTER < len(text) else "")

    return cut(before), cut(after)


def _messages(what: str, editors: list[str], changed_at, changes) -> list[str]:
    """The refusal, one line per message: who and when, each change, what to do now."""
    who = _names(editors) if editors else "Someone"
    when = f" on {_moment(changed_at)}" if changed_at else ""
    if changes:
        head = f"{who} saved this {what}{when}, after you opened it. They changed:"
    else:
        head = f"{who} saved this {what}{when}, after you opened it."
    lines = [head]
    for label, before, after in changes:
        before, after = _excerpts(before, after)
        lines.append(f"{label}: “{before}” → “{after}”")
    lines.append(
        "Nothing of yours has been saved yet. The form below holds what you typed, and "
        "their changes where you changed nothing: check it, then save again."
    )
    return lines


def _person(user) -> str:
    return str(user) if user is not None else "Someone"


def _names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _flat(fields) -> list[str]:
    """Field names of a fieldset, whose entries may be tuples shown on one line."""
    out = []
    for entry in fields:
        out.extend(entry if isinstance(entry, list | tuple) else [entry])
    return out

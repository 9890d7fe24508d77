"""The secretariat's agenda editor: add, move, edit and remove items, publish the agenda.

Every page works with plain forms. The editor's script sends the same forms with
``X-Requested-With: fetch`` and gets back only the parts of the page that changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from meetings import agenda
from meetings.forms import ItemForm, SpeakerForm
from portal import permissions
from portal.forms import add_service_errors


def _is_fetch(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _times(entry) -> str:
    return f"{entry.starts_at:%H:%M} to {entry.ends_at:%H:%M}"


def _editor_context(user, meeting, **extra) -> dict:
    named = permissions.can_see_speakers(user, meeting)
    entries = agenda.schedule(meeting, agenda.items_with_speakers(meeting), speakers_named=named)
    return {"meeting": meeting, "entries": entries, "move_error": None} | extra


def _answer(request, meeting, *, status=200, focus="", announce="", **extra):
    """The changed parts for the script, or the whole editor page for a plain form."""
    context = _editor_context(request.user, meeting, **extra)
    if _is_fetch(request):
        context |= {"focus": focus, "announce": announce}
        return render(request, "meetings/agenda_update.html", context, status=status)
    context.setdefault("form", ItemForm(meeting=meeting))
    return render(request, "meetings/agenda_editor.html", context)


def _entry(meeting, item_pk):
    """The scheduled entry of one item, after a change."""
    entries = agenda.schedule(meeting, list(meeting.agenda_items.all()))
    return next(e for e in entries if e.item.pk == item_pk), len(entries)


def _to_editor(meeting, item=None):
    anchor = f"#item-{item.pk}" if item else "#items-heading"
    return redirect(reverse("agenda_edit", args=[meeting.pk]) + anchor)


@login_required
def agenda_edit(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    if request.method != "POST":
        return _answer(request, meeting)
    form = ItemForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            item = agenda.item_add(meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            entry, _ = _entry(meeting, item.pk)
            done = f"Added item {entry.number}, {item.title}, {_times(entry)}."
            if not _is_fetch(request):
                messages.success(request, done)
                return _to_editor(meeting, item)
            fresh = ItemForm(meeting=meeting)
            return _answer(request, meeting, focus=f"item-{item.pk}", announce=done, form=fresh)
    first_error = next(iter(form.errors), None)
    focus = f"id_{first_error}" if first_error in form.fields else "id_title"
    refused = "The item was not added: correct the errors shown in the form."
    return _answer(request, meeting, status=400, focus=focus, announce=refused, form=form)


@login_required
@require_POST
def agenda_item_move(request, meeting_id, item_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    item = get_object_or_404(meeting.agenda_items, pk=item_id)
    item.meeting = meeting
    direction = request.POST.get("direction")
    try:
        if direction in ("up", "down"):
            to_position = item.position + (-1 if direction == "up" else 1)
        else:
            to_position = int(request.POST.get("position", ""))
        agenda.item_move(item, to_position)
    except ValueError:
        refused = "Type the number of the position to move the item to."
    except ValidationError as error:
        refused = " ".join(error.messages)
    else:
        entry, count = _entry(meeting, item.pk)
        done = (
            f"Moved {item.title} to position {entry.number} of {count}; "
            f"it now runs {_times(entry)}."
        )
        if not _is_fetch(request):
            messages.success(request, done)
            return _to_editor(meeting, item)
        return _answer(request, meeting, focus=f"item-{item.pk}", announce=done)
    return _answer(
        request,
        meeting,
        status=400,
        focus=f"move-{item.pk}",
        announce=refused,
        move_error=(item.pk, refused),
    )


@login_required
@require_POST
def agenda_item_delete(request, meeting_id, item_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    item = get_object_or_404(meeting.agenda_items, pk=item_id)
    item.meeting = meeting
    agenda.item_delete(item)
    messages.success(request, f"Deleted the item {item.title}; the items after it moved up.")
    return _to_editor(meeting)


@login_required
@require_POST
def speaker_remove(request, meeting_id, item_id, speaker_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    item = get_object_or_404(meeting.agenda_items, pk=item_id)
    speaker = get_object_or_404(item.speakers.select_related("person"), pk=speaker_id)
    agenda.speaker_remove(speaker)
    messages.success(request, f"Removed {speaker.display_name} from the speakers.")
    return redirect("agenda_item_edit", meeting.pk, item.pk)


@login_required
@require_POST
def agenda_publish(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    if request.POST.get("publish") == "no":
        agenda.agenda_unpublish(meeting)
        messages.success(request, "The agenda is a draft again: members no longer see it.")
        return redirect("agenda_edit", meeting.pk)
    try:
        agenda.agenda_publish(meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Published the agenda: the meeting's participants see it.")
    return redirect("agenda_edit", meeting.pk)


@login_required
def agenda_item_edit(request, meeting_id, item_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    item = get_object_or_404(meeting.agenda_items, pk=item_id)
    item.meeting = meeting
    adding_speaker = "add_speaker" in request.POST
    form = ItemForm.for_item(request.POST if request.POST and not adding_speaker else None, item)
    speaker_form = SpeakerForm(request.POST if adding_speaker else None)
    if form.is_bound and form.is_valid():
        try:
            agenda.item_update(item, version=form.version, **form.values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the item {item.title}.")
            return _to_editor(meeting, item)
    if speaker_form.is_bound and speaker_form.is_valid():
        try:
            speaker = agenda.speaker_add(item, **speaker_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(speaker_form, error)
        else:
            messages.success(request, f"Added {speaker.display_name} as a speaker.")
            return redirect("agenda_item_edit", meeting.pk, item.pk)
    context = {
        "meeting": meeting,
        "item": item,
        "form": form,
        "speaker_form": speaker_form,
        "speakers": item.speakers.select_related("person").order_by("pk"),
    }
    return render(request, "meetings/agenda_item.html", context)

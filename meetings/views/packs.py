"""A reader's meeting pack: ask for it, follow it being put together, download it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from meetings import pack as meeting_pack
from meetings.models import MeetingPack
from portal import permissions
from portal.audit import services as audit

WORKING = (MeetingPack.Status.QUEUED, MeetingPack.Status.RUNNING)


def _state(pack: MeetingPack, *, current: bool) -> dict:
    """What the page (and its script, while the pack is put together) shows of the pack."""
    if pack.status == MeetingPack.Status.QUEUED:
        text = "Queued: your meeting pack will follow."
    elif pack.status == MeetingPack.Status.RUNNING:
        text = f"Being put together: {pack.parts_done} of {pack.parts_total} parts."
    elif pack.status == MeetingPack.Status.FAILED:
        text = "Your meeting pack could not be made."
    elif current:
        text = "Ready."
    else:
        text = (
            "This pack is out of date: the agenda, the papers or what you may read have "
            "changed since it was made."
        )
    ready = pack.status == MeetingPack.Status.SUCCEEDED and current
    return {
        "status": pack.status,
        "label": pack.get_status_display(),
        "parts_done": pack.parts_done,
        "parts_total": pack.parts_total,
        "text": text,
        "working": pack.status in WORKING,
        "error": pack.error if pack.status == MeetingPack.Status.FAILED else "",
        "pdf_url": reverse("meeting_pack_pdf", args=[pack.meeting_id, pack.pk]) if ready else "",
    }


def _still_current(pack: MeetingPack) -> bool:
    """A ready pack whose file is kept and whose contents are what its reader may read now
    (the file of a pack is removed once a newer one of theirs is ready)."""
    return bool(pack.pdf) and meeting_pack.is_current(pack)


@login_required
@require_POST
def pack_request(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    if not permissions.can_request_pack(request.user, meeting):
        raise Http404("No such page")
    pack = meeting_pack.pack_request(meeting, request.user)
    return redirect("meeting_pack", meeting.pk, pack.pk)


@login_required
@require_safe
def pack_detail(request, meeting_id, pack_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    pack = permissions.get_pack_for_user(request.user, meeting, pack_id)
    done = pack.status == MeetingPack.Status.SUCCEEDED
    state = _state(pack, current=not done or _still_current(pack))
    if request.headers.get("Accept") == "application/json":
        response = JsonResponse(state)
    else:
        context = {"meeting": meeting, "pack": pack, "state": state}
        response = render(request, "meetings/pack_detail.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_safe
def pack_download(request, meeting_id, pack_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    pack = permissions.get_pack_for_user(request.user, meeting, pack_id)
    if pack.status != MeetingPack.Status.SUCCEEDED:
        raise Http404("No such file")
    # Made under other rights or of other papers: never handed out; a new one is offered.
    if not _still_current(pack):
        messages.info(request, "This meeting pack is out of date: prepare a new one.")
        return redirect("meeting_pack", meeting.pk, pack.pk)
    try:
        stored = pack.pdf.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No such file") from None
    name = f"{slugify(meeting.title)[:80] or f'meeting-{meeting.pk}'}-meeting-pack.pdf"
    audit.record_download(request, meeting, kind="meeting pack", group=meeting.group)
    response = FileResponse(
        stored, as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response

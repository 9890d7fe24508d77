"""The list of participants: the internal one that names the delegates, and the public one."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from meetings import participants
from meetings.models import Meeting
from meetings.views.exports import _file_name
from portal import dates, permissions
from portal.audit import services as audit
from portal.printing import views as printed

CSV_TYPE = "text/csv; charset=utf-8"


def _meeting(user, meeting_id: int, *, named: bool) -> Meeting:
    """The meeting whose list this person may read, or 404. The public list is also read
    without signing in, of a meeting anyone may read (``permissions.public_meeting``)."""
    if named:
        meeting = permissions.get_meeting_for_user(user, meeting_id)
        if not permissions.can_read_participants_list(user, meeting):
            raise Http404("No such list")
    else:
        meeting = permissions.get_meeting_for_public_list(user, meeting_id)
    # Saved before dates were bounded: no list can print its dates (the meeting page says so).
    if not dates.is_showable(meeting.starts_at, meeting.ends_at):
        raise Http404("No such list")
    return meeting


def _signs_in_first(request, meeting_id, *, named: bool) -> bool:
    """A visitor not signed in reads only the public list of a meeting anyone may read;
    for anything else they sign in first."""
    if request.user.is_authenticated:
        return False
    return named or permissions.public_meeting(meeting_id) is None


def _page(request, meeting_id, *, named: bool):
    if _signs_in_first(request, meeting_id, named=named):
        return redirect_to_login(request.get_full_path())
    meeting = _meeting(request.user, meeting_id, named=named)
    listing = participants.participants_list(meeting, named=named)
    return render(request, "meetings/participants_list.html", {"listing": listing})


def _file(request, meeting_id, *, named: bool, suffix: str):
    if _signs_in_first(request, meeting_id, named=named):
        return redirect_to_login(request.get_full_path())
    meeting = _meeting(request.user, meeting_id, named=named)
    kind = f"participants list {suffix[1:].upper()}" + ("" if named else " (public)")
    if suffix == ".pdf":
        return printed.deliver(
            request,
            participants.participants_printable(meeting, named=named),
            title=("List of participants: " if named else "Public list of participants: ")
            + meeting.title,
            back_url=reverse(
                "participants_list" if named else "participants_public", args=[meeting.pk]
            ),
            logged=(meeting, kind, meeting.group),
        )
    listing = participants.participants_list(meeting, named=named)
    audit.record_download(request, meeting, kind=kind, group=meeting.group)
    response = HttpResponse(participants.participants_csv(listing), content_type=CSV_TYPE)
    name = "-participants" if named else "-participants-public"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_file_name(meeting, name + suffix)
    )
    return response


@login_required
@require_safe
def participants_list(request, meeting_id):
    return _page(request, meeting_id, named=True)


@login_required
@require_safe
def participants_list_csv(request, meeting_id):
    return _file(request, meeting_id, named=True, suffix=".csv")


@login_required
@require_http_methods(printed.METHODS)
def participants_list_pdf(request, meeting_id):
    return _file(request, meeting_id, named=True, suffix=".pdf")


@require_safe
def participants_public(request, meeting_id):
    return _page(request, meeting_id, named=False)


@require_safe
def participants_public_csv(request, meeting_id):
    return _file(request, meeting_id, named=False, suffix=".csv")


@require_http_methods(printed.METHODS)
def participants_public_pdf(request, meeting_id):
    return _file(request, meeting_id, named=False, suffix=".pdf")

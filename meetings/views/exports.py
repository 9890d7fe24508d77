"""Meetings leaving the portal: calendar files, personal calendar feeds, the printable agenda."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from meetings import calendar, pdf
from meetings.models import Meeting
from portal import dates, permissions

CALENDAR_TYPE = "text/calendar; charset=utf-8"
# The shape of every token calendar.feed_create makes; anything else is no feed.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _site_url(request) -> str:
    """Scheme and host of this request, for absolute links in exported files."""
    return request.build_absolute_uri("/").rstrip("/")


def _file_name(meeting: Meeting, suffix: str) -> str:
    return f"{slugify(meeting.title)[:80] or f'meeting-{meeting.pk}'}{suffix}"


@login_required
@require_safe
def meeting_calendar(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    # A meeting saved before dates were bounded gives an empty calendar, not a failure.
    meetings = calendar.with_last_change(
        dates.showable(Meeting.objects.filter(pk=meeting.pk), "starts_at", "ends_at")
    )
    body = calendar.calendar_for(meetings, name=meeting.title, site_url=_site_url(request))
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_file_name(meeting, ".ics")
    )
    return response


@require_safe
def calendar_feed(request, feed_token):
    """A person's meetings for their calendar application: no sign-in, the token is the key."""
    person = calendar.feed_person(feed_token) if FEED_TOKEN.fullmatch(feed_token) else None
    if person is None:
        raise Http404("No such calendar")
    # A meeting saved with a date no calendar can hold would stop the whole feed.
    meetings = dates.showable(calendar.feed_meetings(person), "starts_at", "ends_at")
    body = calendar.feed_calendar(person, meetings, site_url=_site_url(request))
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_page(request):
    """The person's private calendar address: create, replace or turn it off."""
    feed = calendar.active_feed(request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            calendar.feed_create(request.user)
            messages.success(
                request,
                "Your calendar address is replaced: the old one no longer works."
                if feed
                else "Your calendar address is ready.",
            )
        elif action == "turn_off" and feed:
            calendar.feed_revoke(feed)
            messages.success(request, "Your calendar address is turned off.")
        else:
            messages.error(request, "Nothing was changed.")
        return redirect("calendar")
    address = (
        request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])) if feed else None
    )
    context = {
        "feed": feed,
        "address": address,
        "webcal_address": "webcal" + address[address.index(":") :] if address else None,
    }
    response = render(request, "meetings/calendar_feed.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_safe
def agenda_pdf(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    if not permissions.can_see_agenda(request.user, meeting):
        raise Http404("No such agenda")
    items = pdf.printable_agenda(request.user, meeting)
    response = HttpResponse(
        pdf.agenda_pdf(meeting, scheduled_items=items), content_type="application/pdf"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=_file_name(meeting, "-agenda.pdf")
    )
    return response

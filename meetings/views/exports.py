"""Meetings leaving the portal: calendar files, personal calendar feeds, the printable agenda."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import condition, require_http_methods, require_safe

from meetings import calendar, pdf
from meetings.models import Meeting
from portal import dates, permissions
from portal.printing import views as printed

CALENDAR_TYPE = "text/calendar; charset=utf-8"
# The shape of every token calendar.feed_create makes; anything else is no feed.
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _site_url(request) -> str:
    """Scheme and host of this request, for absolute links in exported files."""
    return request.build_absolute_uri("/").rstrip("/")


def _file_name(meeting: Meeting, suffix: str) -> str:
    return pdf.file_name(meeting, suffix)


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


def _feed(request, feed_token):
    """The feed's person, meetings and version, worked out once for the request (the
    conditional answer asks for the version twice); None for no such feed."""
    if not hasattr(request, "_calendar_feed"):
        person = calendar.feed_person(feed_token) if FEED_TOKEN.fullmatch(feed_token) else None
        found = None
        if person is not None:
            # A meeting saved with a date no calendar can hold would stop the whole feed.
            meetings = dates.showable(calendar.feed_meetings(person), "starts_at", "ends_at")
            found = (person, meetings, *calendar.feed_version(person, meetings))
        request._calendar_feed = found
    return request._calendar_feed


def _feed_etag(request, feed_token):
    found = _feed(request, feed_token)
    return found[2] if found else None


def _feed_last_modified(request, feed_token):
    found = _feed(request, feed_token)
    return found[3] if found else None


@require_safe
@condition(etag_func=_feed_etag, last_modified_func=_feed_last_modified)
def calendar_feed(request, feed_token):
    """A person's meetings for their calendar application: no sign-in, the token is the key.

    A calendar application that asks again with the feed's ETag or date is answered 304
    Not Modified until a meeting in the feed changes or one enters or leaves it.
    """
    found = _feed(request, feed_token)
    if found is None:
        raise Http404("No such calendar")
    person, meetings, _, _ = found
    body = calendar.feed_calendar(person, meetings, site_url=_site_url(request))
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    # Kept by the person's calendar application only, and asked again with the ETag.
    patch_cache_control(response, private=True, no_cache=True)
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
@require_http_methods(printed.METHODS)
def agenda_pdf(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id)
    if not permissions.can_see_agenda(request.user, meeting):
        raise Http404("No such agenda")
    document = pdf.agenda_printable(meeting, **pdf.agenda_variant(request.user, meeting))
    return printed.deliver(
        request,
        document,
        title=f"Agenda: {meeting.title}",
        back_url=reverse("meeting_detail", args=[meeting.pk]),
        logged=(meeting, "agenda PDF", meeting.group),
    )

"""Meetings as iCalendar events, and the private addresses of personal calendar feeds."""

import datetime
import hashlib
import secrets
from collections.abc import Iterable

import icalendar
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from meetings.models import CalendarFeed, Meeting
from portal import permissions

PRODUCT_ID = "-//Bali Process Regional Support Office//Secretariat Portal//EN"
UID_DOMAIN = "secretariat-portal"
# How often a calendar application should fetch a subscribed feed again.
REFRESH_INTERVAL = datetime.timedelta(hours=6)

EVENT_STATUS = {
    Meeting.Status.PLANNED: icalendar.STATUS.TENTATIVE,
    Meeting.Status.CONFIRMED: icalendar.STATUS.CONFIRMED,
    Meeting.Status.HELD: icalendar.STATUS.CONFIRMED,
    Meeting.Status.CANCELLED: icalendar.STATUS.CANCELLED,
}


def meeting_uid(meeting: Meeting) -> str:
    """The event's identity: the same in every export, so calendars update it in place."""
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def with_last_change(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings with `changed_at`, the time of their latest recorded change, in one query."""
    latest = (
        Meeting.history.filter(id=OuterRef("pk"))
        .order_by("-history_date")
        .values("history_date")[:1]
    )
    return meetings.select_related("group").annotate(changed_at=Subquery(latest))


def meeting_event(meeting: Meeting, *, site_url: str = "") -> icalendar.Event:
    """One meeting as a VEVENT, its times in the meeting's own time zone.

    `site_url` (scheme and host, e.g. ``https://portal.example``) makes the link to the
    meeting page absolute; without it the link is a path.
    """
    zone = meeting.zone
    page_url = site_url + reverse("meeting_detail", args=[meeting.pk])
    holder = meeting.group.name if meeting.group_id else meeting.get_body_display()
    description = "\n\n".join(
        part
        for part in [
            f"{meeting.get_kind_display()} held by {holder}.",
            f"Objectives:\n{meeting.objectives}" if meeting.objectives else "",
            "Held under the Chatham House Rule." if meeting.chatham_house else "",
            f"Meeting page: {page_url}",
        ]
        if part
    )
    changed_at = getattr(meeting, "changed_at", None)
    return icalendar.Event.new(
        uid=meeting_uid(meeting),
        summary=meeting.title,
        start=meeting.starts_at.astimezone(zone),
        end=meeting.ends_at.astimezone(zone),
        location=meeting.location or None,
        description=description,
        status=EVENT_STATUS[meeting.status],
        url=page_url,
        last_modified=changed_at.astimezone(datetime.UTC) if changed_at else None,
        stamp=timezone.now().astimezone(datetime.UTC),
    )


def calendar_for(
    meetings: Iterable[Meeting],
    *,
    name: str = "Bali Process meetings",
    site_url: str = "",
    uid: str | None = None,
    refresh_interval: datetime.timedelta | None = None,
) -> bytes:
    """An iCalendar file of the meetings, with a VTIMEZONE for every zone they use.

    A subscribed feed passes a stable `uid` and how often calendar applications should
    fetch it again; a one-off file needs neither.
    """
    calendar = icalendar.Calendar.new(
        prodid=PRODUCT_ID, name=name, uid=uid, refresh_interval=refresh_interval
    )
    if refresh_interval:
        calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # required by RFC 7986
        # Outlook reads its own property rather than REFRESH-INTERVAL.
        calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(refresh_interval))
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, site_url=site_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_since(now: datetime.datetime) -> datetime.datetime:
    """The feed's first instant: the same moment twelve months earlier (28 February for
    29 February)."""
    try:
        return now.replace(year=now.year - 1)
    except ValueError:
        return now.replace(year=now.year - 1, day=28)


def feed_meetings(person) -> QuerySet[Meeting]:
    """The meetings in the person's subscribed calendar: those they may see on the day the
    feed is read, so that a meeting they lose (a clearance that lapses, an ended
    participation) leaves their calendar at its next refresh, from those that ended
    twelve months ago onwards (older ones are the archive's, not a calendar's)."""
    since = feed_since(timezone.now())
    meetings = permissions.visible_meetings(person).filter(ends_at__gte=since)
    return with_last_change(meetings).order_by("starts_at")


def feed_version(person, meetings: QuerySet[Meeting]) -> tuple[str, datetime.datetime | None]:
    """The feed's ETag and Last-Modified, in one query: the ETag changes when a meeting in
    the feed changes (a new history record) and when one enters or leaves it; the time is
    that of the latest change of a meeting in it (None when none has one)."""
    rows = list(meetings.order_by("pk").values_list("pk", "changed_at"))
    digest = hashlib.sha256(f"{person.pk}:{PRODUCT_ID}".encode())
    for pk, changed_at in rows:
        digest.update(f"|{pk}@{changed_at.isoformat() if changed_at else ''}".encode())
    changes = [changed_at for _, changed_at in rows if changed_at]
    return digest.hexdigest()[:32], max(changes, default=None)


def feed_calendar(person, meetings: Iterable[Meeting], *, site_url: str = "") -> bytes:
    """The person's subscribed calendar: the meetings, refreshed every few hours."""
    return calendar_for(
        meetings,
        name="Bali Process meetings (Secretariat Portal)",
        site_url=site_url,
        uid=f"calendar-of-person-{person.pk}@{UID_DOMAIN}",
        refresh_interval=REFRESH_INTERVAL,
    )


# --- Personal feeds ----------------------------------------------------------------------


def active_feed(person) -> CalendarFeed | None:
    """The person's feed that still works, if any."""
    return CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).first()


@transaction.atomic
def feed_create(person) -> CalendarFeed:
    """A new private address for the person; any earlier one stops working."""
    CalendarFeed.objects.filter(person=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return CalendarFeed.objects.create(person=person, token=secrets.token_urlsafe(32))


def feed_revoke(feed: CalendarFeed) -> CalendarFeed:
    """Turn the address off: every copy of the link answers 'not found' from now on."""
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def feed_person(token: str):
    """The person whose active feed has this token, if their account is active; else None."""
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token=token, revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    return feed.person if feed else None

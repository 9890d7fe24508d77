"""The printable agenda: a meeting's agenda turned into PDF bytes with WeasyPrint."""

import datetime
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format

from meetings import agenda, selectors
from meetings.models import Meeting
from portal import pdf, permissions

TEMPLATE = "meetings/pdf/agenda.html"
DRAFT_NOTICE = "Draft. This agenda has not been published and may still change."


@dataclass(frozen=True)
class PrintedItem:
    """One agenda item as printed: plain values only, so the template never queries."""

    number: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    minutes: int
    title: str
    description: str
    speakers: list[str]
    papers: list[str]
    # "2 speakers" where the speakers are not named to this reader (the Chatham House Rule).
    speakers_unnamed: str = ""


def printable_agenda(user, meeting: Meeting) -> list[agenda.ScheduledItem]:
    """The scheduled agenda with the papers this person may open, and the speakers named
    only if this person may see who speaks."""
    items = selectors.agenda_items(meeting, permissions.readable_access_levels(user, meeting))
    prefetch_related_objects([s for item in items for s in item.speaker_list], "person")
    named = permissions.can_see_speakers(user, meeting)
    return agenda.schedule(meeting, items, speakers_named=named)


def printed_item(entry: agenda.ScheduledItem) -> PrintedItem:
    """One scheduled agenda item as the printed agenda (and the meeting pack) shows it."""
    item = entry.item
    return PrintedItem(
        number=entry.number,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        minutes=item.duration_minutes,
        title=item.title,
        description=item.description,
        speakers=entry.speakers,
        papers=[paper.title for paper in item.paper_list],
        speakers_unnamed="" if entry.speakers_named else entry.speakers_unnamed,
    )


def names_speakers(scheduled_items: list[agenda.ScheduledItem]) -> bool:
    """Whether this printed agenda names its speakers (an empty agenda names nobody)."""
    return any(entry.speakers_named for entry in scheduled_items)


def holder(meeting: Meeting) -> str:
    """Who holds the meeting, as the printed documents name it: its group, else its body."""
    return meeting.group.name if meeting.group_id else meeting.get_body_display()


def when(meeting: Meeting) -> str:
    """The meeting's start and end in its own time zone, as the agenda and the pack print it."""
    zone = meeting.zone
    starts_at, ends_at = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    end = date_format(ends_at, "H:i" if starts_at.date() == ends_at.date() else "l j F Y, H:i")
    return f"{date_format(starts_at, 'l j F Y, H:i')} to {end} (local time, {meeting.time_zone})"


def agenda_context(
    meeting: Meeting, scheduled_items: list[agenda.ScheduledItem], printed_at: datetime.datetime
) -> dict:
    """The context of the printed agenda's template, for the agenda alone and in the pack."""
    zone = meeting.zone
    is_draft = not meeting.agenda_is_published
    kicker = "Draft agenda" if is_draft else "Agenda"
    return {
        "meeting": meeting,
        "holder": holder(meeting),
        "starts_at": meeting.starts_at.astimezone(zone),
        "ends_at": meeting.ends_at.astimezone(zone),
        "location": meeting.location,
        "is_draft": is_draft,
        "items": [printed_item(entry) for entry in scheduled_items],
        "names_speakers": names_speakers(scheduled_items),
        "printed_at": printed_at,
        "title_block": {
            "kicker": kicker,
            "title": meeting.title,
            "facts": [
                ("Held by", holder(meeting)),
                ("Meeting", meeting.get_kind_display()),
                ("When", when(meeting)),
                ("Where", meeting.location or "to be announced"),
                ("Status", meeting.get_status_display()),
            ],
            "notice": DRAFT_NOTICE if is_draft else "",
        },
    }


def agenda_html(
    meeting: Meeting, scheduled_items: list[agenda.ScheduledItem], printed_at: datetime.datetime
) -> str:
    """The printed agenda's HTML (what agenda_pdf and the meeting pack lay out)."""
    # Template filters show aware times in the active zone: make it the meeting's own.
    with timezone.override(meeting.zone):
        return render_to_string(TEMPLATE, agenda_context(meeting, scheduled_items, printed_at))


def agenda_pdf(meeting: Meeting, *, scheduled_items: list[agenda.ScheduledItem]) -> bytes:
    """The agenda on A4, numbered items with times, speakers and papers, page X of Y."""
    printed_at = timezone.now().astimezone(meeting.zone)
    return pdf.html_to_pdf(agenda_html(meeting, scheduled_items, printed_at))

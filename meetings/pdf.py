"""The printable agenda: a meeting's agenda turned into PDF bytes with WeasyPrint."""

import datetime
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone

from meetings import agenda, selectors
from meetings.models import Meeting
from portal import pdf, permissions

TEMPLATE = "meetings/pdf/agenda.html"


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


def printable_agenda(user, meeting: Meeting) -> list[agenda.ScheduledItem]:
    """The scheduled agenda with the papers this person may open and the speakers loaded."""
    items = selectors.agenda_items(meeting, permissions.readable_access_levels(user, meeting))
    prefetch_related_objects([s for item in items for s in item.speaker_list], "person")
    return agenda.schedule(meeting, items)


def _printed(entry: agenda.ScheduledItem) -> PrintedItem:
    item = entry.item
    return PrintedItem(
        number=entry.number,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        minutes=item.duration_minutes,
        title=item.title,
        description=item.description,
        speakers=[
            f"{s.display_name} ({s.affiliation})" if s.affiliation else s.display_name
            for s in item.speaker_list
        ],
        papers=[paper.title for paper in item.paper_list],
    )


def agenda_pdf(meeting: Meeting, *, scheduled_items: list[agenda.ScheduledItem]) -> bytes:
    """The agenda on A4, numbered items with times, speakers and papers, page X of Y."""
    zone = meeting.zone
    context = {
        "meeting": meeting,
        "holder": meeting.group.name if meeting.group_id else meeting.get_body_display(),
        "starts_at": meeting.starts_at.astimezone(zone),
        "ends_at": meeting.ends_at.astimezone(zone),
        "location": meeting.location,
        "is_draft": not meeting.agenda_is_published,
        "items": [_printed(entry) for entry in scheduled_items],
        "printed_at": timezone.now().astimezone(zone),
    }
    # Template filters show aware times in the active zone: make it the meeting's own.
    with timezone.override(zone):
        html = render_to_string(TEMPLATE, context)
    return pdf.html_to_pdf(html)

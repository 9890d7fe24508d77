"""The printable agenda: a meeting's agenda turned into PDF bytes with WeasyPrint."""

import datetime
from dataclasses import dataclass

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify

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
    return _scheduled(meeting, **agenda_variant(user, meeting))


def agenda_variant(user, meeting: Meeting) -> dict:
    """What this person's rights choose of the printed agenda: the access levels of the
    papers listed, and whether the speakers are named."""
    return {
        "levels": sorted(permissions.readable_access_levels(user, meeting)),
        "speakers_named": permissions.can_see_speakers(user, meeting),
    }


def _scheduled(meeting: Meeting, *, levels, speakers_named: bool) -> list[agenda.ScheduledItem]:
    items = selectors.agenda_items(meeting, frozenset(levels))
    prefetch_related_objects([s for item in items for s in item.speaker_list], "person")
    return agenda.schedule(meeting, items, speakers_named=speakers_named)


def agenda_printable(meeting: Meeting, *, levels, speakers_named: bool):
    """The printed agenda with these papers and speakers, read in full, ready to print."""
    from portal.printing import services as printing

    scheduled_items = _scheduled(meeting, levels=levels, speakers_named=speakers_named)
    variant = printing.variant_of({"levels": sorted(levels), "speakers_named": speakers_named})
    kind = printing.Kind.AGENDA
    zone = meeting.zone

    def make(printed_at: datetime.datetime) -> bytes:
        return agenda_pdf(
            meeting, scheduled_items=scheduled_items, printed_at=printed_at.astimezone(zone)
        )

    return printing.Printable(
        kind=kind,
        subject_id=meeting.pk,
        variant=variant,
        contents_hash=printing.contents_hash(
            kind, agenda_html(meeting, scheduled_items, printing.HASHED_AT)
        ),
        file_name=file_name(meeting, "-agenda.pdf"),
        make=make,
    )


def file_name(meeting: Meeting, suffix: str) -> str:
    """The name of a file about the meeting: ``bali-process-ahg-som-2026-agenda.pdf``."""
    return f"{slugify(meeting.title)[:80] or f'meeting-{meeting.pk}'}{suffix}"


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


def agenda_pdf(
    meeting: Meeting,
    *,
    scheduled_items: list[agenda.ScheduledItem],
    printed_at: datetime.datetime | None = None,
) -> bytes:
    """The agenda on A4, numbered items with times, speakers and papers, page X of Y."""
    printed_at = (printed_at or timezone.now()).astimezone(meeting.zone)
    return pdf.html_to_pdf(agenda_html(meeting, scheduled_items, printed_at))

"""The list of participants of a meeting, as intergovernmental meetings publish it.

Built from recorded attendance: by member (states, then international organisations,
then observers, alphabetical within each), each member with its delegates. The internal
version names the delegates, with their job titles; the public version names members
only and gives the counts. Neither carries a statement or a speaker, so a meeting under
the Chatham House Rule has nothing attributed to a name in either.
"""

import csv
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as date_format

from groups.models import Member
from meetings import pdf as agenda_pdf
from meetings import selectors
from meetings.models import Attendance, Meeting
from portal import pdf

PDF_TEMPLATE = "meetings/pdf/participants.html"
STATES, ORGANISATIONS, OBSERVERS = "States", "International organisations", "Observers"
SECTION_ORDER = (STATES, ORGANISATIONS, OBSERVERS)
# A spreadsheet runs a cell that starts with one of these as a formula (as the work-plan
# export says); the list puts an apostrophe before it, which spreadsheets hide.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Delegate:
    name: str
    title: str
    # Attended online rather than in the room (the internal list says so).
    online: bool = False


@dataclass(frozen=True)
class ListedMember:
    name: str
    # Empty in the public version; empty too when the member's delegates were not named.
    delegates: list[Delegate]


@dataclass(frozen=True)
class Section:
    title: str
    members: list[ListedMember]


@dataclass(frozen=True)
class ParticipantsList:
    """The list as plain values, so that templates and files never query."""

    meeting: Meeting
    named: bool
    sections: list[Section]
    counts: selectors.Counts
    observers: int

    @property
    def members(self) -> int:
        """Member states and international organisations that took part (observers apart)."""
        return (self.counts.member_countries or 0) + (self.counts.organisations or 0)


def section_of(member: Member, rows: list[Attendance]) -> str:
    """Where a member who attended is listed: member states, organisations or observers."""
    # A member counts among the members when anyone attended for it as such, as the
    # meeting page counts it; it is an observer when everyone who came was marked one.
    if all(row.as_observer for row in rows):
        return OBSERVERS
    return STATES if member.kind == Member.Kind.STATE else ORGANISATIONS


def _delegate(row: Attendance) -> Delegate:
    person = row.person
    return Delegate(
        name=person.get_full_name() or person.username, title=person.job_title, online=row.online
    )


def _sort_key(person) -> tuple[str, str, str]:
    return (person.last_name.casefold(), person.first_name.casefold(), person.username)


def members_by_section(rows) -> dict[str, list[list[Attendance]]]:
    """The attendance rows grouped by member, each member in its section (in SECTION_ORDER)
    and the members of a section by name, as every list of who took part orders them."""
    by_member: dict[int, list[Attendance]] = {}
    for row in rows:
        by_member.setdefault(row.member_id, []).append(row)
    sections: dict[str, list[list[Attendance]]] = {title: [] for title in SECTION_ORDER}
    for member_rows in sorted(by_member.values(), key=lambda r: r[0].member.name.casefold()):
        sections[section_of(member_rows[0].member, member_rows)].append(member_rows)
    return sections


def participants_list(meeting: Meeting, *, named: bool) -> ParticipantsList:
    """The meeting's list of participants, with delegates' names only when ``named``."""
    rows = list(meeting.attendance.select_related("member", "person"))
    grouped: dict[str, list[ListedMember]] = {title: [] for title in SECTION_ORDER}
    for title, members in members_by_section(rows).items():
        for member_rows in members:
            people = sorted(
                (r for r in member_rows if r.person is not None), key=lambda r: _sort_key(r.person)
            )
            delegates = [_delegate(r) for r in people] if named else []
            grouped[title].append(
                ListedMember(name=member_rows[0].member.display_name, delegates=delegates)
            )
    return ParticipantsList(
        meeting=meeting,
        named=named,
        sections=[Section(title, grouped[title]) for title in SECTION_ORDER if grouped[title]],
        counts=selectors.participant_counts(meeting, rows),
        observers=len(grouped[OBSERVERS]),
    )


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def participants_csv(listing: ParticipantsList) -> bytes:
    """One row per delegate (internal) or per member (public), UTF-8 with a byte order mark
    so that Excel reads it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["section", "member", "name", "title", "attended"]
        if listing.named
        else ["section", "member"]
    )
    for section in listing.sections:
        for member in section.members:
            if not listing.named:
                writer.writerow([_safe_cell(section.title), _safe_cell(member.name)])
                continue
            # A member whose delegates were not named still appears, on a row of its own.
            for delegate in member.delegates or [Delegate(name="", title="")]:
                attended = ("online" if delegate.online else "in person") if delegate.name else ""
                cells = [section.title, member.name, delegate.name, delegate.title, attended]
                writer.writerow([_safe_cell(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def participants_html(listing: ParticipantsList, printed_at=None) -> str:
    """The printed list's HTML: the title block, the sections, members and delegates."""
    meeting = listing.meeting
    zone = meeting.zone
    starts_on, ends_on = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    when = date_format(starts_on, "j F Y")
    if starts_on.date() != ends_on.date():
        when += f" to {date_format(ends_on, 'j F Y')}"
    context = {
        "listing": listing,
        "meeting": meeting,
        "printed_at": (printed_at or timezone.now()).astimezone(zone),
        "title_block": {
            "kicker": "List of participants" if listing.named else "Public list of participants",
            "title": meeting.title,
            "facts": [
                ("Held by", agenda_pdf.holder(meeting)),
                ("When", when),
                ("Where", meeting.location or "to be announced"),
            ],
        },
    }
    with timezone.override(zone):
        return render_to_string(PDF_TEMPLATE, context)


def participants_pdf(listing: ParticipantsList, printed_at=None) -> bytes:
    """The list on A4 with the shared print styles: sections, members, delegates, counts."""
    return pdf.html_to_pdf(participants_html(listing, printed_at))


def participants_printable(meeting: Meeting, *, named: bool):
    """The printed list (the internal one when ``named``), read in full, ready to print."""
    from portal.printing import services as printing

    listing = participants_list(meeting, named=named)
    variant = printing.variant_of({"named": named})
    kind = printing.Kind.PARTICIPANTS
    return printing.Printable(
        kind=kind,
        subject_id=meeting.pk,
        variant=variant,
        contents_hash=printing.contents_hash(kind, participants_html(listing, printing.HASHED_AT)),
        file_name=agenda_pdf.file_name(
            meeting, "-participants.pdf" if named else "-participants-public.pdf"
        ),
        make=lambda printed_at: participants_pdf(listing, printed_at),
    )

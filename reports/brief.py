"""The oral-update brief: one or two pages of numbered speaking points that a co-chair reads
aloud at the Ad Hoc Group Senior Officials' Meeting, as the Terms of Reference ask.

The points are drafted from the portal's data for the group and year (``draft_points``),
in the co-chairs' own voice; the secretariat edits them, leaves some out and adds its own
(``Report.speaking_points``, saved through ``reports.services.brief_points_save``). What
prints, and so what the co-chairs approve, is the included points as numbered: excluded
points are not part of the content (``brief_content``).
"""

import datetime
import math
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from groups import roster
from groups.models import Nomination
from meetings import selectors as meeting_selectors
from meetings.models import Meeting, Outcome
from portal import permissions
from portal.pdf import AUTHOR
from reports.assembly import as_it_stood, dates_text, day_text, end_of, plan_runs_in
from reports.models import Report
from workplans.models import Action, WorkPlan

# The content's layout: a brief without it is one approved as the annual report under
# another title, and still prints that way.
FORMAT = 2

# The brief's parts, in the order they are read out.
SECTIONS = {
    "opening": "Opening",
    "meetings": "Meetings held",
    "outcomes": "Outcomes",
    "work_plan": "Work plan",
    "co_chairs": "Co-chairs",
    "issues": "Issues on which we seek direction",
    "next_steps": "Next steps",
    "closing": "Closing",
}
MAX_POINTS = 40
MAX_POINT_LENGTH = 1500
MAX_PAGES = 2
WORDS_PER_MINUTE = 130
NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}
# How long the page count of one content is remembered (it never changes for a content).
PAGE_COUNT_SECONDS = 7 * 24 * 3600

STATUS_WORDS = dict(Action.Status.choices)


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _the(title: str) -> str:
    """A meeting's title as it follows a verb: "the First meeting of WG-TIP"."""
    return title if title.lower().startswith("the ") else f"the {title}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def plain(text: str) -> str:
    """One line of plain text: no Markdown markers, white space collapsed."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images: their words
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])", r"\1", text)
    text = re.sub(r"`+([^`]*)`+", r"\1", text)
    text = re.sub(r"<[^>]+>", "", text)
    return " ".join(text.split())


LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
BLOCK_MARK = re.compile(r"^\s*(?:#{1,6}\s+|>\s?)+")


def paragraphs(markdown: str) -> list[str]:
    """A narrative part split into points: each paragraph and each list item, as plain text."""
    items, current = [], []

    def close():
        if current:
            text = plain(" ".join(current))
            if text:
                items.append(text)
            current.clear()

    for line in (markdown or "").splitlines():
        if not line.strip():
            close()
            continue
        line = BLOCK_MARK.sub("", line)
        if LIST_ITEM.match(line):
            close()
            line = LIST_ITEM.sub("", line)
        current.append(line)
    close()
    return items


FIRST_PERSON = re.compile(r"\b(we|our|us|ourselves)\b", re.IGNORECASE)
THE_CO_CHAIRS = re.compile(r"^the (?:two )?co-chairs(?:'|’)?(?=\s)", re.IGNORECASE)


def _ours(text: str) -> str:
    """The secretariat's words about the co-chairs in the co-chairs' own voice."""
    match = THE_CO_CHAIRS.match(text)
    if match:
        return ("Our" if match[0].endswith(("'", "’")) else "We") + text[match.end() :]
    return text


# --- Drafting from the portal's data ----------------------------------------------------


def _year(report: Report) -> tuple[datetime.date, datetime.date]:
    return datetime.date(report.year, 1, 1), datetime.date(report.year, 12, 31)


def _serving(terms, first: datetime.date, last: datetime.date) -> list:
    """The co-chairs giving the update: those serving when the year ended, else those who
    served in it."""
    at_end = [t for t in terms if t.starts_on <= last <= t.ends_on]
    return at_end or [t for t in terms if t.starts_on <= last and t.ends_on >= first]


def _opening(report: Report, terms, first, last) -> str:
    members = _names(sorted({t.member.display_name for t in _serving(terms, first, last)}))
    who = f"the co-chairs of the {report.group.name}" + (f", {members}," if members else "")
    return (
        f"Co-Chairs, distinguished colleagues: on behalf of {who} we are pleased to give "
        f"this update on our work in {report.year}."
    )


def _year_meetings(report: Report, first, last) -> list[Meeting]:
    meetings = (
        Meeting.objects.filter(group=report.group)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("outcome_record")
        .prefetch_related("outcomes", "attendance__member")
        .order_by("starts_at")
    )
    return [m for m in meetings if first <= m.local_start.date() <= last]


def _meeting_point(meeting: Meeting) -> str:
    """What, where, when and how many members took part, in one sentence."""
    start = meeting.local_start.date()
    end = meeting.ends_at.astimezone(meeting.zone).date()
    place = meeting.location
    where = f" in {place}{',' if ',' in place else ''}" if place else ""
    when = f"{where} on {dates_text(start, end)}"
    if meeting.status != Meeting.Status.HELD:
        return f"We will hold {_the(meeting.title)}{when}."
    counts = meeting_selectors.participant_counts(meeting, list(meeting.attendance.all()))
    countries, organisations = counts.member_countries or 0, counts.organisations or 0
    if organisations:
        members = countries + organisations
        taking = (
            f"; {members} members took part ({countries} "
            f"{'country' if countries == 1 else 'countries'} and {organisations} "
            f"{'organisation' if organisations == 1 else 'organisations'})"
        )
    elif countries:
        taking = f"; {countries} member {'country' if countries == 1 else 'countries'} took part"
    elif counts.participants:
        taking = f", with {counts.participants} participants"
    else:
        taking = ""
    return f"We held {_the(meeting.title)}{when}{taking}."


def _outcome_point(meeting: Meeting, outcome: Outcome, *, first: bool) -> str:
    """An outcome as said aloud: the first of a meeting names the meeting, the others
    follow on from it, so that a row of recommendations does not repeat its source."""
    text = _sentence(plain(outcome.text))
    if outcome.kind == Outcome.Kind.RECOMMENDATION:
        lead = f"From {_the(meeting.title)}, we recommend" if first else "We also recommend"
    else:
        lead = f"At {_the(meeting.title)}, our members agreed"
        lead = lead if first else "Our members also agreed"
    return f"{lead}: {text}"


def _completed_in(actions: list[Action], first: datetime.date, last: datetime.date) -> list:
    """The actions whose status became complete in the year and stayed so to its end. An
    action entered as complete tells nothing of when it was done, and is not named."""
    end = end_of(last)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    history = (
        Action.history.model.objects.filter(id__in=[a.pk for a in actions], history_date__lte=end)
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date", "status")
    )
    completed_on, previous = {}, {}
    for action_id, moment, status in history:
        before = previous.get(action_id)
        if status == Action.Status.COMPLETE and before not in (None, Action.Status.COMPLETE):
            completed_on[action_id] = moment
        elif status != Action.Status.COMPLETE:
            completed_on.pop(action_id, None)
        previous[action_id] = status
    return [
        a
        for a in actions
        if a.status_then == Action.Status.COMPLETE
        and completed_on.get(a.pk, start) >= start
        and a.pk in completed_on
    ]


def _work_plan_point(report: Report, first, last) -> str:
    """One sentence: the actions by status when the year ended and those completed in it."""
    plans = [
        p
        for p in report.group.work_plans.exclude(status=WorkPlan.Status.DRAFT).order_by("period")
        if plan_runs_in(p, report.year)
    ]
    if not plans:
        return f"We had no work plan in force in {report.year}."
    actions = list(
        Action.objects.filter(plan__in=plans)
        .annotate(status_then=as_it_stood(Action, "status", end_of(last)))
        .order_by("plan__period", "plan_id", "number")
    )
    counts = {}
    for action in actions:
        # An action with no history from before then (entered later) counts as it is today.
        status = action.status_then or action.status
        counts[status] = counts.get(status, 0) + 1
    by_status = _names(
        [f"{counts[s]} {w.lower()}" for s, w in Action.Status.choices if counts.get(s)]
    )
    titles = _names([p.title for p in plans])
    sentence = (
        f"At the end of {report.year} our {titles} had {len(actions)} "
        f"{'action' if len(actions) == 1 else 'actions'}" + (f": {by_status}" if by_status else "")
    )
    if done := _completed_in(actions, first, last):
        named = _names([f"action {a.number} ({plain(a.description).rstrip('.')})" for a in done])
        sentence += f"; in {report.year} we completed {named}"
    return f"{sentence}."


def _co_chairs_point(report: Report, terms, first, last) -> str:
    """The co-chair changes in the year and the seat that rotates next."""
    changes = []
    for term in terms:
        if first <= term.starts_on <= last:
            changes.append(
                (
                    term.starts_on,
                    f"{term.member.display_name} began a term on {day_text(term.starts_on)}",
                )
            )
        if first <= term.ends_on <= last:
            changes.append(
                (
                    term.ends_on,
                    f"{term.member.display_name}'s term ended on {day_text(term.ends_on)}",
                )
            )
    if changes:
        text = f"Our co-chairs changed in {report.year}: {_names([t for _, t in sorted(changes)])}"
    elif serving := _names(sorted({t.member.display_name for t in _serving(terms, first, last)})):
        text = f"We, {serving}, served as co-chairs throughout {report.year}"
    else:
        text = f"No co-chair served in {report.year}"
    if not terms:
        return f"{text}."
    nominations = list(
        Nomination.objects.filter(
            group=report.group,
            outcome=Nomination.Outcome.PENDING,
            nominated_at__starts_at__lte=end_of(last),
        ).select_related("member")
    )
    rotation = roster.next_rotation(report.group, terms, nominations, today=last)
    if rotation.outgoing is None:
        text += f"; seat {rotation.seat} is vacant"
    else:
        text += (
            f"; the next rotation is of seat {rotation.seat}, held by "
            f"{rotation.outgoing.member.display_name} until {day_text(rotation.outgoing.ends_on)}"
        )
    nominated = sorted({c.nomination.member.display_name for c in rotation.candidates})
    if nominated:
        has = "has" if len(nominated) == 1 else "have"
        text += f", for which {_names(nominated)} {has} been nominated"
    return f"{text}."


def _issue_point(text: str) -> str:
    text = _sentence(_ours(text))
    return text if FIRST_PERSON.search(text) else f"We seek your direction on this: {text}"


def _next_step_point(text: str) -> str:
    text = _sentence(_ours(text))
    return text if FIRST_PERSON.search(text) else f"Among our next steps: {text}"


def _closing(has_issues: bool) -> str:
    on = "the issues we have raised and on our next steps" if has_issues else "our next steps"
    return f"We would welcome the Senior Officials' guidance on {on}. Thank you."


def draft_points(report: Report) -> list[dict]:
    """The brief's speaking points drafted from the portal's data for the group and year, in
    the co-chairs' voice: [{"section", "text", "included"}], in the order they are read."""
    first, last = _year(report)
    terms = roster.load_terms(report.group)
    points = []

    def add(section: str, text: str, included: bool = True):
        points.append({"section": section, "text": text, "included": included})

    add("opening", _opening(report, terms, first, last))
    meetings = _year_meetings(report, first, last)
    for meeting in meetings:
        add("meetings", _meeting_point(meeting))
    if not meetings:
        add("meetings", f"We held no meeting in {report.year}.")
    for meeting in meetings:
        if not permissions.outcomes_published(meeting):
            continue
        said = set()
        for outcome in sorted(meeting.outcomes.all(), key=lambda o: o.number):
            # The secretariat picks among the rest; the co-chairs' own recommendations lead.
            add(
                "outcomes",
                _outcome_point(meeting, outcome, first=outcome.kind not in said),
                included=outcome.kind == Outcome.Kind.RECOMMENDATION,
            )
            said.add(outcome.kind)
    add("work_plan", _work_plan_point(report, first, last))
    add("co_chairs", _co_chairs_point(report, terms, first, last))
    issues = paragraphs(report.issues_for_direction)
    for text in issues:
        add("issues", _issue_point(text))
    for text in paragraphs(report.next_steps):
        add("next_steps", _next_step_point(text))
    add("closing", _closing(bool(issues)))
    return points


def points_of(report: Report) -> list[dict]:
    """The points as the secretariat saved them, else as drafted from the portal's data."""
    return [dict(p) for p in report.speaking_points] or draft_points(report)


def checked_points(points) -> list[dict]:
    """The points as they are saved: in the order of the sections, white space collapsed,
    empty ones removed; a ValidationError when one is too long, of no known section, or
    when there are too many or none."""
    if not isinstance(points, list) or not all(isinstance(p, dict) for p in points):
        raise ValidationError({"speaking_points": "The speaking points are a list of points."})
    kept = []
    for position, point in enumerate(points, start=1):
        section, text = point.get("section"), point.get("text", "")
        if section not in SECTIONS or not isinstance(text, str):
            raise ValidationError(
                {"speaking_points": f"Point {position} is not in a part of the brief."}
            )
        text = " ".join(text.split())
        if not text:
            continue
        if len(text) > MAX_POINT_LENGTH:
            raise ValidationError(
                {
                    "speaking_points": f"Point {position} has {len(text):,} characters: a "
                    f"speaking point has at most {MAX_POINT_LENGTH:,}."
                }
            )
        kept.append(
            {"section": section, "text": text, "included": point.get("included") is not False}
        )
    if not kept:
        raise ValidationError(
            {
                "speaking_points": "Keep at least one point, or draft them again from the "
                "portal's data."
            }
        )
    if len(kept) > MAX_POINTS:
        raise ValidationError(
            {"speaking_points": f"{len(kept)} points: a brief has at most {MAX_POINTS}."}
        )
    order = list(SECTIONS)
    return sorted(kept, key=lambda p: order.index(p["section"]))


# --- The content and its size -----------------------------------------------------------


def brief_content(report: Report) -> dict:
    """The canonical content of the brief: the included points, numbered, as they print."""
    first, last = _year(report)
    printed = [p for p in points_of(report) if p.get("included", True)]
    return {
        "format": FORMAT,
        "kind": report.kind,
        "title": report.get_kind_display(),
        "year": report.year,
        "group": {"name": report.group.name, "short_name": report.group.short_name},
        "period": {
            "starts_on": first.isoformat(),
            "ends_on": last.isoformat(),
            "text": f"{day_text(first)} – {day_text(last)}",
            "ends_text": day_text(last),
        },
        "points": [
            {"number": number, "section": p["section"], "text": p["text"]}
            for number, p in enumerate(printed, start=1)
        ],
    }


def is_brief_content(content: dict) -> bool:
    """Whether the content is a brief's speaking points (not one approved in the annual
    report's layout before the brief had its own)."""
    return content.get("kind") == Report.Kind.BRIEF and bool(content.get("format"))


def words(content: dict) -> int:
    """The words read aloud: those of the printed points."""
    return sum(len(point["text"].split()) for point in content["points"])


def speaking_minutes(content: dict) -> int:
    """How long the brief takes to read at 130 words a minute, rounded up."""
    return math.ceil(words(content) / WORDS_PER_MINUTE)


def speaking_time(content: dict) -> str:
    """ "about 4 minutes, 498 words"."""
    minutes, count = speaking_minutes(content), words(content)
    return (
        f"about {minutes} {'minute' if minutes == 1 else 'minutes'}, "
        f"{count} {'word' if count == 1 else 'words'}"
    )


def page_count(report: Report, content: dict) -> int:
    """The pages the brief prints on, laid out once per content (remembered by its hash)."""
    from portal import pdf as portal_pdf
    from reports import assembly, pdf

    key = f"brief-pages:{assembly.content_hash(content)}"
    pages = cache.get(key)
    if pages is None:
        html = pdf.report_html(report, content, preview=False)
        pages = len(portal_pdf.layout(html).pages)
        cache.set(key, pages, PAGE_COUNT_SECONDS)
    return pages


def too_long_message(pages: int) -> str:
    return (
        f"Runs to {pages} pages: at most {NUMBER_WORDS[MAX_PAGES]} may be submitted — "
        "shorten or leave out points."
    )


# --- Printing ---------------------------------------------------------------------------


def _approval_line(report: Report, content_hash: str) -> str:
    """One line: when the co-chairs approved this content, or that they have not yet."""
    approved_at = None
    if report.approved_at and report.approved_content_hash == content_hash:
        approved_at = report.approved_at
    elif report.pk:
        earlier = report.versions.filter(approved_content_hash=content_hash).first()
        approved_at = earlier.approved_at if earlier else None
    if approved_at:
        return f"Approved by the co-chairs on {day_text(timezone.localtime(approved_at).date())}."
    if report.status == Report.Status.SUBMITTED:
        return "Waiting for the co-chairs' approval."
    return "Draft: not yet approved by the co-chairs."


def print_context(report: Report, content: dict, *, preview: bool) -> dict:
    """What templates/reports/pdf/report.html needs to print the brief's points."""
    from reports import assembly

    group = content["group"]
    points, previous = [], None
    for point in content["points"]:
        points.append(
            {**point, "starts_section": previous is not None and point["section"] != previous}
        )
        previous = point["section"]
    return {
        "report": report,
        "content": content,
        "preview": preview,
        "body": "reports/pdf/brief_body.html",
        "is_brief": True,
        "brief_print": True,
        "points": points,
        "author": AUTHOR,
        "running_title": f"{group['short_name']}: oral update to the AHG SOM, {content['year']}",
        "running_footer": f"{group['name']}, {content['year']}: for oral delivery",
        "document_title": f"{group['short_name']}: {content['title']} {content['year']}",
        "subject": f"Speaking points of the co-chairs, {group['name']}, {content['year']}",
        "approval_line": _approval_line(report, assembly.content_hash(content)),
    }


@dataclass(frozen=True)
class Size:
    """How long the brief takes to read and how many pages it prints on."""

    speaking_time: str
    pages: int

    @property
    def fits(self) -> bool:
        return self.pages <= MAX_PAGES

    @property
    def warning(self) -> str:
        return "" if self.fits else too_long_message(self.pages)


def size(report: Report, content: dict) -> Size | None:
    """The brief's speaking time and page count (None for a brief approved in the annual
    report's layout, before the brief had its own)."""
    if not is_brief_content(content):
        return None
    return Size(speaking_time(content), page_count(report, content))

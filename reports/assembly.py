"""The content of a report: the portal's data for the group and year, as plain data.

Everything is evaluated to strings, numbers, lists and dicts, so the content can be hashed
(what a co-chair approves) and rendered without another query. Outcomes are stated without
speakers and meetings by the members that took part: no person's name, no speaker's name or
affiliation is ever part of a report, so a meeting under the Chatham House Rule is never
attributed. Actions are read through the one projection (workplans.projection), with what
the year end changes replaced.
"""

import dataclasses
import datetime
import hashlib
import json
import re

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from groups import roster, silence
from groups.models import CoChairTerm, Nomination, SilenceProcedure
from groups.selectors import current_co_chair_terms
from meetings import participants
from meetings import selectors as meeting_selectors
from meetings.models import Meeting
from portal import permissions
from reports.models import NARRATIVE_FIELDS, Report
from workplans import projection
from workplans import selectors as plan_selectors
from workplans.models import Action, ProgressUpdate, WorkPlan

PLAN_START = re.compile(r"^\s*(\d{4})")
STATUS_WORDS = dict(Action.Status.choices)
# The shape of the content built today. Content kept with a report approved earlier has no
# "format" (the first one): it is printed, and compared, as it was approved.
FORMAT = 2
# Decisions the group agrees by silence procedure that the SOM still endorses.
SILENCE_FOR_THE_SOM = (
    SilenceProcedure.Subject.TERMS_OF_REFERENCE,
    SilenceProcedure.Subject.NOMINATION,
)
# A meeting with more members than this (a forum, a conference) is reported by its counts,
# not by a list of its members.
LISTED_MEMBERS_AT_MOST = 25


def day_text(day: datetime.date) -> str:
    """1 December 2026."""
    return f"{day.day} {day:%B %Y}"


def dates_text(start: datetime.date, end: datetime.date) -> str:
    """25 March 2015; 25–26 March 2015; 30 March – 1 April 2015."""
    if start == end:
        return day_text(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {day_text(end)}"
    return f"{day_text(start)} – {day_text(end)}"


def plan_runs_in(plan: WorkPlan, year: int) -> bool:
    """True when the plan's period covers the year (a plan of 2015-17 runs in 2016)."""
    match = PLAN_START.match(plan.period)
    if not match:
        return False
    end = plan_selectors.target_period_end(plan.period)
    last = end.year if end else int(match[1])
    return int(match[1]) <= year <= last


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _members_taking_part(meeting: Meeting, counts) -> dict:
    """The members that took part, by section (states, international organisations,
    observers) as the public list of participants gives them: members only, never a person.
    A large event is given by its counts."""
    sections = {
        title: [rows[0].member.display_name for rows in members]
        for title, members in participants.members_by_section(meeting.attendance.all()).items()
    }
    members = len(sections[participants.STATES]) + len(sections[participants.ORGANISATIONS])
    parts = []
    if counts.member_countries:
        parts.append(_count(counts.member_countries, "member country", "member countries"))
    if counts.organisations:
        parts.append(_count(counts.organisations, "organisation", "organisations"))
    if observers := len(sections[participants.OBSERVERS]):
        parts.append(_count(observers, "observer", "observers"))
    listed = any(sections.values()) and members <= LISTED_MEMBERS_AT_MOST
    return {
        "recorded": counts.participants is not None,
        "listed": listed,
        "sections": [
            {"title": title, "members": names}
            for title, names in sections.items()
            if names and listed
        ],
        "counted": ", ".join(parts),
    }


def _meeting(meeting: Meeting) -> dict:
    """A meeting's facts, the members that took part and its outcomes, stated without
    speakers: no person is named."""
    start = meeting.starts_at.astimezone(meeting.zone).date()
    end = meeting.ends_at.astimezone(meeting.zone).date()
    counts = meeting_selectors.participant_counts(meeting, list(meeting.attendance.all()))
    return {
        "title": meeting.title,
        "kind": meeting.get_kind_display(),
        "status": meeting.get_status_display(),
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "dates": dates_text(start, end),
        "place": meeting.location,
        "chatham_house": meeting.chatham_house,
        "participants": counts.participants,
        "member_countries": counts.member_countries,
        "organisations": counts.organisations,
        "members": _members_taking_part(meeting, counts),
        # Outcome text only: never who said it.
        "outcomes": [
            {"number": o.number, "kind": o.get_kind_display(), "text": o.text}
            for o in sorted(meeting.outcomes.all(), key=lambda o: o.number)
        ],
    }


def _meetings(report: Report, first: datetime.date, last: datetime.date) -> list[dict]:
    """The group's meetings of the period. A meeting's outcomes are reported once its
    co-chairs have approved its outcome record, as its members read them."""
    meetings = (
        Meeting.objects.filter(group=report.group)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("outcome_record")
        .prefetch_related("outcomes", "attendance__member")
        .order_by("starts_at")
    )
    rows = []
    for meeting in meetings:
        if not first <= meeting.local_start.date() <= last:
            continue
        row = _meeting(meeting)
        row["outcomes_approved"] = permissions.outcomes_published(meeting)
        if not row["outcomes_approved"]:
            row["outcomes_pending"] = len(row["outcomes"])
            row["outcomes"] = []
        rows.append(row)
    return rows


def _silence_procedures(report: Report, first: datetime.date, last: datetime.date) -> list[dict]:
    """The group's decisions by silence procedure concluded in the period, by date: what
    was adopted (on the deadline's day where it was set), broken (by which members, never
    by whom) or withdrawn."""
    procedures = (
        report.group.silence_procedures.exclude(status=SilenceProcedure.Status.UNDER_SILENCE)
        .filter(concluded_at__gt=end_of(first) - datetime.timedelta(days=2))
        .filter(concluded_at__lt=end_of(last) + datetime.timedelta(days=2))
        .prefetch_related("breaks__member")
        .order_by("concluded_at", "pk")
    )
    rows = []
    for procedure in procedures:
        if procedure.status == SilenceProcedure.Status.ADOPTED:
            day = silence.adopted_on(procedure.deadline, procedure.deadline_time_zone)
        else:
            day = timezone.localtime(procedure.concluded_at).date()
        if not first <= day <= last:
            continue
        objecting = sorted(b.member.display_name for b in procedure.breaks.all())
        if procedure.status == SilenceProcedure.Status.ADOPTED:
            outcome = f"Adopted by silence procedure on {day_text(day)}"
            if procedure.subject in SILENCE_FOR_THE_SOM:
                outcome += " (agreed by the group; for the SOM to endorse)"
        elif procedure.status == SilenceProcedure.Status.BROKEN:
            outcome = f"Silence broken on {day_text(day)} by {' and '.join(objecting)}"
        else:
            outcome = f"Withdrawn on {day_text(day)}"
        rows.append(
            {
                "title": procedure.title,
                "subject": procedure.get_subject_display(),
                "status": procedure.status,
                "on": day.isoformat(),
                "date": day_text(day),
                "objecting": objecting,
                "text": f"{outcome}.",
            }
        )
    return sorted(rows, key=lambda row: (row["on"], row["title"]))


def end_of(day: datetime.date) -> datetime.datetime:
    """The last moment of the day, in the portal's time zone: a period's end."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def as_it_stood(model, field: str, period_end: datetime.datetime) -> Subquery:
    """A field's value when the period ended, from the row's history (None without a
    history from before then)."""
    return Subquery(
        model.history.model.objects.filter(id=OuterRef("pk"), history_date__lte=period_end)
        .order_by("-history_date", "-history_id")
        .values(field)[:1]
    )


def _action_row(action: Action, plan_title: str) -> dict:
    """An action as the report states it: its facts (the one projection) as they stood at
    the year end, the latest update of the year included."""
    facts = projection.action_facts(action)
    if action.status_then is not None:
        facts = dataclasses.replace(
            facts,
            status=action.status_then,
            status_word=STATUS_WORDS.get(action.status_then, action.status_then),
            status_note=action.status_note_then or "",
        )
    day = facts.latest_update_on
    return {
        "plan": plan_title,
        "number": facts.number,
        "description": facts.description,
        "status": facts.status,
        "status_word": facts.status_word,
        "status_note": facts.status_note,
        "target_period": facts.target_period,
        "priorities": facts.priorities,
        "lead_members": facts.lead_members,
        "funding_members": facts.funding_members,
        "initiative": facts.initiative_word,
        "latest_update": facts.latest_update,
        "latest_update_on": day.isoformat() if day else "",
        "latest_update_date": day_text(day) if day else "",
    }


def _actions(report: Report, last: datetime.date) -> tuple[list[dict], list[dict]]:
    """The actions of the plans running in the year, each with its status and status note
    when the year ended and its latest update of the year, and the initiatives among them."""
    plans = [
        plan
        for plan in report.group.work_plans.exclude(status=WorkPlan.Status.DRAFT).order_by(
            "period", "pk"
        )
        if plan_runs_in(plan, report.year)
    ]
    # What with_table_details loads, with the updates of the year only: the projection
    # takes the first of update_list as the latest.
    updates = ProgressUpdate.objects.filter(reported_on__lte=last).order_by(
        "-reported_on", "-created_at"
    )
    # The status an action had when the period ended, from its history; an action with no
    # history from before then (entered later, after the fact) shows its status today.
    period_end = end_of(last)
    actions = (
        Action.objects.filter(plan__in=plans)
        .select_related("plan")
        .prefetch_related(
            "lead_members",
            "funding_members",
            "priorities",
            "objectives",
            Prefetch("updates", updates, to_attr="update_list"),
        )
        .annotate(
            status_then=as_it_stood(Action, "status", period_end),
            status_note_then=as_it_stood(Action, "status_note", period_end),
        )
        .order_by("plan__period", "plan_id", "number")
    )
    rows, initiatives = [], []
    for action in actions:
        row = _action_row(action, action.plan.title)
        rows.append(row)
        if action.initiative:
            initiatives.append(
                {
                    "number": row["number"],
                    "description": row["description"],
                    "kind": row["initiative"],
                    "lead_members": row["lead_members"],
                    "funding_members": row["funding_members"],
                }
            )
    return rows, initiatives


def _by_status(actions: list[dict]) -> list[dict]:
    return [
        {
            "status": status,
            "status_word": word,
            "actions": [a for a in actions if a["status"] == status],
        }
        for status, word in Action.Status.choices
        if any(a["status"] == status for a in actions)
    ]


def _term(term: CoChairTerm) -> dict:
    return {
        "member": term.member.display_name,
        "seat": term.get_seat_display(),
        "starts_on": term.starts_on.isoformat(),
        "ends_on": term.ends_on.isoformat(),
        "dates": f"{day_text(term.starts_on)} – {day_text(term.ends_on)}",
    }


def _nomination(nomination: Nomination) -> dict:
    seat = nomination.get_seat_display() if nomination.seat else "either seat"
    return {
        "member": nomination.member.display_name,
        "seat": seat,
        "for_term_from": nomination.for_term_from.isoformat(),
        "text": (
            f"{nomination.member.display_name}, for {seat.lower()}, for the term from "
            f"{day_text(nomination.for_term_from)} (nominated at {nomination.nominated_at.title})"
        ),
    }


def _rotation(rotation: roster.Rotation) -> dict:
    seat = CoChairTerm.Seat(rotation.seat).label
    outgoing = rotation.outgoing.member.display_name if rotation.outgoing else ""
    return {
        "seat": seat,
        "starts_on": rotation.starts_on.isoformat(),
        "text": (
            f"{seat} rotates next, from {day_text(rotation.starts_on)}"
            + (f", when the term of {outgoing} ends." if outgoing else ": it is vacant.")
        ),
        "outgoing": outgoing,
        "candidates": [
            {
                "member": c.nomination.member.display_name,
                "eligible": c.eligible,
                "problems": [p.message for p in c.problems if p.is_error],
            }
            for c in rotation.candidates
        ],
    }


def _co_chairs(report: Report, first: datetime.date, last: datetime.date) -> dict:
    """The co-chairs of the period, the changes in it, and what the roster holds ahead:
    terms planned, nominations pending, and the seat that rotates next after the year end."""
    terms = roster.load_terms(report.group)
    serving = [t for t in terms if t.starts_on <= last and t.ends_on >= first]
    changes = []
    for term in terms:
        if first <= term.starts_on <= last:
            changes.append((term.starts_on, f"{term.member.display_name} began a term"))
        if first <= term.ends_on <= last:
            changes.append((term.ends_on, f"{term.member.display_name}'s term ended"))
    # Pending as the portal knows them (like the terms planned ahead): a nomination for a
    # term that starts after the period and is not decided yet.
    nominations = list(
        report.group.nominations.filter(
            outcome=Nomination.Outcome.PENDING, for_term_from__gt=last
        ).select_related("member", "nominated_at")
    )
    return {
        "serving": [_term(t) for t in serving],
        "changes": [
            {"on": day.isoformat(), "date": day_text(day), "text": f"{text} ({day_text(day)})."}
            for day, text in sorted(changes)
        ],
        "ahead": [_term(t) for t in terms if t.starts_on > last],
        "nominations": [_nomination(n) for n in nominations],
        "next_rotation": _rotation(roster.next_rotation(report.group, terms, nominations, last)),
    }


def outcome_record_content(report: Report) -> dict:
    """The canonical content of a meeting's outcome record, the co-chairs' statement: the
    meeting's facts, the members that took part (no person) and the numbered outcomes."""
    meeting = (
        Meeting.objects.select_related("group")
        .prefetch_related("outcomes", "attendance__member")
        .get(pk=report.meeting_id)
    )
    group = report.group
    row = _meeting(meeting)
    return {
        "format": FORMAT,
        "kind": report.kind,
        "title": report.get_kind_display(),
        "year": report.year,
        "group": {"name": group.name, "short_name": group.short_name},
        "period": {
            "starts_on": row["starts_on"],
            "ends_on": row["ends_on"],
            "text": row["dates"],
        },
        "meeting": row,
        # Who co-chaired the meeting: the co-chairs serving on its first day.
        "co_chairs": [
            _term(t)
            for t in current_co_chair_terms(meeting.local_start.date())
            .filter(group=group)
            .select_related("member")
            .order_by("seat")
        ],
        "narrative": {"summary": report.summary},
    }


def report_content(report: Report) -> dict:
    """The canonical content of the report for its group and year, as plain data."""
    if report.kind == Report.Kind.OUTCOME_RECORD:
        return outcome_record_content(report)
    if report.kind == Report.Kind.BRIEF:
        from reports import brief

        return brief.brief_content(report)
    first, last = datetime.date(report.year, 1, 1), datetime.date(report.year, 12, 31)
    group = report.group
    actions, initiatives = _actions(report, last)
    meetings = _meetings(report, first, last)
    content = {
        "kind": report.kind,
        "title": report.get_kind_display(),
        "year": report.year,
        "group": {"name": group.name, "short_name": group.short_name},
        "period": {
            "starts_on": first.isoformat(),
            "ends_on": last.isoformat(),
            "text": f"{day_text(first)} – {day_text(last)}",
            "ends_text": day_text(last),
        },
        "meetings": meetings,
        "status_counts": [
            {"status": s, "status_word": w, "count": sum(a["status"] == s for a in actions)}
            for s, w in Action.Status.choices
        ],
        "actions_total": len(actions),
        "co_chairs": _co_chairs(report, first, last),
        "narrative": {field: getattr(report, field) for field in NARRATIVE_FIELDS},
    }
    content["format"] = FORMAT
    content["actions_by_status"] = _by_status(actions)
    content["initiatives"] = initiatives
    # Only when there were some, so a report approved before the portal kept decisions by
    # silence procedure reads, and hashes, as it was approved.
    if decided := _silence_procedures(report, first, last):
        content["silence_procedures"] = decided
    return content


def _canonical_json(content: dict) -> str:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: dict) -> str:
    """The SHA-256 of the canonical JSON of the content: what an approval is bound to."""
    return hashlib.sha256(_canonical_json(content).encode("utf-8")).hexdigest()


def content_to_keep(content: dict) -> dict:
    """The content as it is kept with an approved report: read back from the canonical
    JSON it was hashed from, so what is stored hashes to the approved fingerprint."""
    return json.loads(_canonical_json(content))


# --- What changed since approval ---------------------------------------------------------

MEETING_FACTS = {
    "title": "title",
    "kind": "kind",
    "status": "status",
    "dates": "dates",
    "place": "place",
    "chatham_house": "Chatham House Rule",
    "participants": "participants",
    "member_countries": "member countries",
    "organisations": "organisations",
    "members": "members that took part",
    "outcomes": "outcomes",
    "outcomes_approved": "outcomes approved",
    "outcomes_pending": "outcomes waiting for approval",
}
ACTION_FACTS = {
    "description": "description",
    "status": "status",
    "status_note": "status note",
    "target_period": "target period",
    "priorities": "priorities",
    "lead_members": "lead members",
    "funding_members": "funding members",
    "latest_update": "latest progress update",
    "latest_update_on": "date of the latest progress update",
}
SECTIONS = {
    "group": "The group's name",
    "period": "The period",
    "co_chairs": "The co-chairs",
    "initiatives": "The initiatives",
    "silence_procedures": "The decisions by silence procedure",
    "narrative": "The narrative",
    "points": "The speaking points",
}


def _facts(before: dict, after: dict, words: dict, *, shared_only: bool = False) -> list[str]:
    return [
        word
        for key, word in words.items()
        if before.get(key) != after.get(key)
        and not (shared_only and (key not in before or key not in after))
    ]


def _keyed_changes(
    before: list, after: list, key, name, words: dict, *, shared_only: bool = False
) -> list[str]:
    """Rows added, no longer there, or changed (naming what), matched by ``key``."""
    old = {key(row): row for row in before}
    new = {key(row): row for row in after}
    changes = []
    for k, row in new.items():
        if k not in old:
            changes.append(f"{name(row)}: now in the report.")
        elif differ := _facts(old[k], row, words, shared_only=shared_only):
            changes.append(f"{name(row)}: {', '.join(differ)} changed.")
    changes += [f"{name(row)}: no longer in the report." for k, row in old.items() if k not in new]
    return changes


def _shared(before, after):
    """Both contents reduced to what both have, for contents of different formats: a part
    one format has and the other has not is no change of the portal's data."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted((before.keys() & after.keys()) - {"format"})
        pairs = {k: _shared(before[k], after[k]) for k in keys}
        return {k: b for k, (b, _) in pairs.items()}, {k: a for k, (_, a) in pairs.items()}
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs = [_shared(b, a) for b, a in zip(before, after, strict=True)]
        return [b for b, _ in pairs], [a for _, a in pairs]
    return before, after


def _meeting_name(meeting: dict) -> str:
    return f"Meeting “{meeting['title']}” ({meeting['dates']})"


def _action_name(action: dict) -> str:
    return f"Action {action['number']} of {action['plan']}"


def _all_actions(content: dict) -> list[dict]:
    return [a for row in content.get("actions_by_status", []) for a in row["actions"]]


def content_changes(approved: dict, live: dict) -> list[str]:
    """What differs between the approved content and the report as the portal's data
    would make it today, in words: which meetings, actions and sections. Contents of
    different formats (one approved before the report said more) are compared on what
    both have."""
    shared_only = approved.get("format") != live.get("format")
    if shared_only:
        approved, live = _shared(approved, live)
    changes = []
    if "meeting" in approved or "meeting" in live:
        before, after = approved.get("meeting") or {}, live.get("meeting") or {}
        if differ := _facts(before, after, MEETING_FACTS, shared_only=shared_only):
            changes.append(f"{_meeting_name(after or before)}: {', '.join(differ)} changed.")
    changes += _keyed_changes(
        approved.get("meetings", []),
        live.get("meetings", []),
        key=lambda m: (m["title"], m["starts_on"]),
        name=_meeting_name,
        words=MEETING_FACTS,
        shared_only=shared_only,
    )
    changes += _keyed_changes(
        _all_actions(approved),
        _all_actions(live),
        key=lambda a: (a["plan"], a["number"]),
        name=_action_name,
        words=ACTION_FACTS,
        shared_only=shared_only,
    )
    for key, words in SECTIONS.items():
        if approved.get(key) != live.get(key):
            changes.append(f"{words} changed.")
    if not changes and content_hash(approved) != content_hash(live):
        # Anything else (a count, a title) is still a difference the co-chairs did not read.
        changes.append("Other parts of the report changed.")
    return changes

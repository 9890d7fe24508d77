"""The content of a report: the portal's data for the group and year, as plain data.

Everything is evaluated to strings, numbers, lists and dicts, so the content can be hashed
(what a co-chair approves) and rendered without another query. Outcomes are stated without
speakers: no speaker's name or affiliation is ever part of a report, so a meeting under the
Chatham House Rule is never attributed.
"""

import datetime
import hashlib
import json
import re

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from groups.models import CoChairTerm
from groups.selectors import current_co_chair_terms
from meetings import selectors as meeting_selectors
from meetings.models import Meeting
from portal import permissions
from reports.models import NARRATIVE_FIELDS, Report
from workplans import selectors as plan_selectors
from workplans.models import Action, ProgressUpdate, WorkPlan

PLAN_START = re.compile(r"^\s*(\d{4})")
STATUS_WORDS = dict(Action.Status.choices)


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _dates(start: datetime.date, end: datetime.date) -> str:
    """25 March 2015; 25–26 March 2015; 30 March – 1 April 2015."""
    if start == end:
        return _day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} – {_day(end)}"
    return f"{_day(start)} – {_day(end)}"


def _plan_runs_in(plan: WorkPlan, year: int) -> bool:
    match = PLAN_START.match(plan.period)
    if not match:
        return False
    end = plan_selectors.target_period_end(plan.period)
    last = end.year if end else int(match[1])
    return int(match[1]) <= year <= last


def _meeting(meeting: Meeting) -> dict:
    """A meeting's facts and its outcomes, stated without speakers."""
    start = meeting.starts_at.astimezone(meeting.zone).date()
    end = meeting.ends_at.astimezone(meeting.zone).date()
    counts = meeting_selectors.participant_counts(meeting, list(meeting.attendance.all()))
    return {
        "title": meeting.title,
        "kind": meeting.get_kind_display(),
        "status": meeting.get_status_display(),
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "dates": _dates(start, end),
        "place": meeting.location,
        "chatham_house": meeting.chatham_house,
        "participants": counts.participants,
        "member_countries": counts.member_countries,
        "organisations": counts.organisations,
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


def _actions(report: Report, last: datetime.date) -> tuple[list[dict], list[dict]]:
    """The actions of the plans running in the year, each with its status when the year
    ended, and the initiatives among them."""
    plans = [
        plan
        for plan in report.group.work_plans.exclude(status=WorkPlan.Status.DRAFT).order_by(
            "period", "pk"
        )
        if _plan_runs_in(plan, report.year)
    ]
    updates = ProgressUpdate.objects.filter(reported_on__lte=last).order_by(
        "-reported_on", "-created_at"
    )
    # The status an action had when the period ended, from its history; an action with no
    # history from before then (entered later, after the fact) shows its status today.
    period_end = timezone.make_aware(datetime.datetime.combine(last, datetime.time.max))
    status_then = (
        Action.history.model.objects.filter(id=OuterRef("pk"), history_date__lte=period_end)
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    actions = (
        Action.objects.filter(plan__in=plans)
        .select_related("plan")
        .prefetch_related("lead_members", Prefetch("updates", updates, to_attr="update_list"))
        .annotate(status_then=Subquery(status_then))
        .order_by("plan__period", "plan_id", "number")
    )
    rows, initiatives = [], []
    for action in actions:
        latest = action.update_list[0] if action.update_list else None
        leads = sorted(m.display_name for m in action.lead_members.all())
        status = action.status_then or action.status
        rows.append(
            {
                "plan": action.plan.title,
                "number": action.number,
                "description": action.description,
                "status": status,
                "status_word": STATUS_WORDS.get(status, status),
                "target_period": action.target_period,
                "lead_members": leads,
                "latest_update": latest.text if latest else "",
                "latest_update_on": latest.reported_on.isoformat() if latest else "",
                "latest_update_date": _day(latest.reported_on) if latest else "",
            }
        )
        if action.initiative:
            initiatives.append(
                {
                    "number": action.number,
                    "description": action.description,
                    "kind": action.get_initiative_display(),
                    "lead_members": leads,
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
        "dates": f"{_day(term.starts_on)} – {_day(term.ends_on)}",
    }


def _co_chairs(report: Report, first: datetime.date, last: datetime.date) -> dict:
    terms = list(
        CoChairTerm.objects.filter(group=report.group)
        .select_related("member")
        .order_by("starts_on", "seat")
    )
    serving = [t for t in terms if t.starts_on <= last and t.ends_on >= first]
    changes = []
    for term in terms:
        if first <= term.starts_on <= last:
            changes.append((term.starts_on, f"{term.member.display_name} began a term"))
        if first <= term.ends_on <= last:
            changes.append((term.ends_on, f"{term.member.display_name}'s term ended"))
    return {
        "serving": [_term(t) for t in serving],
        "changes": [
            {"on": day.isoformat(), "date": _day(day), "text": f"{text} ({_day(day)})."}
            for day, text in sorted(changes)
        ],
        "ahead": [_term(t) for t in terms if t.starts_on > last],
    }


def outcome_record_content(report: Report) -> dict:
    """The canonical content of a meeting's outcome record: the co-chairs' statement."""
    meeting = (
        Meeting.objects.select_related("group")
        .prefetch_related("outcomes", "attendance__member")
        .get(pk=report.meeting_id)
    )
    group = report.group
    row = _meeting(meeting)
    return {
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
    first, last = datetime.date(report.year, 1, 1), datetime.date(report.year, 12, 31)
    group = report.group
    actions, initiatives = _actions(report, last)
    meetings = _meetings(report, first, last)
    is_brief = report.kind == Report.Kind.BRIEF
    content = {
        "kind": report.kind,
        "title": report.get_kind_display(),
        "year": report.year,
        "group": {"name": group.name, "short_name": group.short_name},
        "period": {
            "starts_on": first.isoformat(),
            "ends_on": last.isoformat(),
            "text": f"{_day(first)} – {_day(last)}",
            "ends_text": _day(last),
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
    if is_brief:
        # Speaking points: what is still open, no full table; no initiatives.
        open_actions = [a for a in actions if a["status"] not in plan_selectors.CLOSED]
        content["actions_by_status"] = _by_status(
            [
                {**a, "latest_update": "", "latest_update_on": "", "latest_update_date": ""}
                for a in open_actions
            ]
        )
        content["initiatives"] = []
    else:
        content["actions_by_status"] = _by_status(actions)
        content["initiatives"] = initiatives
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
    "outcomes": "outcomes",
    "outcomes_approved": "outcomes approved",
    "outcomes_pending": "outcomes waiting for approval",
}
ACTION_FACTS = {
    "description": "description",
    "status": "status",
    "target_period": "target period",
    "lead_members": "lead members",
    "latest_update": "latest progress update",
    "latest_update_on": "date of the latest progress update",
}
SECTIONS = {
    "group": "The group's name",
    "period": "The period",
    "co_chairs": "The co-chairs",
    "initiatives": "The initiatives",
    "narrative": "The narrative",
}


def _facts(before: dict, after: dict, words: dict) -> list[str]:
    return [word for key, word in words.items() if before.get(key) != after.get(key)]


def _keyed_changes(before: list, after: list, key, name, words: dict) -> list[str]:
    """Rows added, no longer there, or changed (naming what), matched by ``key``."""
    old = {key(row): row for row in before}
    new = {key(row): row for row in after}
    changes = []
    for k, row in new.items():
        if k not in old:
            changes.append(f"{name(row)}: now in the report.")
        elif differ := _facts(old[k], row, words):
            changes.append(f"{name(row)}: {', '.join(differ)} changed.")
    changes += [f"{name(row)}: no longer in the report." for k, row in old.items() if k not in new]
    return changes


def _meeting_name(meeting: dict) -> str:
    return f"Meeting “{meeting['title']}” ({meeting['dates']})"


def _action_name(action: dict) -> str:
    return f"Action {action['number']} of {action['plan']}"


def _all_actions(content: dict) -> list[dict]:
    return [a for row in content.get("actions_by_status", []) for a in row["actions"]]


def content_changes(approved: dict, live: dict) -> list[str]:
    """What differs between the approved content and the report as the portal's data
    would make it today, in words: which meetings, actions and sections."""
    changes = []
    if "meeting" in approved or "meeting" in live:
        before, after = approved.get("meeting") or {}, live.get("meeting") or {}
        if differ := _facts(before, after, MEETING_FACTS):
            changes.append(f"{_meeting_name(after or before)}: {', '.join(differ)} changed.")
    changes += _keyed_changes(
        approved.get("meetings", []),
        live.get("meetings", []),
        key=lambda m: (m["title"], m["starts_on"]),
        name=_meeting_name,
        words=MEETING_FACTS,
    )
    changes += _keyed_changes(
        _all_actions(approved),
        _all_actions(live),
        key=lambda a: (a["plan"], a["number"]),
        name=_action_name,
        words=ACTION_FACTS,
    )
    for key, words in SECTIONS.items():
        if approved.get(key) != live.get(key):
            changes.append(f"{words} changed.")
    if not changes and content_hash(approved) != content_hash(live):
        # Anything else (a count, a title) is still a difference the co-chairs did not read.
        changes.append("Other parts of the report changed.")
    return changes

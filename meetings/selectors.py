"""Reads about meetings that pages, exports and reports share."""

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from groups.models import Member
from meetings import agenda
from meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    Invitation,
    Meeting,
    MeetingPack,
    Outcome,
    Speaker,
)
from portal import dates, permissions


@dataclass
class Counts:
    participants: int | None
    member_countries: int | None
    organisations: int | None
    from_attendance: bool


def participant_counts(meeting: Meeting, attendance: list[Attendance]) -> Counts:
    """Counted from recorded attendance, else the totals entered for a large event."""
    if attendance:
        members = {a.member for a in attendance if not a.as_observer}
        return Counts(
            len(attendance),
            sum(1 for m in members if m.kind == Member.Kind.STATE),
            sum(1 for m in members if m.kind == Member.Kind.ORGANISATION),
            True,
        )
    return Counts(
        meeting.participants_total,
        meeting.member_countries_total,
        meeting.organisations_total,
        False,
    )


def agenda_items(meeting: Meeting, readable_levels: frozenset[str]) -> list[AgendaItem]:
    """The agenda's items in order, with their speakers and the papers of the given access
    levels (the ones the reader may open), in three queries."""
    papers = (
        Document.objects.filter(access__in=readable_levels)
        .prefetch_related("versions")
        .order_by("title")
    )
    return list(
        meeting.agenda_items.order_by("position").prefetch_related(
            Prefetch("speakers", Speaker.objects.select_related("person"), to_attr="speaker_list"),
            Prefetch("documents", papers, to_attr="paper_list"),
        )
    )


@dataclass
class MeetingPage:
    meeting: Meeting
    agenda: list[agenda.ScheduledItem] | None
    documents: list[Document]
    invitations: list[Invitation] | None
    attendance: list[Attendance] | None
    # None when the person may not read the outcomes yet (see permissions).
    outcomes: list[Outcome] | None
    outcomes_recorded: int
    outcome_record: object | None  # the Report the co-chairs approve, if the person may open it
    counts: Counts
    answerable: list[Invitation]
    access: permissions.MeetingAccess
    # The person's own latest meeting pack of this meeting, if they have asked for one.
    latest_pack: MeetingPack | None = None


def meeting_page(user, meeting: Meeting) -> MeetingPage:
    """Everything the meeting page shows this person, and nothing they may not see."""
    access = permissions.meeting_access(user, meeting)
    items = agenda_items(meeting, access.readable_levels) if access.sees_agenda else None
    documents = list(
        meeting.documents.filter(access__in=access.readable_levels)
        .prefetch_related("versions")
        .order_by("title")
    )
    attendance_list = list(meeting.attendance.select_related("member", "person"))
    invitations = list(meeting.invitations.select_related("member", "person", "meeting__group"))
    for invitation in invitations:
        invitation.meeting = meeting
    sees_lists = access.sees_attendance
    outcomes = list(meeting.outcomes.order_by("number"))
    record = getattr(meeting, "outcome_record", None) if meeting.group_id else None
    if record is not None:
        record.group, record.meeting = meeting.group, meeting
        if not permissions.can_open_report(user, record):
            record = None
    return MeetingPage(
        meeting=meeting,
        agenda=(
            agenda.schedule(meeting, items, speakers_named=access.sees_speakers)
            if items is not None
            else None
        ),
        documents=documents,
        invitations=invitations if sees_lists else None,
        attendance=attendance_list if sees_lists else None,
        outcomes=outcomes if access.sees_outcomes else None,
        outcomes_recorded=len(outcomes),
        outcome_record=record,
        counts=participant_counts(meeting, attendance_list),
        answerable=[
            i
            for i in invitations
            if not access.can_change and permissions.can_answer_invitation(user, i)
        ],
        access=access,
        latest_pack=(
            meeting.packs.filter(reader=user).order_by("-queued_at", "-pk").first()
            if items is not None and user.is_authenticated
            else None
        ),
    )


@dataclass
class InvitationsPage:
    """What the secretariat's invitations page shows of a meeting."""

    invitations: list[Invitation]
    attended: list[Attendance]
    # Answers by kind: in person, online, not attending, awaiting.
    answers: dict[str, int]
    can_invite_group: bool
    # How many "remind now" would reach, or None when no reminder can go out.
    to_remind: int | None
    # How many attendances the answers would record, or None before the meeting begins.
    from_answers: int | None


def invitations_page(meeting: Meeting) -> InvitationsPage:
    """The meeting's invitations, each with ``not_told`` (its readers who may not see the
    meeting, with the reason), the counts of the answers and what the buttons would do."""
    from meetings import services  # what the buttons would do is the services' to say

    invitations = list(
        meeting.invitations.select_related("member", "person", "responded_by").prefetch_related(
            "delegates"
        )
    )
    audiences = permissions.invitation_audiences(meeting, invitations)
    for invitation in invitations:
        invitation.not_told = [reason for _, reason in audiences[invitation.pk].skipped]
    answers = answer_counts(i.response for i in invitations)
    awaiting = answers["awaiting"]
    started = meeting.starts_at <= timezone.now()
    return InvitationsPage(
        invitations=invitations,
        attended=list(meeting.attendance.select_related("member", "person")),
        answers=answers,
        can_invite_group=meeting.group_id is not None,
        to_remind=(
            len(services.remindable(meeting)[0])
            if awaiting and services.can_remind(meeting)
            else None
        ),
        from_answers=(
            len(services.attendance_from_answers_planned(meeting))
            if started and meeting.status != Meeting.Status.CANCELLED
            else None
        ),
    )


def upcoming_meetings(user, limit: int = 6) -> list[Meeting]:
    """The next meetings this person may see, soonest first; cancelled ones left out."""
    return list(
        dates.showable(permissions.visible_meetings(user), "starts_at", "ends_at")
        .filter(ends_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("group")
        .order_by("starts_at")[:limit]
    )


def group_meetings(user, group, limit: int = 8) -> list[Meeting]:
    """A group's latest meetings that this person may see."""
    return list(
        dates.showable(permissions.visible_meetings(user), "starts_at", "ends_at")
        .filter(group=group)
        .select_related("group")
        .order_by("-starts_at")[:limit]
    )


# --- What a person's home page shows of meetings ----------------------------------------


def answer_counts(responses: Iterable[str]) -> dict[str, int]:
    """Invitations' answers by kind: in person, online, not attending, awaiting."""
    answers = Counter(responses)
    return {
        "in_person": answers[Invitation.Response.ACCEPTED],
        "online": answers[Invitation.Response.ONLINE],
        "declined": answers[Invitation.Response.DECLINED],
        "awaiting": answers[Invitation.Response.PENDING],
    }


# How far ahead the secretariat's home page looks for meetings to prepare.
DAYS_AHEAD = 90


class AgendaState:
    PUBLISHED = "published"
    DRAFT = "draft"
    NONE = "none"


def _ahead(user):
    """The meetings this person may see that have not ended, not cancelled, soonest first,
    with whether they have an agenda item (``has_agenda``)."""
    return (
        dates.showable(permissions.visible_meetings(user), "starts_at", "ends_at")
        .filter(ends_at__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("group", "outcome_record")
        .annotate(has_agenda=Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"))))
        .order_by("starts_at", "pk")
    )


@dataclass
class MeetingAhead:
    """A meeting the secretariat prepares: its agenda's state and its invitations' answers."""

    meeting: Meeting
    agenda: str
    answers: dict[str, int]

    @property
    def invited(self) -> int:
        return sum(self.answers.values())

    @property
    def answered(self) -> int:
        return self.invited - self.answers["awaiting"]


@dataclass
class MeetingsAhead:
    rows: list[MeetingAhead]
    days: int
    # The first meeting after those days, when none falls within them.
    later: Meeting | None = None


def meetings_ahead(user, days: int = DAYS_AHEAD) -> MeetingsAhead:
    """The meetings of the next `days` days this person may see, each with the state of its
    agenda and the answers to its invitations, in two queries (three when there is none)."""
    ahead = _ahead(user)
    meetings = list(ahead.filter(starts_at__lte=timezone.now() + datetime.timedelta(days=days)))
    if not meetings:
        return MeetingsAhead([], days, later=ahead.first())
    responses: dict[int, list[str]] = {m.pk: [] for m in meetings}
    invitations = Invitation.objects.filter(meeting__in=list(responses)).order_by()
    for meeting_id, response in invitations.values_list("meeting_id", "response"):
        responses[meeting_id].append(response)
    rows = []
    for meeting in meetings:
        if meeting.agenda_is_published:
            state = AgendaState.PUBLISHED
        else:
            state = AgendaState.DRAFT if meeting.has_agenda else AgendaState.NONE
        rows.append(MeetingAhead(meeting, state, answer_counts(responses[meeting.pk])))
    return MeetingsAhead(rows, days)


@dataclass
class MyInvitation:
    """An invitation of the person or of their member, and whether they may answer it now
    (on the meeting's page)."""

    invitation: Invitation
    can_answer: bool


@dataclass
class MyMeeting:
    """A meeting ahead as the person sees it: whether its agenda is there for them, how
    many of its papers they may read, and their (or their member's) invitations."""

    meeting: Meeting
    access: permissions.MeetingAccess
    papers: int
    invitations: list[MyInvitation]

    @property
    def agenda_shown(self) -> bool:
        return self.access.sees_agenda and self.meeting.has_agenda


@dataclass
class MyMeetings:
    # The next meetings, soonest first, less those in ``next_of``.
    rows: list[MyMeeting]
    # The next meeting of each group asked for, by group id.
    next_of: dict[int, MyMeeting]


def my_next_meetings(user, *, limit: int = 6, groups=()) -> MyMeetings:
    """The next meetings this person may see (at most `limit`), and the next meeting of each
    of the `groups`; each with what they may read of it and their invitations, in six
    queries however many meetings, groups or invitations."""
    ahead = _ahead(user)
    soonest = list(ahead[:limit])
    next_of: dict[int, Meeting] = {}
    if groups:
        for meeting in ahead.filter(group__in=sorted(groups)):
            next_of.setdefault(meeting.group_id, meeting)
    meetings = {m.pk: m for m in [*next_of.values(), *soonest]}
    accesses = permissions.meeting_accesses(user, list(meetings.values()))
    papers: Counter = Counter()
    mine: dict[int, list[MyInvitation]] = {pk: [] for pk in meetings}
    if meetings:
        documents = Document.objects.filter(meeting__in=list(meetings)).order_by()
        for meeting_id, access in documents.values_list("meeting_id", "access"):
            if access in accesses[meeting_id].readable_levels:
                papers[meeting_id] += 1
        invitations = (
            permissions.invitations_of(user)
            .filter(meeting__in=list(meetings))
            .select_related("member", "person")
            .order_by("person", "member__name", "pk")
        )
        for invitation in invitations:
            invitation.meeting = meeting = meetings[invitation.meeting_id]
            can_answer = not meeting.is_closed and permissions.can_answer_invitation(
                user, invitation
            )
            mine[meeting.pk].append(MyInvitation(invitation, can_answer))
    rows = {pk: MyMeeting(m, accesses[pk], papers[pk], mine[pk]) for pk, m in meetings.items()}
    shown_by_group = {m.pk for m in next_of.values()}
    return MyMeetings(
        rows=[rows[m.pk] for m in soonest if m.pk not in shown_by_group],
        next_of={group_id: rows[m.pk] for group_id, m in next_of.items()},
    )

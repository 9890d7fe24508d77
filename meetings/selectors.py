"""Reads about meetings that pages, exports and reports share."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch
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
        agenda=agenda.schedule(meeting, items) if items is not None else None,
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
    answers = Counter(i.response for i in invitations)
    awaiting = answers[Invitation.Response.PENDING]
    started = meeting.starts_at <= timezone.now()
    return InvitationsPage(
        invitations=invitations,
        attended=list(meeting.attendance.select_related("member", "person")),
        answers={
            "in_person": answers[Invitation.Response.ACCEPTED],
            "online": answers[Invitation.Response.ONLINE],
            "declined": answers[Invitation.Response.DECLINED],
            "awaiting": awaiting,
        },
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

"""Reads about members, groups and participation that views and reports share."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from groups import roster, silence, timeline
from groups.models import (
    CoChairTerm,
    Member,
    Nomination,
    Participation,
    SilenceProcedure,
    TermsOfReference,
    WorkingGroup,
)

# The Terms of Reference ask every group to meet at least once a year.
MEETING_INTERVAL_DAYS = 365


def current_participations(on: datetime.date | None = None) -> QuerySet[Participation]:
    """Participations running on the given day (today by default)."""
    on = on or timezone.localdate()
    return Participation.objects.filter(started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    )


# Participation roles that make a person part of the group (observers and guests do not).
GROUP_ROLES = (Participation.Role.EXPERT, Participation.Role.FOCAL_POINT)


def participants_of(
    member=None,
    group=None,
    *,
    person=None,
    roles=GROUP_ROLES,
    on: datetime.date | None = None,
) -> QuerySet[Participation]:
    """The current participations of a member in a group (experts and focal points unless
    `roles` says otherwise), narrowed to a person when given.

    Each of `member`, `group` and `person` may be a row, an id, or a queryset or list of
    them; left out, it does not narrow.
    """
    participations = current_participations(on).filter(role__in=roles)
    for name, value in (("member", member), ("group", group), ("person", person)):
        if value is None:
            continue
        if isinstance(value, QuerySet | list | tuple | set | frozenset):
            participations = participations.filter(**{f"{name}__in": value})
        else:
            participations = participations.filter(**{name: value})
    return participations


def focal_points(
    member=None, group=None, *, person=None, on: datetime.date | None = None
) -> QuerySet[Participation]:
    """The current focal points of a member in a group: who speaks and answers for it there."""
    return participants_of(
        member, group, person=person, roles=(Participation.Role.FOCAL_POINT,), on=on
    )


def current_co_chair_terms(on: datetime.date | None = None) -> QuerySet[CoChairTerm]:
    """Co-chair terms running on the given day (today by default)."""
    on = on or timezone.localdate()
    return CoChairTerm.objects.filter(starts_on__lte=on).filter(
        Q(ended_on__gte=on) | Q(ended_on__isnull=True, planned_end_on__gte=on)
    )


def with_current_co_chairs(groups: QuerySet[WorkingGroup]) -> QuerySet[WorkingGroup]:
    """Groups with ``current_terms``: their co-chair terms running today, by seat."""
    terms = current_co_chair_terms().select_related("member").order_by("seat")
    return groups.prefetch_related(Prefetch("co_chair_terms", terms, to_attr="current_terms"))


@dataclass
class MemberParticipants:
    member: Member
    participations: list[Participation]
    holds_co_chair_term: bool = False


@dataclass
class GroupPage:
    group: WorkingGroup
    current_terms_of_reference: TermsOfReference | None
    terms_of_reference: list[TermsOfReference]
    participants: list[MemberParticipants]
    co_chair_terms: list[CoChairTerm]
    proposed_by: list[Member]
    silence_procedures: list[SilenceProcedure] = field(default_factory=list)

    @property
    def under_silence(self) -> list[SilenceProcedure]:
        return [p for p in self.silence_procedures if p.is_under_silence]

    @property
    def silence_concluded(self) -> list[SilenceProcedure]:
        return [p for p in self.silence_procedures if not p.is_under_silence]


def group_page(group: WorkingGroup) -> GroupPage:
    """Everything the group page shows, in six queries."""
    versions = list(group.terms_of_reference.select_related("endorsed_at").order_by("-version"))
    endorsed = [v for v in versions if v.status == TermsOfReference.Status.ENDORSED]
    current = endorsed[0] if endorsed else (versions[0] if versions else None)

    by_member: dict[int, MemberParticipants] = {}
    participations = (
        current_participations()
        .filter(group=group)
        .select_related("person", "member")
        .order_by("member__name", "role", "person__last_name", "person__first_name")
    )
    for participation in participations:
        entry = by_member.setdefault(
            participation.member_id, MemberParticipants(participation.member, [])
        )
        entry.participations.append(participation)

    terms = list(
        current_co_chair_terms().filter(group=group).select_related("member").order_by("seat")
    )
    for term in terms:
        if term.member_id in by_member:
            by_member[term.member_id].holds_co_chair_term = True
    proposed_by = list(group.proposed_by.all())
    procedures = list(group.silence_procedures.order_by("-circulated_at", "-pk"))
    return GroupPage(
        group, current, versions, list(by_member.values()), terms, proposed_by, procedures
    )


# --- The group's public page ---------------------------------------------------------


@dataclass
class PublicMeeting:
    meeting: object
    # (title, latest version number, document) of each paper marked "Public".
    papers: list
    # (section title, member names) of the members that took part; never a person.
    members: list[tuple[str, list[str]]]


@dataclass
class PublicGroupPage:
    group: WorkingGroup
    terms_of_reference: TermsOfReference | None
    co_chair_terms: list[CoChairTerm]
    meetings: list[PublicMeeting]
    # The statements the group published, latest first (``permissions.public_statements``).
    statements: list = field(default_factory=list)


def public_group_page(group: WorkingGroup, meetings) -> PublicGroupPage:
    """What the group's public page shows, from ``meetings`` (``permissions.public_meetings``
    of the group), in a fixed number of queries however many meetings it held."""
    from meetings import participants
    from meetings.models import Document

    endorsed = (
        group.terms_of_reference.filter(status=TermsOfReference.Status.ENDORSED)
        .select_related("endorsed_at")
        .order_by("-version")
        .first()
    )
    terms = list(
        current_co_chair_terms().filter(group=group).select_related("member").order_by("seat")
    )
    public = (
        Document.objects.filter(access=Document.Access.PUBLIC)
        .annotate(latest=Max("versions__number"))
        .filter(latest__isnull=False)
        .order_by("title")
    )
    held = meetings.order_by("-starts_at").prefetch_related(
        Prefetch("documents", public, to_attr="public_papers"), "attendance__member"
    )
    rows = []
    for meeting in held:
        sections = participants.members_by_section(meeting.attendance.all())
        rows.append(
            PublicMeeting(
                meeting,
                [(d.title, d.latest, d) for d in meeting.public_papers],
                [
                    (title, [member_rows[0].member.display_name for member_rows in members])
                    for title, members in sections.items()
                    if members
                ],
            )
        )
    from reports.selectors import published_statements

    return PublicGroupPage(group, endorsed, terms, rows, published_statements(group))


def member_groups(member: Member, groups: QuerySet[WorkingGroup]) -> dict[WorkingGroup, list]:
    """The member's current participations in the given groups, grouped by group."""
    result: dict[WorkingGroup, list[Participation]] = defaultdict(list)
    participations = (
        current_participations()
        .filter(member=member, group__in=groups)
        .select_related("group", "person")
        .order_by("group__short_name", "person__last_name")
    )
    for participation in participations:
        result[participation.group].append(participation)
    return dict(result)


@dataclass
class GroupAlert:
    group: WorkingGroup
    message: str
    # The page of the group where the secretariat deals with it.
    page: str = "group_detail"


def _running_groups() -> QuerySet[WorkingGroup]:
    """The groups whose roster the secretariat watches: active or under review."""
    return WorkingGroup.objects.filter(
        status__in=[WorkingGroup.Status.ACTIVE, WorkingGroup.Status.UNDER_REVIEW]
    )


def secretariat_alerts(on: datetime.date | None = None) -> list[GroupAlert]:
    """What needs the secretariat: reviews due, groups not met for a year, roster problems."""
    on = on or timezone.localdate()
    alerts = []
    running = _running_groups().annotate(
        last_met=Max("meetings__starts_at", filter=Q(meetings__starts_at__date__lte=on))
    )
    terms_by_group: dict[int, list[CoChairTerm]] = defaultdict(list)
    for term in CoChairTerm.objects.filter(group__in=running).select_related(
        "member", "decided_at", "extension_agreed_at"
    ):
        terms_by_group[term.group_id].append(term)
    for group in running:
        alerts.extend(_roster_alerts(group, terms_by_group[group.pk], on))
        if group.review_is_due(on):
            alerts.append(GroupAlert(group, f"Review date {group.review_on:%-d %B %Y} has passed."))
        if group.last_met is None:
            alerts.append(GroupAlert(group, "Has no meeting on record."))
        elif (on - timezone.localdate(group.last_met)).days > MEETING_INTERVAL_DAYS:
            alerts.append(
                GroupAlert(
                    group,
                    f"Has not met in the last twelve months "
                    f"(last meeting {timezone.localdate(group.last_met):%-d %B %Y}).",
                )
            )
    return alerts


def terms_ending_without_successor(on: datetime.date | None = None) -> list[CoChairTerm]:
    """The co-chair terms of running groups that end within six months with nobody to
    follow in the seat: the roster's rule (``roster.ending_without_successor``) the
    secretariat's home also alerts on."""
    on = on or timezone.localdate()
    running = _running_groups()
    terms_by_group: dict[int, list[CoChairTerm]] = defaultdict(list)
    for term in CoChairTerm.objects.filter(group__in=running).select_related(
        "group", "member", "decided_at", "extension_agreed_at"
    ):
        terms_by_group[term.group_id].append(term)
    return [
        term
        for terms in terms_by_group.values()
        for term in roster.ending_without_successor(terms, on)
    ]


@dataclass
class TermRow:
    term: CoChairTerm
    state: str
    problems: list[roster.Problem]
    successor: CoChairTerm | None


@dataclass
class RosterPage:
    group: WorkingGroup
    rows: list[TermRow]
    problems: list[roster.Problem]
    timeline: timeline.Timeline | None
    rotation: roster.Rotation
    nominations: list[Nomination]

    @property
    def errors(self) -> list[roster.Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[roster.Problem]:
        return [p for p in self.problems if not p.is_error]


def roster_page(group: WorkingGroup, today: datetime.date | None = None) -> RosterPage:
    """The roster with its problems, timeline and next rotation, in two queries."""
    today = today or timezone.localdate()
    terms = roster.load_terms(group)
    problems = roster.check(group, terms, today)
    nominations = list(
        group.nominations.select_related("member", "nominated_at", "term").order_by(
            "-for_term_from", "member__name"
        )
    )
    rows = [
        TermRow(
            term,
            "past" if term.ends_on < today else "planned" if term.starts_on > today else "current",
            [p for p in problems if p.involves(term)],
            roster.successor(term, terms),
        )
        for term in sorted(terms, key=lambda t: (t.seat, t.starts_on))
    ]
    return RosterPage(
        group,
        rows,
        problems,
        timeline.build(terms, problems, today),
        roster.next_rotation(group, terms, nominations, today),
        nominations,
    )


def _roster_alerts(group: WorkingGroup, terms: list[CoChairTerm], on: datetime.date):
    """Each roster problem by name: every error, and the warnings that are not over yet."""
    ending = roster.ending_without_successor(terms, on)
    # The gap that opens when such a term ends is told by its own alert below.
    told = {roster.day_after(term.ends_on) for term in ending}
    for problem in roster.check(group, terms, on):
        last_day = problem.ends_on or max(t.ends_on for t in problem.terms)
        told_below = problem.code == "gap" and problem.starts_on in told
        if not problem.is_error and (last_day < on or told_below):
            continue
        yield GroupAlert(group, problem.message, "roster")
    for term in ending:
        yield GroupAlert(
            group,
            f"{term.member}'s co-chair term ({term.get_seat_display().lower()}) ends on "
            f"{roster.fmt(term.ends_on)} with no successor on the roster.",
            "roster",
        )


# --- Silence procedures ---------------------------------------------------------------


def under_silence(procedures: QuerySet[SilenceProcedure]) -> list[SilenceProcedure]:
    """The procedures still under silence, the nearest deadline first, in one query."""
    return list(
        procedures.filter(status=SilenceProcedure.Status.UNDER_SILENCE)
        .select_related("group")
        .order_by("deadline", "pk")
    )


@dataclass
class FocalPointDeadline:
    member: Member
    person: object
    local_deadline: datetime.datetime


@dataclass
class SilenceProcedurePage:
    procedure: SilenceProcedure
    breaks: list
    focal_points: list[FocalPointDeadline]
    # The deadline where it was set, and as this reader's clock shows it.
    deadline_where_set: datetime.datetime
    deadline_for_reader: datetime.datetime
    # The text circulated, its Markdown made safe HTML as a report's narrative is.
    text_html: str = ""


def silence_procedure_page(procedure: SilenceProcedure, reader) -> SilenceProcedurePage:
    """What a procedure's page shows, in two queries: its objections, and the deadline as
    each member's focal point reads it in their own time zone."""
    from reports.narrative import render_markdown

    breaks = list(procedure.breaks.select_related("member", "person").order_by("broken_at"))
    points = (
        focal_points(group=procedure.group_id)
        .select_related("member", "person")
        .order_by("member__name", "person__last_name", "person__first_name", "pk")
    )
    rows = [
        FocalPointDeadline(
            p.member, p.person, silence.wall_clock(procedure.deadline, p.person.time_zone)
        )
        for p in points
    ]
    reader_zone = getattr(reader, "time_zone", "") or procedure.deadline_time_zone
    return SilenceProcedurePage(
        procedure,
        breaks,
        rows,
        silence.wall_clock(procedure.deadline, procedure.deadline_time_zone),
        silence.wall_clock(procedure.deadline, reader_zone),
        render_markdown(procedure.text),
    )

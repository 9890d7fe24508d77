"""Reads about members, groups and participation that views and reports share."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from groups.models import CoChairTerm, Member, Participation, TermsOfReference, WorkingGroup

# The Terms of Reference ask every group to meet at least once a year.
MEETING_INTERVAL_DAYS = 365


def current_participations(on: datetime.date | None = None) -> QuerySet[Participation]:
    """Participations running on the given day (today by default)."""
    on = on or timezone.localdate()
    return Participation.objects.filter(started_on__lte=on).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=on)
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


def group_page(group: WorkingGroup) -> GroupPage:
    """Everything the group page shows, in five queries."""
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
    return GroupPage(group, current, versions, list(by_member.values()), terms, proposed_by)


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


def secretariat_alerts(on: datetime.date | None = None) -> list[GroupAlert]:
    """Groups past their review date, and running groups that have not met for a year."""
    on = on or timezone.localdate()
    alerts = []
    running = WorkingGroup.objects.filter(
        status__in=[WorkingGroup.Status.ACTIVE, WorkingGroup.Status.UNDER_REVIEW]
    ).annotate(last_met=Max("meetings__starts_at", filter=Q(meetings__starts_at__date__lte=on)))
    for group in running:
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

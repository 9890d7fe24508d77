"""Everything that changes the co-chair roster: terms, nominations and decisions."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from groups import roster
from groups.models import CoChairTerm, Member, Nomination, WorkingGroup
from meetings.models import Meeting


def term_validate(term: CoChairTerm) -> list[roster.Problem]:
    """Raise the roster errors the term would create, beside their fields; return warnings."""
    problems = roster.problems_of(term)
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.is_error:
            errors.setdefault(roster.FIELD_OF_CODE[problem.code], []).append(problem.message)
    if errors:
        raise ValidationError(errors)
    return [p for p in problems if not p.is_error]


@transaction.atomic
def term_save(term: CoChairTerm) -> list[roster.Problem]:
    """Save a co-chair term that creates no roster error; the warnings it leaves."""
    # One roster change at a time per group, so two officers cannot fill one seat twice.
    WorkingGroup.objects.select_for_update().get(pk=term.group_id)
    term.full_clean()
    warnings = term_validate(term)
    term.save()
    return warnings


def nomination_record(
    *,
    group: WorkingGroup,
    member: Member,
    nominated_at: Meeting,
    for_term_from: datetime.date,
    seat: int | None = None,
    note: str = "",
) -> Nomination:
    """Record a nomination made at one of the group's meetings."""
    if nominated_at.group_id != group.pk:
        raise ValidationError(
            {"nominated_at": f"Nominations are made at a meeting of {group.short_name}."}
        )
    if nominated_at.local_start.date() > for_term_from:
        raise ValidationError(
            {"for_term_from": "The term must start after the meeting the nomination was made at."}
        )
    nomination = Nomination(
        group=group,
        member=member,
        nominated_at=nominated_at,
        for_term_from=for_term_from,
        seat=seat,
        note=note,
    )
    nomination.full_clean()
    nomination.save()
    return nomination


@transaction.atomic
def nomination_decide(
    nomination: Nomination,
    *,
    decided_at: Meeting,
    seat: int,
    starts_on: datetime.date,
    planned_end_on: datetime.date,
) -> tuple[CoChairTerm, list[roster.Problem]]:
    """The SOM's decision: the nomination becomes a term; rival nominations are closed."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.outcome != Nomination.Outcome.PENDING:
        raise ValidationError(f"This nomination is already {nomination.get_outcome_display()}.")
    term = CoChairTerm(
        group=nomination.group,
        member=nomination.member,
        seat=seat,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        decided_at=decided_at,
    )
    warnings = term_save(term)
    nomination.outcome = Nomination.Outcome.ACCEPTED
    nomination.term = term
    nomination.save()
    rivals = Nomination.objects.filter(
        Q(seat__isnull=True) | Q(seat=seat),
        group=nomination.group,
        outcome=Nomination.Outcome.PENDING,
        for_term_from=nomination.for_term_from,
    )
    for rival in rivals:
        rival.outcome = Nomination.Outcome.DECLINED
        rival.note = rival.note or f"{term.member} was chosen at the {decided_at.title}."
        rival.save()
    return term, warnings


def nomination_close(nomination: Nomination, outcome: str) -> Nomination:
    """Close a pending nomination as not selected or withdrawn."""
    if outcome not in (Nomination.Outcome.DECLINED, Nomination.Outcome.WITHDRAWN):
        raise ValidationError("A nomination closes as not selected or withdrawn.")
    if nomination.outcome != Nomination.Outcome.PENDING:
        raise ValidationError(f"This nomination is already {nomination.get_outcome_display()}.")
    nomination.outcome = outcome
    nomination.save()
    return nomination

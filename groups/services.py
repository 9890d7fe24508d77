"""Everything that changes the co-chair roster: terms, nominations and decisions."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from groups import roster
from groups.models import CoChairTerm, Member, Nomination, WorkingGroup
from meetings import services as meeting_services
from meetings.models import Meeting
from portal import dates, versions

TERM_DATES = ("starts_on", "planned_end_on", "ended_on", "extension_agreed_on")


def _check_dates(**values: datetime.date | None) -> None:
    """Refuse, beside each field, a date outside the years the portal accepts."""
    errors = {
        field: [dates.DATE_RANGE_MESSAGE]
        for field, value in values.items()
        if not dates.in_range(value)
    }
    if errors:
        raise ValidationError(errors)


def term_validate(term: CoChairTerm) -> list[roster.Problem]:
    """Raise the roster errors the term would create, beside their fields; return warnings."""
    _check_dates(**{field: getattr(term, field) for field in TERM_DATES})
    problems = roster.problems_of(term)
    errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.is_error:
            errors.setdefault(roster.FIELD_OF_CODE[problem.code], []).append(problem.message)
    if errors:
        raise ValidationError(errors)
    return [p for p in problems if not p.is_error]


@transaction.atomic
def term_save(term: CoChairTerm, *, version: int | None = None) -> list[roster.Problem]:
    """Save a co-chair term that creates no roster error; the warnings it leaves.
    A change read at `version` is refused when someone saved the term since."""
    # One roster change at a time per group, so two officers cannot fill one seat twice.
    WorkingGroup.objects.select_for_update().get(pk=term.group_id)
    if term.pk:
        stored = CoChairTerm.objects.select_for_update().filter(pk=term.pk).first()
        if stored:
            versions.check_version(stored, version, what="co-chair term", saving=term)
    term.full_clean()
    warnings = term_validate(term)
    term.save()
    return warnings


def _not_held_reason(meeting: Meeting) -> str | None:
    """Why a nomination cannot have been made at the meeting, if it cannot."""
    if meeting.status == Meeting.Status.CANCELLED:
        return f"The {meeting.title} was cancelled; a nomination is made at a meeting held."
    if meeting.starts_at > timezone.now():
        return (
            f"The {meeting.title} has not been held yet (it starts on "
            f"{roster.fmt(meeting.local_start.date())}); record the nomination once it is made."
        )
    return None


def nomination_record(
    *,
    group: WorkingGroup,
    member: Member,
    nominated_at: Meeting,
    for_term_from: datetime.date,
    seat: int | None = None,
    note: str = "",
) -> Nomination:
    """Record a nomination made at one of the group's meetings, already held, of a member
    of the Ad Hoc Group on the day the term would start."""
    _check_dates(for_term_from=for_term_from)
    errors = {}
    if nominated_at.group_id != group.pk:
        errors["nominated_at"] = f"Nominations are made at a meeting of {group.short_name}."
    elif not_held := _not_held_reason(nominated_at):
        errors["nominated_at"] = not_held
    elif nominated_at.local_start.date() > for_term_from:
        errors["for_term_from"] = (
            "The term must start after the meeting the nomination was made at."
        )
    if not member.is_ahg_member_on(for_term_from):
        errors["member"] = (
            f"{member} is not an Ad Hoc Group member on {roster.fmt(for_term_from)}, when the "
            "term would start; only Ad Hoc Group members may co-chair."
        )
    if errors:
        raise ValidationError(errors)
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


def _decided_in_time(nomination: Nomination, som: Meeting, starts_on: datetime.date) -> None:
    """Refuse a decision recorded at a meeting that cannot have taken it: not a SOM,
    cancelled, held before the nomination was made or after the term starts."""
    nominated = nomination.nominated_at
    som_day, nominated_on = som.local_start.date(), nominated.local_start.date()
    if som.kind != Meeting.Kind.SOM:
        message = f"The {som.title} is not an AHG Senior Officials Meeting; the SOM decides."
    elif som.status == Meeting.Status.CANCELLED:
        message = f"The {som.title} was cancelled; choose the SOM that decided."
    elif som_day < nominated_on:
        message = (
            f"The {som.title} of {roster.fmt(som_day)} was held before the nomination was made "
            f"(at the {nominated.title} of {roster.fmt(nominated_on)}); it is decided at a "
            "later SOM."
        )
    elif som_day > starts_on:
        message = (
            f"The {som.title} of {roster.fmt(som_day)} comes after the term would start "
            f"({roster.fmt(starts_on)}); a term is decided by its start."
        )
    else:
        return
    raise ValidationError({"decided_at": message})


@transaction.atomic
def nomination_decide(
    nomination: Nomination,
    *,
    decided_at: Meeting,
    seat: int,
    starts_on: datetime.date,
    planned_end_on: datetime.date,
) -> tuple[CoChairTerm, list[roster.Problem]]:
    """The SOM's decision: the nomination becomes a term; rival nominations are closed.

    The SOM is held on or after the nomination and by the term's start. A coming SOM not
    yet in the portal comes as an unsaved meeting and is added with the decision, or not
    at all when the decision is refused."""
    nomination = (
        Nomination.objects.select_for_update().select_related("nominated_at").get(pk=nomination.pk)
    )
    if nomination.outcome != Nomination.Outcome.PENDING:
        raise ValidationError(f"This nomination is already {nomination.get_outcome_display()}.")
    _check_dates(starts_on=starts_on, planned_end_on=planned_end_on)
    _decided_in_time(nomination, decided_at, starts_on)
    if decided_at.pk is None:
        meeting_services.meeting_save(decided_at)
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

"""Everything that changes the co-chair roster (terms, nominations and decisions) and
the group's decisions between meetings by silence procedure."""

import datetime
import logging
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from groups import roster, silence
from groups.models import (
    CoChairTerm,
    Member,
    Nomination,
    SilenceBreak,
    SilenceProcedure,
    TermsOfReference,
    WorkingGroup,
)
from meetings import services as meeting_services
from meetings.models import Meeting
from portal import dates, permissions, versions
from portal.notifications.services import notify

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


# --- Silence procedures ---------------------------------------------------------------
# The co-chairs decide between meetings by circulating a text, through the secretariat,
# with a deadline; a member's focal point may object before it; with no objection the
# text is adopted at the deadline by the beat and its effect applied.

logger = logging.getLogger(__name__)

# The object each subject is about, by the procedure's field; a text stands alone.
SILENCE_LINK_OF = {
    SilenceProcedure.Subject.WORK_PLAN_REVISION: "work_plan",
    SilenceProcedure.Subject.STATEMENT: "statement",
    SilenceProcedure.Subject.TERMS_OF_REFERENCE: "terms_of_reference",
    SilenceProcedure.Subject.NOMINATION: "nomination",
}
SILENCE_LINK_LABEL = {
    "work_plan": "work plan",
    "statement": "public statement",
    "terms_of_reference": "draft version of the Terms of Reference",
    "nomination": "nomination",
}


def _silence_link_error(group: WorkingGroup, field: str, linked) -> str | None:
    """Why the object cannot be decided on by silence procedure, if it cannot."""
    from reports.models import PublicStatement
    from workplans.models import WorkPlan

    if linked.group_id != group.pk:
        return f"It is not of {group.short_name}."
    if field == "work_plan" and linked.status == WorkPlan.Status.SUPERSEDED:
        return f"The {linked.title} is superseded; revise the plan that replaced it."
    if field == "statement" and linked.status == PublicStatement.Status.PUBLISHED:
        return f"“{linked.title}” is already published."
    if field == "terms_of_reference" and linked.status != TermsOfReference.Status.DRAFT:
        return f"Version {linked.version} is already endorsed; circulate a draft version."
    if field == "nomination" and linked.outcome != Nomination.Outcome.PENDING:
        return f"This nomination is already {linked.get_outcome_display().lower()}."
    return None


def _silence_link_check(group: WorkingGroup, subject: str, links: dict) -> dict[str, str]:
    """The errors of the object the procedure is about, beside their fields."""
    wanted = SILENCE_LINK_OF.get(subject)
    errors = {}
    for field, linked in links.items():
        if linked is not None and field != wanted:
            errors[field] = "Leave this empty: the subject chosen is about something else."
    if wanted is None:
        return errors
    linked = links.get(wanted)
    label = SILENCE_LINK_LABEL[wanted]
    if linked is None:
        errors[wanted] = f"Choose the {label} the text is about."
    elif reason := _silence_link_error(group, wanted, linked):
        errors[wanted] = reason
    elif SilenceProcedure.objects.filter(
        status=SilenceProcedure.Status.UNDER_SILENCE, **{wanted: linked}
    ).exists():
        errors[wanted] = (
            f"A silence procedure on this {label} is already running; withdraw it first."
        )
    return errors


def _silence_link(procedure: SilenceProcedure) -> str:
    return reverse("silence_procedure_detail", args=[procedure.group.slug, procedure.pk])


def _silence_notify(procedure: SilenceProcedure, what: str, *, with_secretariat=False) -> None:
    notify(
        permissions.silence_procedure_recipients(procedure, with_secretariat=with_secretariat),
        "silence_procedure",
        key=f"silence-{what}:{procedure.pk}",
        template=f"groups/email/silence_{what}",
        context={
            "procedure": procedure,
            "deadline_where_set": silence.fmt(procedure.deadline, procedure.deadline_time_zone),
            "breaks": list(procedure.breaks.select_related("member", "person")),
            "adopted_on": silence.adopted_on(procedure.deadline, procedure.deadline_time_zone),
        },
        link=_silence_link(procedure),
    )


@transaction.atomic
def silence_procedure_circulate(
    group: WorkingGroup,
    *,
    subject: str,
    title: str,
    text: str,
    deadline: datetime.datetime,
    deadline_time_zone: str,
    by,
    work_plan=None,
    statement=None,
    terms_of_reference=None,
    nomination=None,
) -> SilenceProcedure:
    """Circulate a text to the group's members under silence until the deadline, at
    least 72 hours away; tell everyone taking part in the group."""
    # One circulation at a time per group, so two officers cannot open two procedures on
    # the same object.
    group = WorkingGroup.objects.select_for_update().get(pk=group.pk)
    now = timezone.now()
    errors: dict[str, str] = {}
    if subject not in SilenceProcedure.Subject.values:
        errors["subject"] = "Choose what the text is about."
    if not title.strip():
        errors["title"] = "Give the procedure a title."
    if not text.strip():
        errors["text"] = "Enter the text circulated."
    if deadline_time_zone not in zoneinfo.available_timezones():
        errors["deadline_time_zone"] = "Choose a time zone from the list."
    elif timezone.is_naive(deadline):
        errors["deadline"] = "Give the deadline with its time zone."
    elif deadline < now + silence.MIN_NOTICE:
        earliest = silence.fmt(now + silence.MIN_NOTICE, deadline_time_zone)
        errors["deadline"] = (
            f"The deadline must be {silence.MIN_NOTICE_TEXT} after circulation: "
            f"{earliest} at the earliest."
        )
    links = {
        "work_plan": work_plan,
        "statement": statement,
        "terms_of_reference": terms_of_reference,
        "nomination": nomination,
    }
    if "subject" not in errors:
        errors |= _silence_link_check(group, subject, links)
    if errors:
        raise ValidationError(errors)
    procedure = SilenceProcedure(
        group=group,
        subject=subject,
        title=title.strip(),
        text=text.strip(),
        circulated_at=now,
        circulated_by=by,
        deadline=deadline,
        deadline_time_zone=deadline_time_zone,
        **links,
    )
    procedure.full_clean()
    procedure.save()
    _silence_notify(procedure, "opened")
    return procedure


def _locked_procedure(procedure: SilenceProcedure) -> SilenceProcedure:
    return SilenceProcedure.objects.select_for_update().select_related("group").get(pk=procedure.pk)


def _still_under_silence(procedure: SilenceProcedure) -> None:
    if not procedure.is_under_silence:
        raise ValidationError(
            f"This silence procedure is already concluded: "
            f"{procedure.get_status_display().lower()}."
        )


@transaction.atomic
def silence_break(procedure: SilenceProcedure, *, member: Member, by, reason: str) -> SilenceBreak:
    """A member's focal point objects before the deadline: silence is broken, the text
    goes back to the co-chairs, and everyone (the secretariat too) is told."""
    procedure = _locked_procedure(procedure)
    now = timezone.now()
    if now >= procedure.deadline:
        passed = silence.fmt(procedure.deadline, procedure.deadline_time_zone)
        raise ValidationError(f"The deadline passed at {passed}: silence can no longer be broken.")
    _still_under_silence(procedure)
    if member.pk not in permissions.silence_breaking_members(by, procedure):
        raise ValidationError(
            {"member": f"You are not the focal point of {member} in {procedure.group.short_name}."}
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for breaking silence."})
    if procedure.breaks.filter(member=member).exists():
        raise ValidationError({"member": f"{member} has already broken silence."})
    objection = SilenceBreak.objects.create(
        procedure=procedure, member=member, person=by, reason=reason.strip()
    )
    procedure.status = SilenceProcedure.Status.BROKEN
    procedure.concluded_at = now
    procedure.save()
    _silence_notify(procedure, "broken", with_secretariat=True)
    return objection


@transaction.atomic
def silence_procedure_withdraw(procedure: SilenceProcedure, *, by) -> SilenceProcedure:
    """The co-chairs, through the secretariat, take the text back before the deadline."""
    procedure = _locked_procedure(procedure)
    _still_under_silence(procedure)
    procedure.status = SilenceProcedure.Status.WITHDRAWN
    procedure.concluded_at = timezone.now()
    procedure.concluded_by = by
    procedure.save()
    _silence_notify(procedure, "concluded")
    return procedure


def _silence_adopt(procedure: SilenceProcedure) -> None:
    """Record the adoption as of the deadline, and apply its effect."""
    from reports.statements import statement_publish_by_silence
    from workplans import services as workplan_services

    day = silence.adopted_on(procedure.deadline, procedure.deadline_time_zone)
    if procedure.subject == SilenceProcedure.Subject.WORK_PLAN_REVISION:
        procedure.revision = workplan_services.revision_adopt(
            procedure.work_plan,
            label=silence.adoption_label(day),
            adopted_on=day,
            adopted_by=procedure.circulated_by,
        )
    elif procedure.subject == SilenceProcedure.Subject.STATEMENT:
        statement_publish_by_silence(
            procedure.statement, on=procedure.deadline, by=procedure.circulated_by
        )
    # A change to the Terms of Reference and a co-chair nomination are agreed by the
    # group; their endorsement stays with the SOM, so those rows do not change here.
    procedure.status = SilenceProcedure.Status.ADOPTED
    # Adopted at the deadline, whenever the beat came round to it.
    procedure.concluded_at = procedure.deadline
    # Beat adopts it, but the history names the person who circulated the text.
    procedure._history_user = procedure.circulated_by
    procedure.save()


def silence_procedures_conclude(now: datetime.datetime | None = None) -> int:
    """Adopt every procedure under silence whose deadline has come, each with its effect
    in its own transaction; the number adopted. Run twice, or by two workers at once, a
    procedure is adopted once."""
    now = now or timezone.now()
    due = list(
        SilenceProcedure.objects.filter(
            status=SilenceProcedure.Status.UNDER_SILENCE, deadline__lte=now
        )
        .order_by("deadline", "pk")
        .values_list("pk", flat=True)
    )
    adopted = 0
    for procedure_id in due:
        try:
            with transaction.atomic():
                procedure = (
                    SilenceProcedure.objects.select_for_update(skip_locked=True)
                    .filter(
                        pk=procedure_id,
                        status=SilenceProcedure.Status.UNDER_SILENCE,
                        deadline__lte=now,
                    )
                    .select_related("group")
                    .first()
                )
                if procedure is None:
                    continue  # concluded meanwhile, or being concluded by another run
                _silence_adopt(procedure)
                _silence_notify(procedure, "concluded")
        except ValidationError:
            # Its effect cannot be applied (a later revision already adopted, say): it
            # stays under silence, for the secretariat to see and withdraw; the others go on.
            logger.exception("Silence procedure %s could not be adopted", procedure_id)
            continue
        adopted += 1
    return adopted

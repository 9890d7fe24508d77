"""Everything that changes a meeting: planning, invitations, attendance and outcomes."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from groups.models import Member
from meetings.models import Attendance, Invitation, Meeting, Outcome
from portal import dates, links, permissions, versions
from portal.accounts.models import User
from portal.accounts.tasks import send_email
from reports import services as report_services

# A change to any of these is news to everyone who has answered an invitation.
LOGISTICS = ("starts_at", "ends_at", "time_zone", "venue", "city", "country")


def meeting_save(meeting: Meeting, *, version: int | None = None) -> int:
    """Save a new or changed meeting; when its dates or place change, answers return to
    pending and the invited are told. Returns how many invitations were reopened.
    A change read at `version` is refused when someone saved the meeting since."""
    _check_dates(meeting)
    meeting.full_clean()
    with transaction.atomic():
        before = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if before:
            versions.check_version(before, version, saving=meeting)
        if before and before.group_id != meeting.group_id:
            report_services.meeting_group_changing(meeting)
        meeting.save()
        if before is None or all(getattr(before, f) == getattr(meeting, f) for f in LOGISTICS):
            return 0
        answered = list(
            meeting.invitations.exclude(response=Invitation.Response.PENDING).select_related(
                "member", "person"
            )
        )
        for invitation in answered:
            invitation.response = Invitation.Response.PENDING
            invitation.responded_by = None
            invitation.responded_at = None
            invitation.save()
        _tell(meeting, answered, "meetings/email/meeting_changed")
    return len(answered)


def _check_dates(meeting: Meeting) -> None:
    """Refuse dates outside 1900-2100 in the meeting's own zone (a page could not show
    them), and "held" for a meeting that has not begun."""
    errors = {}
    try:
        zone = meeting.zone
    except (ValueError, OSError, zoneinfo.ZoneInfoNotFoundError):
        zone = None  # full_clean names the time zone's mistake; the dates as given here.
    for name in ("starts_at", "ends_at"):
        value = getattr(meeting, name)
        if value is None:
            continue
        try:
            local = value.astimezone(zone) if zone and timezone.is_aware(value) else value
        except OverflowError:  # beyond the calendar in that zone: out of range too
            local = None
        if local is None or not dates.in_range(local):
            errors[name] = dates.DATE_RANGE_MESSAGE
    if errors:
        raise ValidationError(errors)
    if (
        meeting.status == Meeting.Status.HELD
        and meeting.starts_at
        and meeting.starts_at > timezone.now()
    ):
        local = meeting.starts_at.astimezone(zone) if zone else meeting.starts_at
        raise ValidationError(
            {
                "status": "A meeting is held only once it has begun: this one starts on "
                f"{local:%-d %B %Y at %H:%M}. Mark it held from then on."
            }
        )


def _tell(meeting: Meeting, invitations: list[Invitation], template: str) -> None:
    """E-mail each invitation's readers who may see the meeting, after the transaction
    commits (who reads an invitation is decided in portal.permissions)."""
    audiences = permissions.invitation_audiences(meeting, invitations)
    addresses = {
        person.email for audience in audiences.values() for person in audience.told if person.email
    }
    page = links.absolute(reverse("meeting_detail", args=[meeting.pk]))
    context = {"meeting": meeting, "page": page}
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    for address in sorted(addresses):
        send_email.delay_on_commit(subject, body, address)


@transaction.atomic
def invitations_send(
    meeting: Meeting, *, members: list[Member] = (), persons: list[User] = ()
) -> list[Invitation]:
    """Invite members (their focal points answer) and persons; observers are marked.

    A person who may not see the meeting is refused with the reason; a member is invited
    whoever of its focal points may see it, and only those are told.
    """
    refused = [
        reason
        for person in persons
        if (reason := permissions.invitation_refusal(person, meeting)) is not None
    ]
    if refused:
        raise ValidationError({"persons": [f"{reason}." for reason in refused]})
    created = []
    for member in members:
        invitation, new = Invitation.objects.get_or_create(
            meeting=meeting,
            member=member,
            person=None,
            defaults={"as_observer": member.is_observer},
        )
        if new:
            created.append(invitation)
    for person in persons:
        as_observer = bool(person.affiliation_id and person.affiliation.is_observer)
        invitation, new = Invitation.objects.get_or_create(
            meeting=meeting, member=None, person=person, defaults={"as_observer": as_observer}
        )
        if new:
            created.append(invitation)
    _tell(meeting, created, "meetings/email/invitation")
    return created


def invitation_answer(invitation: Invitation, response: str, by: User) -> Invitation:
    """Record an answer to an invitation."""
    if response not in (Invitation.Response.ACCEPTED, Invitation.Response.DECLINED):
        raise ValidationError({"response": "Answer that you will attend or will not attend."})
    barrier = permissions.meeting_barrier(by, invitation.meeting)
    if barrier is not None:
        # A clearance that lapsed ends the invitation it opened.
        raise ValidationError(f"{barrier}: the invitation can no longer be answered.")
    if invitation.meeting.status in (Meeting.Status.HELD, Meeting.Status.CANCELLED):
        raise ValidationError(
            f"The meeting is {invitation.meeting.get_status_display().lower()}: "
            "invitations can no longer be answered."
        )
    invitation.response = response
    invitation.responded_by = by
    invitation.responded_at = timezone.now()
    invitation.save()
    return invitation


@transaction.atomic
def attendance_record(meeting: Meeting, invitations: list[Invitation]) -> list[Attendance]:
    """Record who attended, from the invitations; replaces the earlier record of the
    invited, and keeps the walk-ins (recorded with no invitation)."""
    if meeting.starts_at > timezone.now():
        raise ValidationError("Attendance is recorded once the meeting has started.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting has no attendance.")
    invited = meeting.invitations.all()
    meeting.attendance.filter(
        Q(person__in=invited.exclude(person=None).values("person"))
        | Q(person=None, member__in=invited.exclude(member=None).values("member"))
    ).delete()
    rows = [
        Attendance.objects.create(
            meeting=meeting,
            member=invitation.member or invitation.person.affiliation,
            person=invitation.person,
            as_observer=invitation.as_observer,
        )
        for invitation in invitations
        if invitation.member_id or (invitation.person and invitation.person.affiliation_id)
    ]
    if meeting.status != Meeting.Status.HELD:
        meeting.status = Meeting.Status.HELD
        meeting.save()
    return rows


@transaction.atomic
def outcome_add(meeting: Meeting, *, kind: str, text: str) -> Outcome:
    """Add the next numbered outcome of a meeting, unless its co-chairs have approved them."""
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    report_services.outcomes_changing(meeting)
    last = meeting.outcomes.aggregate(n=Max("number"))["n"] or 0
    outcome = Outcome(meeting=meeting, number=last + 1, kind=kind, text=text.strip())
    outcome.full_clean()
    outcome.save()
    return outcome


@transaction.atomic
def outcome_edit(outcome: Outcome, *, kind: str, text: str) -> Outcome:
    """Reword an outcome or change its kind (not its number), unless its co-chairs have
    approved the meeting's outcomes."""
    meeting = Meeting.objects.select_for_update().get(pk=outcome.meeting_id)
    report_services.outcomes_changing(meeting)
    outcome.kind, outcome.text = kind, text.strip()
    outcome.full_clean(validate_unique=False, validate_constraints=False)
    # Only these two: the number may have moved since this copy was read.
    outcome.save(update_fields=["kind", "text"])
    return outcome


@transaction.atomic
def outcome_delete(outcome: Outcome) -> None:
    """Remove an outcome; the ones after it move up so the numbers stay 1..n."""
    meeting = Meeting.objects.select_for_update().get(pk=outcome.meeting_id)
    report_services.outcomes_changing(meeting)
    outcome.delete()
    for number, later in enumerate(meeting.outcomes.order_by("number"), start=1):
        if later.number != number:
            later.number = number
            later.save()


@transaction.atomic
def attendance_add(
    meeting: Meeting, *, member: Member, person: User | None = None, as_observer=False, by
) -> Attendance:
    """Record one attendance directly, with no invitation (a walk-in): a member's
    delegation, or a person of that member (their affiliation)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.starts_at > timezone.now():
        raise ValidationError("Attendance is recorded once the meeting has started.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting has no attendance.")
    if person is not None:
        if person.affiliation_id != member.pk:
            raise ValidationError(
                {"person": f"{person} is not of {member.display_name}: choose their own member."}
            )
        if (reason := permissions.invitation_refusal(person, meeting)) is not None:
            raise ValidationError({"person": f"{reason}."})
        if meeting.attendance.filter(person=person).exists():
            raise ValidationError({"person": f"{person} is already recorded as attending."})
    elif meeting.attendance.filter(member=member, person__isnull=True).exists():
        raise ValidationError(
            {"member": f"{member.display_name} is already recorded as attending."}
        )
    attendance = Attendance(meeting=meeting, member=member, person=person, as_observer=as_observer)
    attendance._history_user = by
    attendance.save()
    # As when attendance is recorded from the invitations: someone attended, so it was held.
    if meeting.status != Meeting.Status.HELD:
        meeting.status = Meeting.Status.HELD
        meeting.save()
    return attendance


@transaction.atomic
def attendance_remove(attendance: Attendance, *, by) -> None:
    """Remove an attendance recorded by mistake; its history keeps what it was."""
    attendance._history_user = by
    attendance.delete()

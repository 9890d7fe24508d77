"""Everything that changes a meeting: planning, invitations, attendance and outcomes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from groups.models import Member, Participation
from groups.selectors import current_participations
from meetings.models import Attendance, Invitation, Meeting, Outcome
from portal import links
from portal.accounts.models import User
from portal.accounts.tasks import send_email
from reports import services as report_services

# A change to any of these is news to everyone who has answered an invitation.
LOGISTICS = ("starts_at", "ends_at", "time_zone", "venue", "city", "country")


def meeting_save(meeting: Meeting) -> int:
    """Save a new or changed meeting; when its dates or place change, answers return to
    pending and the invited are told. Returns how many invitations were reopened."""
    meeting.full_clean()
    with transaction.atomic():
        before = Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
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


def _recipients(invitation: Invitation) -> list[User]:
    """Who reads an invitation: the person invited, or the member's focal points."""
    if invitation.person_id:
        return [invitation.person]
    focal_points = current_participations().filter(
        member=invitation.member_id, role=Participation.Role.FOCAL_POINT
    )
    if invitation.meeting.group_id:
        focal_points = focal_points.filter(group=invitation.meeting.group_id)
    return [p.person for p in focal_points.select_related("person")]


def _tell(meeting: Meeting, invitations: list[Invitation], template: str) -> None:
    """E-mail each invitation's readers, after the transaction commits."""
    addresses = {
        person.email
        for invitation in invitations
        for person in _recipients(invitation)
        if person.email and person.is_active
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
    """Invite members (their focal points answer) and persons; observers are marked."""
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
    """Record who attended, from the invitations; replaces the earlier record."""
    if meeting.starts_at > timezone.now():
        raise ValidationError("Attendance is recorded once the meeting has started.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting has no attendance.")
    meeting.attendance.all().delete()
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
def outcome_delete(outcome: Outcome) -> None:
    """Remove an outcome; the ones after it move up so the numbers stay 1..n."""
    meeting = Meeting.objects.select_for_update().get(pk=outcome.meeting_id)
    report_services.outcomes_changing(meeting)
    outcome.delete()
    for number, later in enumerate(meeting.outcomes.order_by("number"), start=1):
        if later.number != number:
            later.number = number
            later.save()

"""Everything that changes a meeting: planning, invitations, attendance and outcomes."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from groups.models import Member
from meetings.models import Attendance, Invitation, InvitationReminder, Meeting, Outcome
from portal import dates, permissions, versions
from portal.accounts.models import User
from portal.notifications.models import Notification
from portal.notifications.services import notify
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
        # The answer reopens; the note and the named delegation stay, for the focal
        # point to confirm or change.
        for invitation in answered:
            invitation.response = Invitation.Response.PENDING
            invitation.responded_by = None
            invitation.responded_at = None
            invitation.save()
        _tell(
            meeting,
            answered,
            "meetings/email/meeting_changed",
            occasion=timezone.now().isoformat(),
        )
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


# What each e-mail of an invitation tells, by its template: the kind of notification, and
# the first word of its key.
_TOLD = {
    "meetings/email/invitation": (Notification.Kind.INVITATION, "invitation"),
    "meetings/email/reminder": (Notification.Kind.INVITATION, "reminder"),
    "meetings/email/meeting_changed": (Notification.Kind.MEETING_CHANGED, "meeting-changed"),
}


def _tell(
    meeting: Meeting,
    invitations: list[Invitation],
    template: str,
    *,
    audiences=None,
    occasion: str = "",
) -> None:
    """Tell each invitation's readers who may see the meeting, in the portal and by e-mail
    after the commit (who reads an invitation is decided in portal.permissions); one
    notification to a person, however many of the invitations they read. `occasion` (a
    day, a moment) tells one reminder or change of the same invitations from the next."""
    if audiences is None:
        audiences = permissions.invitation_audiences(meeting, invitations)
    kind, name = _TOLD[template]
    people: dict[int, User] = {}
    first_read: dict[int, int] = {}
    for invitation in sorted(invitations, key=lambda i: i.pk):
        for person in audiences[invitation.pk].told:
            people.setdefault(person.pk, person)
            first_read.setdefault(person.pk, invitation.pk)
    # A person is told once per invitation they read first in this sending.
    by_key: dict[str, list[User]] = {}
    for pk, person in people.items():
        key = ":".join(str(part) for part in (name, meeting.pk, first_read[pk], occasion) if part)
        by_key.setdefault(key, []).append(person)
    context = {"meeting": meeting, "answers_by": answers_wanted_by(meeting)}
    link = reverse("meeting_detail", args=[meeting.pk])
    for key, told in sorted(by_key.items()):
        notify(told, kind, key=key, template=template, context=context, link=link)


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


NOTE_MAX_LENGTH = 1000
ANSWERS = (Invitation.Response.ACCEPTED, Invitation.Response.ONLINE, Invitation.Response.DECLINED)


def invitation_answer(
    invitation: Invitation,
    response: str,
    by: User,
    *,
    note: str = "",
    delegates=(),
    version: int | None = None,
) -> Invitation:
    """Record an answer to an invitation: in person, online or not attending, with a note;
    for a member's invitation, the people its focal point names to attend (declining
    names nobody). An answer read at `version` is refused when the invitation was
    answered or reopened since."""
    if response not in ANSWERS:
        raise ValidationError(
            {"response": "Answer that you will attend in person, attend online or not attend."}
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Keep the note to {NOTE_MAX_LENGTH} characters (it has {len(note)})."}
        )
    barrier = permissions.meeting_barrier(by, invitation.meeting)
    if barrier is not None:
        # A clearance that lapsed ends the invitation it opened.
        raise ValidationError(f"{barrier}: the invitation can no longer be answered.")
    if invitation.meeting.is_closed:
        raise ValidationError(
            f"The meeting is {invitation.meeting.get_status_display().lower()}: "
            "invitations can no longer be answered."
        )
    delegates = [] if response == Invitation.Response.DECLINED else list(delegates)
    for_member = bool(invitation.member_id and not invitation.person_id)
    if delegates and not for_member:
        raise ValidationError({"delegates": "Only a member's invitation names who will attend."})
    if delegates:
        allowed = set(
            permissions.delegate_choices(invitation)
            .filter(pk__in=[person.pk for person in delegates])
            .values_list("pk", flat=True)
        )
        refused = [person for person in delegates if person.pk not in allowed]
        if refused:
            raise ValidationError(
                {
                    "delegates": [
                        f"{person} cannot attend for {invitation.member.display_name}: "
                        "name people of the member who may see the meeting."
                        for person in refused
                    ]
                }
            )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        versions.check_version(
            locked,
            version,
            fields=["response", "note"],
            labels={"response": "Answer", "note": "Note"},
            what="answer",
            saving={"response": response, "note": note},
        )
        invitation.response = response
        invitation.note = note
        invitation.responded_by = by
        invitation.responded_at = timezone.now()
        invitation._history_user = by
        invitation.save()
        if for_member:
            invitation.delegates.set(delegates)
    return invitation


def invitations_send_to_group(meeting: Meeting, *, by: User) -> list[Invitation]:
    """Invite the meeting's working group in one step: each person taking part in it and
    each member they take part for, as ``permissions.group_invitees`` lists them, less
    the ones already invited and the ones nobody would be told of. A second press
    creates nothing new."""
    if meeting.group_id is None:
        raise ValidationError(
            "Only a working group's meeting invites its group in one step: invite the "
            "participants of a Bali Process body's meeting case by case."
        )
    if meeting.is_closed:
        raise ValidationError(
            f"The meeting is {meeting.get_status_display().lower()}: nobody more is invited."
        )
    created = []
    with transaction.atomic():
        # Two presses at once wait for each other here, and the second finds all invited.
        list(Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk"))
        for invitee in permissions.group_invitees(meeting):
            if invitee.already_invited or invitee.skipped:
                continue
            invitation, new = Invitation.objects.get_or_create(
                meeting=meeting,
                member=None if invitee.person else invitee.member,
                person=invitee.person,
                defaults={"as_observer": invitee.as_observer},
            )
            if new:
                created.append(invitation)
        _tell(meeting, created, "meetings/email/invitation")
    return created


# --- Reminders of unanswered invitations ---------------------------------------------------


def answers_wanted_by(meeting: Meeting) -> datetime.date:
    """The day answers are wanted by: the date set, else the meeting's first day."""
    return meeting.answers_by or meeting.local_start.date()


def reminder_dates(meeting: Meeting) -> list[datetime.date]:
    """The days reminders go out, counted back from ``answers_wanted_by``, earliest first."""
    anchor = answers_wanted_by(meeting)
    return sorted({anchor - datetime.timedelta(days=n) for n in settings.INVITATION_REMINDER_DAYS})


def _awaiting(meeting: Meeting):
    return meeting.invitations.filter(response=Invitation.Response.PENDING).select_related(
        "member", "person"
    )


def remindable(meeting: Meeting, *, today: datetime.date | None = None, since=None):
    """The unanswered invitations that a reminder would reach (someone who may see the
    meeting is told of it), not reminded on or after ``since`` (today by default); with
    their audiences."""
    today = today or timezone.localdate()
    invitations = list(
        _awaiting(meeting).exclude(reminders__sent_on__gte=since or today).order_by("pk")
    )
    audiences = permissions.invitation_audiences(meeting, invitations)
    reached = [i for i in invitations if any(p.email for p in audiences[i.pk].told)]
    return reached, audiences


def can_remind(meeting: Meeting) -> bool:
    """Reminders go out for a planned or confirmed meeting that has not begun."""
    return (
        meeting.status in (Meeting.Status.PLANNED, Meeting.Status.CONFIRMED)
        and meeting.starts_at > timezone.now()
    )


def _remind(meeting, invitations, audiences, *, today, by) -> list[Invitation]:
    """Record a reminder of each invitation for today and e-mail its readers; one that is
    already recorded for today (a run at the same moment) is left to that run."""
    reminded = []
    with transaction.atomic():
        for invitation in invitations:
            try:
                with transaction.atomic():
                    InvitationReminder.objects.create(
                        invitation=invitation, sent_on=today, sent_by=by
                    )
            except IntegrityError:
                continue
            reminded.append(invitation)
        _tell(
            meeting,
            reminded,
            "meetings/email/reminder",
            audiences=audiences,
            occasion=today.isoformat(),
        )
    return reminded


def reminders_send(today: datetime.date | None = None) -> int:
    """The daily reminders: for each planned or confirmed meeting still to begin whose
    reminder day is today, e-mail the readers of every invitation still awaiting an
    answer. A reminder day missed (no run that day) is made up by the first run after it,
    unless a reminder went out since; each invitation is reminded once per reminder day,
    however often this runs. Returns how many invitations were reminded."""
    today = today or timezone.localdate()
    meetings = (
        Meeting.objects.filter(
            status__in=[Meeting.Status.PLANNED, Meeting.Status.CONFIRMED],
            starts_at__gt=timezone.now(),
            invitations__response=Invitation.Response.PENDING,
        )
        .distinct()
        .select_related("group")
    )
    count = 0
    for meeting in meetings:
        due = [day for day in reminder_dates(meeting) if day <= today]
        if not due or today > answers_wanted_by(meeting):
            continue
        invitations, audiences = remindable(meeting, today=today, since=due[-1])
        count += len(_remind(meeting, invitations, audiences, today=today, by=None))
    return count


def remind_now(meeting: Meeting, *, by: User) -> int:
    """Remind every invitation still awaiting an answer that was not reminded today;
    returns how many."""
    if not can_remind(meeting):
        raise ValidationError("Reminders go out only before a planned or confirmed meeting begins.")
    today = timezone.localdate()
    invitations, audiences = remindable(meeting, today=today)
    return len(_remind(meeting, invitations, audiences, today=today, by=by))


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


def attendance_from_answers_planned(meeting: Meeting) -> list[Attendance]:
    """The attendance the answers give that is not yet recorded (unsaved rows): each person
    who answered they attend, of their member; each delegate a focal point named, or the
    member's delegation when nobody was named; online when so answered."""
    invitations = (
        meeting.invitations.filter(
            response__in=[Invitation.Response.ACCEPTED, Invitation.Response.ONLINE]
        )
        .select_related("member", "person__affiliation")
        .prefetch_related("delegates")
        # People first, then members: a person both invited and named is recorded once.
        .order_by(F("member").asc(nulls_first=True), "pk")
    )
    recorded = list(meeting.attendance.values_list("member_id", "person_id"))
    people = {person for _, person in recorded if person}
    delegations = {member for member, person in recorded if person is None}
    rows = []
    for invitation in invitations:
        online = invitation.response == Invitation.Response.ONLINE
        if invitation.person_id:
            if invitation.person.affiliation_id is None:
                continue  # a guest of no member: the list of participants is by member
            attending = [(invitation.person.affiliation, invitation.person)]
        else:
            attending = [(invitation.member, p) for p in invitation.delegates.all()]
            attending = attending or [(invitation.member, None)]
        for member, person in attending:
            if (person and person.pk in people) or (not person and member.pk in delegations):
                continue
            if person:
                people.add(person.pk)
            else:
                delegations.add(member.pk)
            rows.append(
                Attendance(
                    meeting=meeting,
                    member=member,
                    person=person,
                    as_observer=invitation.as_observer,
                    online=online,
                )
            )
    return rows


@transaction.atomic
def attendance_from_answers(meeting: Meeting, *, by: User) -> list[Attendance]:
    """Record the attendance the answers give, in one step; what is already recorded (the
    walk-ins among it) stays, so a second press adds nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.starts_at > timezone.now():
        raise ValidationError("Attendance is recorded once the meeting has started.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("A cancelled meeting has no attendance.")
    rows = attendance_from_answers_planned(meeting)
    for row in rows:
        row._history_user = by
        row.save()
    if rows and meeting.status != Meeting.Status.HELD:
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

"""Who may see, change and approve what: the one place for the portal's access rules.

A person's rights come from their participation in a group (the secretariat aside):
- secretariat staff see and change everything;
- a member's expert or focal point sees the groups they currently take part in;
- the focal point of a member that holds a current co-chair term is that group's co-chair;
- observers and guests see only the meetings they are invited to, not the group itself;
- a group that requires a security clearance is invisible without a valid clearance.

Views get objects only through the ``get_*_for_user`` helpers, which answer 404 both
when an object is missing and when it is hidden, so nothing reveals what exists.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from groups.models import (
    CoChairTerm,
    Member,
    Nomination,
    Participation,
    TermsOfReference,
    WorkingGroup,
)
from groups.selectors import current_co_chair_terms, current_participations
from meetings.models import Document, Invitation, Meeting
from reports.models import APPROVED_STATUSES as REPORT_APPROVED_STATUSES
from workplans.models import Action, WorkPlan

# Participation roles that make a person part of the group (observers and guests do not).
GROUP_ROLES = (Participation.Role.EXPERT, Participation.Role.FOCAL_POINT)


class Role:
    """A person's standing in one group, strongest first."""

    SECRETARIAT = "secretariat"
    CO_CHAIR = "co_chair"
    MEMBER = "member"

    LABELS = {SECRETARIAT: "Secretariat", CO_CHAIR: "Co-chair", MEMBER: "Member"}


def is_secretariat(user) -> bool:
    """Secretariat staff: the one global role."""
    return bool(user.is_authenticated and user.is_active and user.is_secretariat)


def visible_groups(user) -> QuerySet[WorkingGroup]:
    """The working groups this person may see."""
    groups = WorkingGroup.objects.all()
    if not (user.is_authenticated and user.is_active):
        return groups.none()
    if is_secretariat(user):
        return groups
    takes_part = current_participations().filter(
        person=user, role__in=GROUP_ROLES, group=OuterRef("pk")
    )
    groups = groups.filter(Exists(takes_part))
    if not user.has_valid_clearance():
        groups = groups.filter(clearance_required=False)
    return groups


def visible_members(user) -> QuerySet[Member]:
    """The members and observers this person may see: all of them, once signed in."""
    if not (user.is_authenticated and user.is_active):
        return Member.objects.none()
    return Member.objects.all()


def role_in_group(user, group: WorkingGroup) -> str | None:
    """The person's strongest role in the group, or None when they may not see it."""
    if is_secretariat(user):
        return Role.SECRETARIAT
    if not visible_groups(user).filter(pk=group.pk).exists():
        return None
    if _is_co_chair(user, group):
        return Role.CO_CHAIR
    return Role.MEMBER


def _is_co_chair(user, group: WorkingGroup) -> bool:
    holds_term = current_co_chair_terms().filter(group=group, member=OuterRef("member"))
    return (
        current_participations()
        .filter(person=user, group=group, role=Participation.Role.FOCAL_POINT)
        .filter(Exists(holds_term))
        .exists()
    )


def can_view_group(user, group: WorkingGroup) -> bool:
    return role_in_group(user, group) is not None


def can_change_group(user, group: WorkingGroup) -> bool:
    """Only the secretariat edits a group: its Terms of Reference, participants and roster."""
    return is_secretariat(user)


def can_approve_for_group(user, group: WorkingGroup) -> bool:
    """Approvals (reports, outcome records) belong to the group's serving co-chairs."""
    return not is_secretariat(user) and role_in_group(user, group) == Role.CO_CHAIR


def get_group_for_user(user, slug: str, *, to_change: bool = False) -> WorkingGroup:
    """The group, or 404 when it does not exist, is hidden, or (to change) is not theirs to edit.

    A person who may read but not change gets 404 on change pages too: a form they cannot
    use is as good as missing.
    """
    try:
        group = visible_groups(user).get(slug=slug)
    except WorkingGroup.DoesNotExist:
        raise Http404("No such working group") from None
    if to_change and not can_change_group(user, group):
        raise Http404("No such page")
    return group


def get_term_for_user(user, slug: str, term_id: int, *, to_change: bool = False) -> CoChairTerm:
    """A co-chair term of a visible group, or 404."""
    group = get_group_for_user(user, slug, to_change=to_change)
    try:
        term = group.co_chair_terms.get(pk=term_id)
    except CoChairTerm.DoesNotExist:
        raise Http404("No such term") from None
    term.group = group
    return term


def get_nomination_for_user(
    user, slug: str, nomination_id: int, *, to_change: bool = False
) -> Nomination:
    """A nomination in a visible group, or 404."""
    group = get_group_for_user(user, slug, to_change=to_change)
    try:
        nomination = group.nominations.select_related("member", "nominated_at").get(
            pk=nomination_id
        )
    except Nomination.DoesNotExist:
        raise Http404("No such nomination") from None
    nomination.group = group
    return nomination


def get_member_for_user(user, slug: str) -> Member:
    """The member, or 404."""
    try:
        return visible_members(user).get(slug=slug)
    except Member.DoesNotExist:
        raise Http404("No such member") from None


def get_terms_of_reference_for_user(user, group_slug: str, version: int) -> TermsOfReference:
    """One version of a visible group's Terms of Reference, or 404."""
    group = get_group_for_user(user, group_slug)
    try:
        tor = group.terms_of_reference.select_related("endorsed_at").get(version=version)
    except TermsOfReference.DoesNotExist:
        raise Http404("No such version") from None
    tor.group = group
    return tor


# --- Meetings -------------------------------------------------------------------------


def _invited(user, prefix: str = "") -> Q:
    """Invitations of the person, or of the member they work for (``prefix`` reaches them
    from another model, e.g. ``invitations__`` from a meeting)."""
    invited = Q(**{f"{prefix}person": user})
    if user.affiliation_id:
        invited |= Q(**{f"{prefix}member": user.affiliation_id})
    return invited


def _is_member_of_some_group(user) -> bool:
    return current_participations().filter(person=user, role__in=GROUP_ROLES).exists()


def visible_meetings(user) -> QuerySet[Meeting]:
    """The meetings this person may see.

    Secretariat: all. Others: the meetings of the groups they see; meetings of Bali
    Process bodies once they take part in any group; and any meeting they (or their
    member) are invited to — the only ones an observer sees. A meeting of a clearance
    group stays hidden without a valid clearance, invitation or not.
    """
    meetings = Meeting.objects.all()
    if not (user.is_authenticated and user.is_active):
        return meetings.none()
    if is_secretariat(user):
        return meetings
    allowed = Q(group__in=visible_groups(user)) | _invited(user, "invitations__")
    if _is_member_of_some_group(user):
        allowed |= Q(group__isnull=True)
    ids = meetings.filter(allowed).values("pk")
    meetings = Meeting.objects.filter(pk__in=ids)
    if not user.has_valid_clearance():
        meetings = meetings.exclude(group__clearance_required=True)
    return meetings


def get_meeting_for_user(user, meeting_id: int, *, to_change: bool = False) -> Meeting:
    """The meeting, or 404 when it does not exist, is hidden, or is not theirs to change."""
    try:
        meeting = (
            visible_meetings(user).select_related("group", "outcome_record").get(pk=meeting_id)
        )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting") from None
    if to_change and not can_change_meeting(user, meeting):
        raise Http404("No such page")
    return meeting


def can_plan_meetings(user) -> bool:
    """The secretariat plans meetings, builds agendas, invites and records attendance."""
    return is_secretariat(user)


def can_change_meeting(user, meeting: Meeting) -> bool:
    return can_plan_meetings(user)


def can_see_agenda(user, meeting: Meeting) -> bool:
    return meeting_access(user, meeting).sees_agenda


def takes_part_in_meeting(user, meeting: Meeting) -> bool:
    """Invited to the meeting, directly or through their member, or recorded as attending."""
    if not (user.is_authenticated and user.is_active):
        return False
    invited = meeting.invitations.filter(_invited(user)).exists()
    return invited or meeting.attendance.filter(person=user).exists()


def can_answer_invitation(user, invitation: Invitation) -> bool:
    """A person answers their own invitation; a member's focal point answers the member's."""
    if is_secretariat(user) or (invitation.person_id and invitation.person_id == user.pk):
        return True
    if not invitation.member_id or invitation.member_id != user.affiliation_id:
        return False
    meeting = invitation.meeting
    focal_points = current_participations().filter(
        person=user, member=invitation.member_id, role=Participation.Role.FOCAL_POINT
    )
    if meeting.group_id:
        focal_points = focal_points.filter(group=meeting.group_id)
    return focal_points.exists()


def readable_access_levels(user, meeting: Meeting) -> frozenset[str]:
    """The access levels of a meeting's documents this person may open."""
    return meeting_access(user, meeting).readable_levels


def can_read_document(user, document: Document) -> bool:
    return document.access in readable_access_levels(user, document.meeting)


def get_document_for_user(user, meeting_id: int, document_id: int) -> Document:
    """A document the person may read, of a meeting they may see, or 404."""
    meeting = get_meeting_for_user(user, meeting_id)
    try:
        document = meeting.documents.get(pk=document_id)
    except Document.DoesNotExist:
        raise Http404("No such document") from None
    document.meeting = meeting
    if not can_read_document(user, document):
        raise Http404("No such document")
    return document


@dataclass(frozen=True)
class MeetingAccess:
    """What one person may do with one meeting, worked out once per page."""

    can_change: bool
    sees_agenda: bool
    sees_attendance: bool
    sees_outcomes: bool
    readable_levels: frozenset[str]


def meeting_access(user, meeting: Meeting) -> MeetingAccess:
    """Everything the meeting page needs to know about this person, in a few queries."""
    levels = Document.Access
    if is_secretariat(user):
        return MeetingAccess(True, True, True, True, frozenset(levels.values))
    takes_part = takes_part_in_meeting(user, meeting)
    role = role_in_group(user, meeting.group) if meeting.group_id else None
    readable = {levels.PUBLIC}
    if takes_part or role is not None:
        readable.add(levels.PARTICIPANTS)
        if user.has_valid_clearance():
            readable.add(levels.CLEARED)
    return MeetingAccess(
        can_change=False,
        # Members read a published agenda; the co-chairs also see the draft.
        sees_agenda=meeting.agenda_is_published or role == Role.CO_CHAIR,
        # Who attends is for the meeting's participants (and the secretariat) only.
        sees_attendance=takes_part,
        sees_outcomes=role == Role.CO_CHAIR or outcomes_published(meeting),
        readable_levels=frozenset(readable),
    )


def outcomes_published(meeting: Meeting) -> bool:
    """Whether everyone who sees the meeting reads its outcomes (see below)."""
    if meeting.group_id is None:
        return True
    record = getattr(meeting, "outcome_record", None)
    return record is not None and record.is_approved


def outcome_visible_meetings(user) -> QuerySet[Meeting]:
    """The meetings whose outcomes this person may read (``meeting_access`` answers the
    same for one meeting).

    A working group's members read a meeting's outcomes once its co-chairs have approved
    the outcome record; until then only the secretariat and the group's co-chairs do. The
    outcomes of a Bali Process body's meeting are that body's published statement and are
    read as recorded.
    """
    meetings = visible_meetings(user)
    if is_secretariat(user):
        return meetings
    chairs = current_co_chair_terms().filter(
        member__in=current_participations()
        .filter(person=user, role=Participation.Role.FOCAL_POINT)
        .values("member")
    )
    return meetings.filter(
        Q(group__isnull=True)
        | Q(outcome_record__status__in=REPORT_APPROVED_STATUSES)
        | Q(group__in=chairs.values("group"))
    )


# --- Work plans -----------------------------------------------------------------------


def visible_work_plans(user) -> QuerySet[WorkPlan]:
    """Adopted and superseded plans of the groups a person sees; drafts for the secretariat
    and the group's co-chairs."""
    plans = WorkPlan.objects.filter(group__in=visible_groups(user))
    if is_secretariat(user):
        return plans
    chaired = [g.pk for g in visible_groups(user) if role_in_group(user, g) == Role.CO_CHAIR]
    return plans.exclude(status=WorkPlan.Status.DRAFT) | plans.filter(group__in=chaired)


def can_change_work_plan(user, plan: WorkPlan) -> bool:
    """The secretariat edits every plan: actions, statuses, revisions, imports."""
    return is_secretariat(user)


def get_work_plan_for_user(
    user, group_slug: str, plan_slug: str, *, to_change: bool = False
) -> WorkPlan:
    """A work plan, or 404 when missing, hidden, or not theirs to change."""
    try:
        plan = (
            visible_work_plans(user)
            .select_related("group")
            .get(group__slug=group_slug, slug=plan_slug)
        )
    except WorkPlan.DoesNotExist:
        raise Http404("No such work plan") from None
    if to_change and not can_change_work_plan(user, plan):
        raise Http404("No such page")
    return plan


def get_action_for_user(user, group_slug: str, plan_slug: str, number: int) -> Action:
    """An action of a visible work plan, or 404."""
    plan = get_work_plan_for_user(user, group_slug, plan_slug)
    try:
        action = plan.actions.get(number=number)
    except Action.DoesNotExist:
        raise Http404("No such action") from None
    action.plan = plan
    return action


def can_post_update(user, action: Action) -> bool:
    """The secretariat, or a participant of the group for a member that leads or funds it."""
    if is_secretariat(user):
        return True
    if not user.is_authenticated or not user.affiliation_id:
        return False
    member = user.affiliation_id
    involved = action.lead_members.filter(pk=member).exists() or (
        action.funding_members.filter(pk=member).exists()
    )
    return (
        involved
        and (
            current_participations()
            .filter(person=user, group=action.plan.group_id, member=member, role__in=GROUP_ROLES)
            .exists()
        )
        and can_view_group(user, action.plan.group)
    )


# --- Reports --------------------------------------------------------------------------


def _focal_point_members(user, group: WorkingGroup) -> QuerySet:
    """The members this person currently speaks for in the group as focal point."""
    return current_participations().filter(
        person=user, group=group, role=Participation.Role.FOCAL_POINT
    )


def report_approver_member(user, report) -> Member | None:
    """The approver member this person decides for, or None.

    The co-chairs who approve are fixed at submission (``report.approvers``): the focal
    point of such a member decides for it even if its term has since ended.
    """
    if is_secretariat(user) or not can_view_group(user, report.group):
        return None
    ids = _focal_point_members(user, report.group).values("member")
    return report.approvers.filter(pk__in=ids).first()


def visible_reports(user, group: WorkingGroup) -> QuerySet:
    """The secretariat sees every report; co-chairs and approvers those submitted;
    members those approved."""
    from reports.models import Report

    reports = Report.objects.filter(group=group)
    role = role_in_group(user, group)
    if role is None:
        return reports.none()
    if role == Role.SECRETARIAT:
        return reports
    # A report the co-chairs have approved is readable by the whole group.
    approved = Q(status__in=REPORT_APPROVED_STATUSES)
    speaks_for = _focal_point_members(user, group).values("member")
    submitted = ~Q(status="draft") & (Q(approvers__in=speaks_for) if role != Role.CO_CHAIR else Q())
    ids = reports.filter(approved | submitted).values("pk")
    return Report.objects.filter(pk__in=ids)


def can_open_report(user, report) -> bool:
    return visible_reports(user, report.group).filter(pk=report.pk).exists()


def can_change_report(user, report) -> bool:
    """The secretariat drafts, edits, submits and renders reports."""
    return is_secretariat(user)


def get_report_for_user(
    user,
    slug: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    *,
    meeting_id: int | None = None,
    to_change: bool = False,
):
    """A report of a visible group, by group, kind and year, or the outcome record of a
    visible meeting; 404 when missing, hidden or not theirs to change."""
    from reports.models import Report

    if meeting_id is not None:
        meeting = get_meeting_for_user(user, meeting_id)
        group = meeting.group
        if group is None or not can_view_group(user, group):
            raise Http404("No such report")
        where = {"meeting": meeting}
    else:
        group = get_group_for_user(user, slug)
        where = {"kind": kind, "year": year, "meeting__isnull": True}
    try:
        report = visible_reports(user, group).select_related("meeting").get(**where)
    except Report.DoesNotExist:
        raise Http404("No such report") from None
    if to_change and not can_change_report(user, report):
        raise Http404("No such page")
    report.group = group
    return report

"""Who may see, change, approve and receive what: the one place for the portal's access rules.

A person's rights come from their participation in a group (the secretariat aside):
- secretariat staff see and change everything;
- a member's expert or focal point sees the groups they currently take part in;
- the focal point of a member that holds a current co-chair term is that group's co-chair;
- observers and guests see only the meetings they are invited to, not the group itself;
- a group that requires a security clearance is invisible without a valid clearance.

Views get objects only through the ``get_*_for_user`` helpers, which answer 404 both
when an object is missing and when it is hidden, so nothing reveals what exists. Whoever
is sent anything (an e-mail, an invitation, a calendar entry, a rendered file) is chosen
here too, by the same rule as the page: nobody receives what they may not open.

A person's standing in their groups is worked out once per request (``group_access``)
and every "may" about groups is answered from it, so a page asks the same few queries
whether the person takes part in one group or in ten.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from groups.models import (
    CoChairTerm,
    Member,
    Nomination,
    Participation,
    SilenceProcedure,
    TermsOfReference,
    WorkingGroup,
)
from groups.selectors import current_co_chair_terms, focal_points, participants_of
from meetings.models import Attendance, Document, Invitation, Meeting, MeetingPack
from reports.models import APPROVED_STATUSES as REPORT_APPROVED_STATUSES
from reports.models import PublicStatement, RenderJob, Report
from workplans.models import Action, Attachment, WorkPlan


class Role:
    """A person's standing in one group, strongest first."""

    SECRETARIAT = "secretariat"
    CO_CHAIR = "co_chair"
    MEMBER = "member"

    LABELS = {SECRETARIAT: "Secretariat", CO_CHAIR: "Co-chair", MEMBER: "Member"}


class Refused(Http404):
    """The 404 of an access helper: the object is missing or hidden from this person.

    The page is the same as any other 404; the access log records the refusal
    (portal/audit/middleware.py)."""


def is_secretariat(user) -> bool:
    """Secretariat staff: the one global role."""
    return bool(user.is_authenticated and user.is_active and user.is_secretariat)


# --- A person's groups, worked out once ---------------------------------------------------


@dataclass(frozen=True)
class GroupAccess:
    """What one person is in every group they take part in, worked out once per request.

    ``takes_part`` maps each group they currently take part in as expert or focal point
    (cleared or not) to the members they take part for; ``speaks_for`` does the same for
    their focal-point participations; ``co_chaired`` holds the groups in which a member
    they speak for holds a current co-chair term.
    """

    secretariat: bool = False
    cleared: bool = False
    takes_part: dict[int, frozenset[int]] = field(default_factory=dict)
    speaks_for: dict[int, frozenset[int]] = field(default_factory=dict)
    co_chaired: frozenset[int] = frozenset()
    clearance_groups: frozenset[int] = frozenset()

    @property
    def group_ids(self) -> frozenset[int]:
        """The groups the person sees (the secretariat aside, who sees all)."""
        return frozenset(
            g for g in self.takes_part if self.cleared or g not in self.clearance_groups
        )

    def sees(self, group_id: int) -> bool:
        return self.secretariat or group_id in self.group_ids

    def role(self, group_id: int) -> str | None:
        """The strongest role in the group, or None when the person may not see it."""
        if self.secretariat:
            return Role.SECRETARIAT
        if not self.sees(group_id):
            return None
        return Role.CO_CHAIR if group_id in self.co_chaired else Role.MEMBER

    def members_for(self, group_id: int) -> frozenset[int]:
        """The members the person takes part for in the group."""
        return self.takes_part.get(group_id, frozenset())

    def focal_point_for(self, group_id: int | None = None) -> frozenset[int]:
        """The members the person speaks for as focal point in the group, or in any group."""
        if group_id is None:
            return frozenset().union(*self.speaks_for.values())
        return self.speaks_for.get(group_id, frozenset())


NO_ACCESS = GroupAccess()


def group_access(user) -> GroupAccess:
    """The person's standing in all their groups, in at most two queries.

    It is kept on the user object, which Django loads afresh for every request, so it
    lasts one request; it is worked out again on another day, or when the person's
    clearance lapses or is renewed on the same object.
    """
    if not (user.is_authenticated and user.is_active):
        return NO_ACCESS
    if user.is_secretariat:
        return GroupAccess(secretariat=True, cleared=True)
    key = (timezone.localdate(), user.has_valid_clearance())
    kept = getattr(user, "_group_access", None)
    if kept is not None and kept[0] == key:
        return kept[1]
    access = _work_out_group_access(user, cleared=key[1])
    user._group_access = (key, access)
    return access


def _work_out_group_access(user, *, cleared: bool) -> GroupAccess:
    takes_part: dict[int, set[int]] = defaultdict(set)
    speaks_for: dict[int, set[int]] = defaultdict(set)
    clearance_groups = set()
    rows = (
        participants_of(person=user)
        .order_by()
        .values_list("group_id", "member_id", "role", "group__clearance_required")
    )
    for group_id, member_id, role, needs_clearance in rows:
        takes_part[group_id].add(member_id)
        if role == Participation.Role.FOCAL_POINT:
            speaks_for[group_id].add(member_id)
        if needs_clearance:
            clearance_groups.add(group_id)
    co_chaired = set()
    if speaks_for:
        terms = current_co_chair_terms().filter(
            group__in=list(speaks_for),
            member__in=list(frozenset().union(*speaks_for.values())),
        )
        co_chaired = {
            group_id
            for group_id, member_id in terms.order_by().values_list("group_id", "member_id")
            if member_id in speaks_for[group_id]
        }
    return GroupAccess(
        cleared=cleared,
        takes_part={g: frozenset(m) for g, m in takes_part.items()},
        speaks_for={g: frozenset(m) for g, m in speaks_for.items()},
        co_chaired=frozenset(co_chaired),
        clearance_groups=frozenset(clearance_groups),
    )


# --- Groups -------------------------------------------------------------------------------


def visible_groups(user) -> QuerySet[WorkingGroup]:
    """The working groups this person may see (the same as ``GroupAccess.group_ids``).

    Written as a subquery rather than from the person's ``group_access``, so that a page
    listing groups asks nothing more than its list, however many groups there are.
    """
    groups = WorkingGroup.objects.all()
    if not (user.is_authenticated and user.is_active):
        return groups.none()
    if is_secretariat(user):
        return groups
    groups = groups.filter(pk__in=participants_of(person=user).order_by().values("group"))
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
    return group_access(user).role(group.pk)


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
        raise Refused("No such working group") from None
    if to_change and not can_change_group(user, group):
        raise Refused("No such page")
    return group


def get_term_for_user(user, slug: str, term_id: int, *, to_change: bool = False) -> CoChairTerm:
    """A co-chair term of a visible group, or 404."""
    group = get_group_for_user(user, slug, to_change=to_change)
    try:
        term = group.co_chair_terms.get(pk=term_id)
    except CoChairTerm.DoesNotExist:
        raise Refused("No such term") from None
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
        raise Refused("No such nomination") from None
    nomination.group = group
    return nomination


def get_member_for_user(user, slug: str) -> Member:
    """The member, or 404."""
    try:
        return visible_members(user).get(slug=slug)
    except Member.DoesNotExist:
        raise Refused("No such member") from None


def get_terms_of_reference_for_user(user, group_slug: str, version: int) -> TermsOfReference:
    """One version of a visible group's Terms of Reference, or 404."""
    group = get_group_for_user(user, group_slug)
    try:
        tor = group.terms_of_reference.select_related("endorsed_at").get(version=version)
    except TermsOfReference.DoesNotExist:
        raise Refused("No such version") from None
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


def invitations_of(user) -> QuerySet[Invitation]:
    """The invitations of the person and of the member they work for: those their meeting
    pages name as theirs (``can_answer_invitation`` says which they answer)."""
    if not (user.is_authenticated and user.is_active):
        return Invitation.objects.none()
    return Invitation.objects.filter(_invited(user))


def visible_meetings(user) -> QuerySet[Meeting]:
    """The meetings this person may see.

    Secretariat: all. Others: the meetings of the groups they see; meetings of Bali
    Process bodies once they take part in any group; and any meeting they (or their
    member) are invited to — the only ones an observer sees. A meeting of a clearance
    group stays hidden without a valid clearance, invitation or not (``meeting_barrier``
    says the same of one person and one meeting).
    """
    if not (user.is_authenticated and user.is_active):
        return Meeting.objects.none()
    if is_secretariat(user):
        return Meeting.objects.all()
    takes_part_anywhere = Exists(participants_of(person=user))
    allowed = (
        Q(group__in=visible_groups(user))
        | _invited(user, "invitations__")
        | (Q(group__isnull=True) & Q(takes_part_anywhere))
    )
    meetings = Meeting.objects.filter(pk__in=Meeting.objects.filter(allowed).values("pk"))
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
        raise Refused("No such meeting") from None
    if to_change and not can_change_meeting(user, meeting):
        raise Refused("No such page")
    return meeting


def can_plan_meetings(user) -> bool:
    """The secretariat plans meetings, builds agendas, invites and records attendance."""
    return is_secretariat(user)


def can_change_meeting(user, meeting: Meeting) -> bool:
    return can_plan_meetings(user)


def can_see_agenda(user, meeting: Meeting) -> bool:
    return meeting_access(user, meeting).sees_agenda


# The Chatham House Rule: participants may use what is said, but neither the identity nor
# the affiliation of a speaker, nor of any other participant, may be revealed. An agenda
# that names its speakers is exactly what the rule forbids to let out, and a printed agenda
# or meeting pack leaves the portal with its reader. So on a meeting under the rule the
# speakers are named, with their affiliations, only to those who prepare the programme:
# the secretariat and the co-chairs of the meeting's group. Everyone else (members,
# observers, guests, and every agenda they print or take away in a pack) reads each item
# with its times and how many speak, never who. A meeting not under the rule names them.
def _names_speakers(meeting: Meeting, role: str | None) -> bool:
    return not meeting.chatham_house or role in (Role.SECRETARIAT, Role.CO_CHAIR)


def can_see_speakers(user, meeting: Meeting) -> bool:
    """Whether the agenda names its speakers and their affiliations to this person."""
    if not meeting.chatham_house or is_secretariat(user):
        return True
    role = role_in_group(user, meeting.group) if meeting.group_id else None
    return _names_speakers(meeting, role)


def takes_part_in_meeting(user, meeting: Meeting) -> bool:
    """Invited to the meeting, directly or through their member, or recorded as attending."""
    return _part_in_meeting(user, meeting).takes_part


@dataclass(frozen=True)
class _Part:
    takes_part: bool = False
    # Invited or recorded at least once as a participant, not only as an observer.
    as_participant: bool = False


def _part_in_meeting(user, meeting: Meeting) -> _Part:
    """How the person takes part in the meeting, from their invitations (their own and
    their member's) and their attendance, in two queries."""
    if not (user.is_authenticated and user.is_active):
        return _Part()
    as_observer = [
        *meeting.invitations.filter(_invited(user)).values_list("as_observer", flat=True),
        *meeting.attendance.filter(person=user).values_list("as_observer", flat=True),
    ]
    return _Part(takes_part=bool(as_observer), as_participant=not all(as_observer))


def can_answer_invitation(user, invitation: Invitation) -> bool:
    """A person answers their own invitation; a member's focal point answers the member's;
    nobody answers for a meeting they may no longer see (a clearance that lapsed)."""
    if is_secretariat(user):
        return True
    if meeting_barrier(user, invitation.meeting) is not None:
        return False
    if invitation.person_id:
        return invitation.person_id == user.pk
    if not invitation.member_id or invitation.member_id != user.affiliation_id:
        return False
    speaks_for = group_access(user).focal_point_for(invitation.meeting.group_id)
    return invitation.member_id in speaks_for


def readable_access_levels(user, meeting: Meeting) -> frozenset[str]:
    """The access levels of a meeting's documents this person may open."""
    return meeting_access(user, meeting).readable_levels


def can_read_document(user, document: Document) -> bool:
    return document.access in readable_access_levels(user, document.meeting)


def get_document_for_user(user, meeting_id: int, document_id: int) -> Document:
    """A document the person may read, of a meeting they may see, or 404."""
    meeting = get_meeting_for_user(user, meeting_id)
    try:
        document = meeting.documents.select_related("agenda_item").get(pk=document_id)
    except Document.DoesNotExist:
        raise Refused("No such document") from None
    document.meeting = meeting
    if not can_read_document(user, document):
        raise Refused("No such document")
    return document


@dataclass(frozen=True)
class MeetingAccess:
    """What one person may do with one meeting, worked out once per page."""

    can_change: bool
    sees_agenda: bool
    sees_attendance: bool
    sees_outcomes: bool
    readable_levels: frozenset[str]
    # Whether the meeting's group page opens for them (an invited observer's does not).
    sees_group: bool = False
    # Whether the agenda names its speakers to them (``can_see_speakers``).
    sees_speakers: bool = False


def meeting_access(user, meeting: Meeting) -> MeetingAccess:
    """Everything the meeting page needs to know about this person, in a few queries."""
    levels = Document.Access
    if is_secretariat(user):
        return MeetingAccess(
            True, True, True, True, frozenset(levels.values), sees_group=True, sees_speakers=True
        )
    return _meeting_access(user, meeting, _part_in_meeting(user, meeting))


def meeting_accesses(user, meetings: list[Meeting]) -> dict[int, MeetingAccess]:
    """``meeting_access`` for each of the meetings (by id), in two queries however many."""
    if is_secretariat(user):
        return {m.pk: meeting_access(user, m) for m in meetings}
    as_observer: dict[int, list[bool]] = defaultdict(list)
    if meetings and user.is_authenticated and user.is_active:
        ids = [m.pk for m in meetings]
        for model, mine in ((Invitation, _invited(user)), (Attendance, Q(person=user))):
            rows = model.objects.filter(mine, meeting__in=ids).order_by()
            for meeting_id, observer in rows.values_list("meeting_id", "as_observer"):
                as_observer[meeting_id].append(observer)
    return {
        m.pk: _meeting_access(
            user,
            m,
            _Part(
                takes_part=bool(as_observer[m.pk]),
                as_participant=not all(as_observer[m.pk]),
            ),
        )
        for m in meetings
    }


def _meeting_access(user, meeting: Meeting, part: _Part) -> MeetingAccess:
    levels = Document.Access
    takes_part = part.takes_part
    role = role_in_group(user, meeting.group) if meeting.group_id else None
    readable = {levels.PUBLIC}
    # The participants' papers are for the group's members and whoever is invited to take
    # part; an observer invited case by case reads the public papers.
    if part.as_participant or role is not None:
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
        sees_group=role is not None,
        sees_speakers=_names_speakers(meeting, role),
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
    access = group_access(user)
    if access.secretariat:
        return meetings
    return meetings.filter(
        Q(group__isnull=True)
        | Q(outcome_record__status__in=REPORT_APPROVED_STATUSES)
        | Q(group__in=sorted(access.co_chaired & access.group_ids))
    )


def can_read_participants_list(user, meeting: Meeting) -> bool:
    """The list of participants that names the delegates is for those who see who attends;
    everyone who sees the meeting reads the public one, which names members only."""
    return meeting_access(user, meeting).sees_attendance


# --- Meeting packs --------------------------------------------------------------------
# A meeting pack holds the agenda and every paper its reader may read
# (``readable_access_levels``); it is only ever its reader's, the secretariat's included,
# who make their own.


def pack_access_levels(user, meeting: Meeting) -> frozenset[str] | None:
    """The access levels of the papers that go into the person's own meeting pack (those
    they may read), or None when they may have no pack: whoever sees the meeting and its
    agenda may have one."""
    if not may_receive(user, meeting):
        return None
    access = meeting_access(user, meeting)
    return access.readable_levels if access.sees_agenda else None


def can_request_pack(user, meeting: Meeting) -> bool:
    return pack_access_levels(user, meeting) is not None


def get_pack_for_user(user, meeting: Meeting, pack_id: int) -> MeetingPack:
    """The person's own pack of a meeting they see (as ``get_meeting_for_user`` gives it),
    or 404: another person's pack, or one of an agenda they no longer see."""
    if not can_see_agenda(user, meeting):
        raise Refused("No such meeting pack")
    try:
        pack = meeting.packs.get(pk=pack_id, reader=user)
    except MeetingPack.DoesNotExist:
        raise Refused("No such meeting pack") from None
    pack.meeting, pack.reader = meeting, user
    return pack


# --- Work plans -----------------------------------------------------------------------


def visible_work_plans(user) -> QuerySet[WorkPlan]:
    """Adopted and superseded plans of the groups a person sees; drafts for the secretariat
    and the group's co-chairs."""
    plans = WorkPlan.objects.filter(group__in=visible_groups(user))
    access = group_access(user)
    if access.secretariat:
        return plans
    chaired = sorted(access.co_chaired & access.group_ids)
    return plans.exclude(status=WorkPlan.Status.DRAFT) | plans.filter(group__in=chaired)


def can_create_work_plan(user, group: WorkingGroup) -> bool:
    """The secretariat and the group's co-chairs start a group's new plan, as a draft."""
    return role_in_group(user, group) in (Role.SECRETARIAT, Role.CO_CHAIR)


def can_change_work_plan(user, plan: WorkPlan) -> bool:
    """The secretariat edits every plan: actions, statuses, revisions, imports. The group's
    co-chairs edit, and adopt, its plan while it is a draft; once adopted it is the
    secretariat's to keep."""
    if is_secretariat(user):
        return True
    return plan.status == WorkPlan.Status.DRAFT and role_in_group(user, plan.group) == Role.CO_CHAIR


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
        raise Refused("No such work plan") from None
    if to_change and not can_change_work_plan(user, plan):
        raise Refused("No such page")
    return plan


def get_action_for_user(user, group_slug: str, plan_slug: str, number: int) -> Action:
    """An action of a visible work plan, or 404."""
    plan = get_work_plan_for_user(user, group_slug, plan_slug)
    try:
        action = plan.actions.get(number=number)
    except Action.DoesNotExist:
        raise Refused("No such action") from None
    action.plan = plan
    return action


def can_change_attachments(user, plan: WorkPlan) -> bool:
    """The secretariat attaches documents to a plan and removes them, as it keeps a
    meeting's papers; whoever may read the plan reads and downloads them."""
    return is_secretariat(user)


def get_attachment_for_user(
    user, group_slug: str, plan_slug: str, attachment_id: int, *, to_change: bool = False
) -> Attachment:
    """An attachment of a visible work plan, or 404 when missing, of another plan, hidden,
    or (to change) not theirs to change."""
    plan = get_work_plan_for_user(user, group_slug, plan_slug)
    if to_change and not can_change_attachments(user, plan):
        raise Refused("No such page")
    try:
        attachment = plan.attachments.select_related("action").get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Refused("No such attachment") from None
    attachment.plan = plan
    return attachment


def can_post_update(user, action: Action) -> bool:
    """The secretariat, or a participant of the group for a member that leads or funds it."""
    if is_secretariat(user):
        return True
    return updatable_actions(user).filter(pk=action.pk).exists()


def updatable_actions(user) -> QuerySet[Action]:
    """The actions this person may post a progress update on (``can_post_update`` for many):
    every one for the secretariat; for others, those their member leads or funds, in the
    groups they see and take part in for that member."""
    if is_secretariat(user):
        return Action.objects.all()
    if not user.is_authenticated or not user.affiliation_id:
        return Action.objects.none()
    member = user.affiliation_id
    access = group_access(user)
    groups = sorted(g for g in access.group_ids if member in access.members_for(g))
    if not groups:
        return Action.objects.none()
    leads_or_funds = Q(lead_members=member) | Q(funding_members=member)
    ids = Action.objects.filter(leads_or_funds, plan__group__in=groups).values("pk")
    return Action.objects.filter(pk__in=ids)


# --- Proposals ------------------------------------------------------------------------
#
# The Terms of Reference invite members to lead or fund actions and to propose new
# initiatives. Whoever takes part in the plan's group for a member (its expert or focal
# point) proposes that member, on a plan they see that is not superseded. The secretariat
# and the group's co-chairs decide, on a draft or an adopted plan alike: accepting names a
# lead or a funder, or adds the initiative as an action, which the group agrees among its
# own members whoever keeps the adopted plan. Nobody is e-mailed of a new proposal: the
# deciders see how many await them on the plan's page. The proposer is e-mailed the
# decision while they may still read the proposal.

# An action complete or discontinued takes no more leads or funders.
CLOSED_ACTIONS = (Action.Status.COMPLETE, Action.Status.DISCONTINUED)


def _sees_work_plan(access: GroupAccess, plan: WorkPlan) -> bool:
    """``visible_work_plans`` for one plan, answered from the person's access."""
    if access.secretariat:
        return True
    if not access.sees(plan.group_id):
        return False
    return plan.status != WorkPlan.Status.DRAFT or plan.group_id in access.co_chaired


def proposing_members(user, plan: WorkPlan) -> frozenset[int]:
    """The members this person may propose on the plan: those they take part for in its
    group as expert or focal point (none for the secretariat, who proposes no member)."""
    access = group_access(user)
    if access.secretariat or not _sees_work_plan(access, plan):
        return frozenset()
    return access.members_for(plan.group_id)


def can_propose(user, plan: WorkPlan, action: Action | None = None) -> bool:
    """Whether the person may propose one of their members to lead or fund the action (a
    new initiative without one) of a plan they see that is not superseded."""
    if plan.status == WorkPlan.Status.SUPERSEDED or not proposing_members(user, plan):
        return False
    return action is None or action.status not in CLOSED_ACTIONS


def can_decide_proposal(user, plan: WorkPlan) -> bool:
    """The secretariat and the plan's group's co-chairs accept or decline its proposals,
    whether the plan is a draft or adopted."""
    return group_access(user).role(plan.group_id) in (Role.SECRETARIAT, Role.CO_CHAIR)


def visible_proposals(user, plan: WorkPlan) -> QuerySet:
    """The plan's proposals this person may read: every one for those who decide them;
    for others who see the plan, those of the members they take part for."""
    proposals = plan.proposals.all()
    if can_decide_proposal(user, plan):
        return proposals
    access = group_access(user)
    if not _sees_work_plan(access, plan):
        return proposals.none()
    return proposals.filter(member__in=sorted(access.members_for(plan.group_id)))


def get_proposal_for_user(
    user, group_slug: str, plan_slug: str, proposal_id: int, *, to_decide: bool = False
):
    """A proposal of a plan the person sees, or 404 when missing, of another plan, hidden
    from them or (to decide) not theirs to decide."""
    plan = get_work_plan_for_user(user, group_slug, plan_slug)
    try:
        proposal = visible_proposals(user, plan).get(pk=proposal_id)
    except plan.proposals.model.DoesNotExist:
        raise Refused("No such proposal") from None
    if to_decide and not can_decide_proposal(user, plan):
        raise Refused("No such page")
    proposal.plan = plan
    return proposal


def proposal_recipients(proposal) -> list:
    """Who is e-mailed a proposal's decision: its proposer, while they may still read it
    (their participation for the member not ended, the plan still theirs to see)."""
    person = proposal.proposed_by
    if person is None or not person.is_active or not person.email:
        return []
    if not visible_proposals(person, proposal.plan).filter(pk=proposal.pk).exists():
        return []
    return [person]


# --- Reports --------------------------------------------------------------------------


def report_approver_member(user, report) -> Member | None:
    """The approver member this person decides for, or None.

    The co-chairs who approve are fixed at submission (``report.approvers``): the focal
    point of such a member decides for it even if its term has since ended.
    """
    if is_secretariat(user) or not can_view_group(user, report.group):
        return None
    speaks_for = group_access(user).focal_point_for(report.group_id)
    if not speaks_for:
        return None
    return report.approvers.filter(pk__in=sorted(speaks_for)).first()


def _reports_read_as_they_stand(user, group: WorkingGroup, role: str) -> Q:
    """The reports this person reads in their current version: the secretariat every one;
    the whole group those approved; co-chairs and approvers those submitted."""
    if role == Role.SECRETARIAT:
        return Q()
    approved = Q(status__in=REPORT_APPROVED_STATUSES)
    if role == Role.CO_CHAIR:
        return approved | ~Q(status=Report.Status.DRAFT)
    speaks_for = sorted(group_access(user).focal_point_for(group.pk))
    if not speaks_for:
        return approved
    return approved | (~Q(status=Report.Status.DRAFT) & Q(approvers__in=speaks_for))


def visible_reports(user, group: WorkingGroup) -> QuerySet:
    """The reports this person may open: those they read as they stand, and those with an
    earlier approved version, which the group keeps reading while the next is drafted."""
    reports = Report.objects.filter(group=group)
    role = role_in_group(user, group)
    if role is None:
        return reports.none()
    if role == Role.SECRETARIAT:
        return reports
    readable = _reports_read_as_they_stand(user, group, role) | Q(versions__isnull=False)
    ids = reports.filter(readable).values("pk")
    return Report.objects.filter(pk__in=ids)


def reads_report_as_it_stands(user, report) -> bool:
    """Whether the person reads the report's current version, not only the versions the
    co-chairs approved before it."""
    if report.is_approved or is_secretariat(user):
        return True
    role = role_in_group(user, report.group)
    if role is None:
        return False
    readable = _reports_read_as_they_stand(user, report.group, role)
    return Report.objects.filter(readable, pk=report.pk).exists()


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
    if meeting_id is not None:
        meeting = get_meeting_for_user(user, meeting_id)
        group = meeting.group
        if group is None or not can_view_group(user, group):
            raise Refused("No such report")
        where = {"meeting": meeting}
    else:
        group = get_group_for_user(user, slug)
        where = {"kind": kind, "year": year, "meeting__isnull": True}
    try:
        report = visible_reports(user, group).select_related("meeting").get(**where)
    except Report.DoesNotExist:
        raise Refused("No such report") from None
    if to_change and not can_change_report(user, report):
        raise Refused("No such page")
    report.group = group
    return report


def visible_renderings(user, report) -> QuerySet[RenderJob]:
    """The renderings of a report (one the person may open) that they may see and download.

    Draft renderings are for the secretariat and the report's approvers, who read the
    drafts anyway; everyone else gets the approved content only.
    """
    jobs = report.render_jobs.all()
    if is_secretariat(user) or report_approver_member(user, report) is not None:
        return jobs
    if not (report.is_approved and report.approved_content_hash):
        return jobs.none()
    return jobs.filter(content_hash=report.approved_content_hash)


def get_rendering_for_user(user, report, job_id: int) -> RenderJob:
    """A rendering of the report the person may download, or 404 (also for a draft)."""
    try:
        job = visible_renderings(user, report).get(pk=job_id)
    except RenderJob.DoesNotExist:
        raise Refused("No such rendering") from None
    job.report = report
    return job


# --- What anyone may read, signed in or not ---------------------------------------------
# A group's public page and a paper marked "Public" are read without signing in. They show
# what the group has made public and nothing else: a group still proposed has no public
# page; of its meetings, only those held; of their papers, only those marked "Public"; of
# its Terms of Reference, only the endorsed versions; of who took part, members only.


def public_groups() -> QuerySet[WorkingGroup]:
    """The groups with a public page: every group once established."""
    return WorkingGroup.objects.exclude(status=WorkingGroup.Status.PROPOSED)


def get_public_group(slug: str) -> WorkingGroup:
    """A group with a public page, or 404."""
    try:
        return public_groups().get(slug=slug)
    except WorkingGroup.DoesNotExist:
        raise Http404("No such working group") from None


def public_meetings() -> QuerySet[Meeting]:
    """The meetings whose public papers and members anyone may read: those held, of an
    established group or of the Bali Process's own bodies."""
    return Meeting.objects.filter(status=Meeting.Status.HELD).filter(
        Q(group__isnull=True) | Q(group__in=public_groups())
    )


def public_meeting(meeting_id: int) -> Meeting | None:
    """A meeting whose public list of participants and public papers anyone may read."""
    return public_meetings().filter(pk=meeting_id).first()


def get_meeting_for_public_list(user, meeting_id: int) -> Meeting:
    """A meeting whose public list this person may read: one they may see, or one anyone
    may read; else 404."""
    try:
        return get_meeting_for_user(user, meeting_id)
    except Http404:
        meeting = public_meeting(meeting_id)
        if meeting is None:
            raise
        return meeting


def public_papers() -> QuerySet[Document]:
    """The papers anyone may download: marked "Public", of a meeting held."""
    return Document.objects.filter(access=Document.Access.PUBLIC, meeting__in=public_meetings())


def public_paper(meeting_id: int, document_id: int) -> Document | None:
    """A paper anyone may download, or None whether it is missing or not public."""
    return (
        public_papers().select_related("meeting").filter(pk=document_id, meeting=meeting_id).first()
    )


def get_downloadable_document(user, meeting_id: int, document_id: int) -> Document:
    """A paper this signed-in person may download: one they may read as a participant, or
    one anyone may (a "Public" paper of a meeting held); else 404."""
    try:
        return get_document_for_user(user, meeting_id, document_id)
    except Http404:
        document = public_paper(meeting_id, document_id)
        if document is None:
            raise
        return document


# --- Sign-in ----------------------------------------------------------------------------


def must_use_second_factor(user) -> bool:
    """Whether the person must pass a second factor after their password: the secretariat,
    a current co-chair's focal point, and whoever takes part in a group that requires a
    security clearance (cleared or not: the account opens the group once renewed)."""
    if not (user.is_authenticated and user.is_active):
        return False
    access = group_access(user)
    return access.secretariat or bool(access.co_chaired or access.clearance_groups)


# --- Who receives what ----------------------------------------------------------------


def meeting_barrier(person, meeting: Meeting) -> str | None:
    """What keeps this person out of the meeting whatever their invitations, as the
    secretariat reads it (e.g. "Nimal Perera holds no valid clearance for WG-DCN"), or None.

    The same rule as in ``visible_meetings``: a closed account sees nothing, and a
    clearance group's meeting is hidden from whoever lacks a valid clearance.
    """
    if not person.is_active:
        return f"{person}'s account is closed"
    if is_secretariat(person):
        return None
    if meeting.clearance_required and not person.has_valid_clearance():
        return f"{person} holds no valid clearance for {meeting.group.short_name}"
    return None


def invitation_refusal(person, meeting: Meeting) -> str | None:
    """Why this person may not be invited to the meeting, or None when they may."""
    return meeting_barrier(person, meeting)


@dataclass
class Audience:
    """Who reads an invitation: the people told, and the people left out with the reason."""

    told: list = field(default_factory=list)
    skipped: list[tuple[object, str]] = field(default_factory=list)


def invitation_audiences(meeting: Meeting, invitations) -> dict[int, Audience]:
    """For each invitation (by id), who reads it: the person invited, or the member's focal
    points (in the meeting's group; in any group for a Bali Process body's meeting), less
    whoever may not see the meeting. One query for all of them.

    Every such reader sees the meeting by the rule of ``visible_meetings`` (invited, or
    taking part in its group, or in some group for a body's meeting) unless
    ``meeting_barrier`` keeps them out, so that is the only test needed here.
    """
    members = {i.member_id for i in invitations if i.member_id and not i.person_id}
    readers: dict[int, list] = defaultdict(list)
    if members:
        points = (
            focal_points(sorted(members), meeting.group_id)
            .select_related("person")
            .order_by("person__last_name", "person__first_name", "person__pk")
        )
        for point in points:
            if point.person not in readers[point.member_id]:
                readers[point.member_id].append(point.person)
    audiences = {}
    for invitation in invitations:
        people = [invitation.person] if invitation.person_id else readers[invitation.member_id]
        audience = Audience()
        for person in people:
            reason = meeting_barrier(person, meeting)
            if reason is None:
                audience.told.append(person)
            else:
                audience.skipped.append((person, reason))
        audiences[invitation.pk] = audience
    return audiences


NO_FOCAL_POINT = "no focal point: its experts are invited in person"


@dataclass
class Invitee:
    """One who would be invited when a working group's meeting is sent to the whole group:
    a person (``person``) or a member answered by its focal points (``member``)."""

    member: Member | None
    person: object | None = None
    told: list = field(default_factory=list)
    # The readers left out, each with the reason (a focal point without clearance...).
    left_out: list[tuple[object, str]] = field(default_factory=list)
    already_invited: bool = False

    @property
    def skipped(self) -> str | None:
        """Why nobody would be told, so that it is not invited in this step; or None."""
        if self.told:
            return None
        if self.person is None and not self.left_out:
            return NO_FOCAL_POINT
        return "; ".join(reason for _, reason in self.left_out)

    @property
    def as_observer(self) -> bool:
        member = self.member if self.person is None else self.person.affiliation
        return bool(member and member.is_observer)


def _reader_refusal(person, meeting: Meeting) -> str | None:
    """Why a reader would not be told of an invitation by e-mail, or None."""
    barrier = meeting_barrier(person, meeting)
    if barrier is None and not person.email:
        return f"{person} has no e-mail address"
    return barrier


def group_invitees(meeting: Meeting) -> list[Invitee]:
    """Who inviting the meeting's working group invites, in two queries: each person taking
    part in it today (experts and focal points; observers and guests are invited case by
    case) and each member they take part for, answered by its focal points; each with who
    would be told and who is left out and why, and whether they are already invited. Empty
    for a Bali Process body's meeting, whose invited are chosen case by case."""
    if meeting.group_id is None:
        return []
    rows = (
        participants_of(group=meeting.group_id)
        .select_related("person__affiliation", "member")
        .order_by("member__name", "person__last_name", "person__first_name", "person__pk")
    )
    invited = set(meeting.invitations.values_list("member_id", "person_id"))
    members: dict[int, Invitee] = {}
    persons: dict[int, Invitee] = {}
    for row in rows:
        member = members.setdefault(
            row.member_id,
            Invitee(member=row.member, already_invited=(row.member_id, None) in invited),
        )
        if row.role == Participation.Role.FOCAL_POINT:
            reason = _reader_refusal(row.person, meeting)
            if reason is None:
                member.told.append(row.person)
            else:
                member.left_out.append((row.person, reason))
        if row.person_id in persons:
            continue
        person = persons[row.person_id] = Invitee(
            member=row.person.affiliation,
            person=row.person,
            already_invited=(None, row.person_id) in invited,
        )
        reason = _reader_refusal(row.person, meeting)
        if reason is None:
            person.told.append(row.person)
        else:
            person.left_out.append((row.person, reason))
    return list(members.values()) + list(persons.values())


def delegate_choices(invitation: Invitation) -> QuerySet:
    """Whom a member's focal point may name to attend: the active people of that member who
    may see the meeting (by ``meeting_barrier``: a clearance group wants a valid clearance)."""
    from portal.accounts.models import User

    if not invitation.member_id or invitation.person_id:
        return User.objects.none()
    people = User.objects.filter(affiliation=invitation.member_id, is_active=True)
    meeting = invitation.meeting
    if meeting.clearance_required:
        people = people.exclude(clearance_level="").filter(
            clearance_expires_on__gte=timezone.localdate()
        )
    return people.order_by("last_name", "first_name", "username")


def may_receive(person, thing) -> bool:
    """Whether this person may be sent the thing (a meeting, a report) by any channel:
    exactly when they may open its page."""
    if isinstance(thing, Meeting):
        return visible_meetings(person).filter(pk=thing.pk).exists()
    if isinstance(thing, Report):
        return can_open_report(person, thing)
    raise TypeError(f"Nothing decides who receives a {type(thing).__name__}.")


def report_recipients(report) -> list:
    """Who is e-mailed about a report before the co-chairs: the focal points of its
    approvers in its group, who may open the report."""
    points = focal_points(report.approvers.all(), report.group_id).select_related("person")
    people = {point.person_id: point.person for point in points}
    return [
        person
        for _, person in sorted(people.items())
        if person.is_active and may_receive(person, report)
    ]


# --- Public statements ----------------------------------------------------------------
# The secretariat drafts a group's public statements; its co-chairs read one from its
# submission on and approve it, as they do a report; once published (all approved, or
# adopted by silence procedure) anyone reads it on the group's public page.


def public_statements() -> QuerySet[PublicStatement]:
    """The statements anyone may read: those published, of a group with a public page."""
    return PublicStatement.objects.filter(
        status=PublicStatement.Status.PUBLISHED, group__in=public_groups()
    )


def visible_statements(user) -> QuerySet[PublicStatement]:
    """The statements this person may open: every one for the secretariat; those
    published for anyone; those submitted or sent back for the group's co-chairs."""
    if is_secretariat(user):
        return PublicStatement.objects.all()
    published = Q(status=PublicStatement.Status.PUBLISHED, group__in=public_groups())
    access = group_access(user)
    co_chaired = sorted(g for g in access.group_ids if access.role(g) == Role.CO_CHAIR)
    # An approver fixed at submission decides even after its term ended (as for reports):
    # its focal points keep reading the statements it was asked to approve.
    asked = Q(pk__in=[])
    for group_id in sorted(access.group_ids):
        if members := access.focal_point_for(group_id):
            asked |= Q(group=group_id, approvers__in=sorted(members))
    if not co_chaired and not access.speaks_for:
        return PublicStatement.objects.filter(published)
    before_the_co_chairs = ~Q(status=PublicStatement.Status.DRAFT) & (
        Q(group__in=co_chaired) | Q(pk__in=PublicStatement.objects.filter(asked).values("pk"))
    )
    return PublicStatement.objects.filter(published | before_the_co_chairs)


def can_change_statement(user, statement: PublicStatement) -> bool:
    """The secretariat drafts and edits a statement until it is published."""
    return is_secretariat(user) and not statement.is_published


def statement_approver_member(user, statement: PublicStatement) -> Member | None:
    """The approver member this person decides for on a submitted statement, or None."""
    if is_secretariat(user) or statement.status != PublicStatement.Status.SUBMITTED:
        return None
    speaks_for = group_access(user).focal_point_for(statement.group_id)
    if not speaks_for or not group_access(user).sees(statement.group_id):
        return None
    return statement.approvers.filter(pk__in=sorted(speaks_for)).first()


def get_statement_for_user(
    user, slug: str, statement_id: int, *, to_change: bool = False
) -> PublicStatement:
    """A statement this person may open (or, to change, edit), or 404. Its signed-in page
    (with the co-chairs' decisions) is for those who see the group; anyone reads a
    published statement on the group's public page."""
    statement = (
        visible_statements(user)
        .select_related("group", "meeting")
        .filter(group__slug=slug, pk=statement_id)
        .first()
    )
    if (
        statement is None
        or not group_access(user).sees(statement.group_id)
        or (to_change and not can_change_statement(user, statement))
    ):
        raise Refused("No such statement")
    return statement


def get_public_statement(slug: str, statement_id: int) -> PublicStatement:
    """A published statement anyone may read, or 404."""
    statement = (
        public_statements()
        .select_related("group", "meeting")
        .filter(group__slug=slug, pk=statement_id)
        .first()
    )
    if statement is None:
        raise Http404("No such statement")
    return statement


def statement_decision_recipients(statement: PublicStatement) -> list:
    """Who is told that the co-chairs published a statement or sent it back: the
    secretariat, who drafts the group's statements."""
    return secretariat_people()


def statement_recipients(statement: PublicStatement) -> list:
    """Who is told a statement waits for approval: the focal points of its approvers in
    its group, who may open it."""
    points = focal_points(statement.approvers.all(), statement.group_id).select_related("person")
    people = {point.person_id: point.person for point in points}
    return [
        person
        for _, person in sorted(people.items())
        if person.is_active and visible_statements(person).filter(pk=statement.pk).exists()
    ]


# --- Silence procedures ---------------------------------------------------------------
# The secretariat circulates a text on the co-chairs' behalf; everyone who sees the group
# reads its procedures; a member's focal point breaks silence for that member, before the
# deadline, while the procedure is under silence.


def visible_silence_procedures(user) -> QuerySet[SilenceProcedure]:
    """The silence procedures this person may read: those of the groups they see."""
    procedures = SilenceProcedure.objects.all()
    if is_secretariat(user):
        return procedures
    return procedures.filter(group__in=sorted(group_access(user).group_ids))


def get_silence_procedure_for_user(
    user, slug: str, procedure_id: int, *, to_change: bool = False
) -> SilenceProcedure:
    """A procedure this person may read (or, to change, run: the secretariat), or 404."""
    procedure = (
        visible_silence_procedures(user)
        .select_related("group")
        .filter(group__slug=slug, pk=procedure_id)
        .first()
    )
    if procedure is None or (to_change and not is_secretariat(user)):
        raise Refused("No such silence procedure")
    return procedure


def can_run_silence_procedure(user, group: WorkingGroup) -> bool:
    """The secretariat circulates, and withdraws, a text for the co-chairs."""
    return is_secretariat(user)


def silence_breaking_members(user, procedure: SilenceProcedure) -> frozenset[int]:
    """The members this person may break silence for: those they are focal point for in
    the group, while the procedure is under silence and before its deadline."""
    if (
        is_secretariat(user)
        or not procedure.is_under_silence
        or timezone.now() >= procedure.deadline
        or not group_access(user).sees(procedure.group_id)
    ):
        return frozenset()
    return group_access(user).focal_point_for(procedure.group_id)


def may_ask_to_break_silence(user, procedure: SilenceProcedure) -> bool:
    """Whether breaking silence on the procedure is this person's to ask at all: a member's
    focal point in the group (the secretariat runs procedures and never objects); whether
    they still may is silence_breaking_members."""
    access = group_access(user)
    return (
        not is_secretariat(user)
        and access.sees(procedure.group_id)
        and bool(access.focal_point_for(procedure.group_id))
    )


def silence_procedure_recipients(
    procedure: SilenceProcedure, *, with_secretariat: bool = False
) -> list:
    """Who is told of a procedure: everyone taking part in the group who may see it (with
    a valid clearance, in a group that requires one); with the secretariat's people too
    when asked (a broken silence is theirs to take back to the co-chairs)."""
    from portal.accounts.models import User

    people = User.objects.filter(
        is_active=True,
        pk__in=participants_of(group=procedure.group_id).order_by().values("person"),
    )
    if procedure.group.clearance_required:
        people = people.exclude(clearance_level="").filter(
            clearance_expires_on__gte=timezone.localdate()
        )
    if with_secretariat:
        people = people | User.objects.filter(is_active=True, is_secretariat=True)
    return list(people.order_by("pk"))


# --- Notifications --------------------------------------------------------------------
# A person reads only their own notifications. Who is told of each kind is chosen here,
# by the rule of the page the notification links to: nobody is told of what they may not
# open.


def get_notification_for_user(user, notification_id: int):
    """One of this person's own notifications, or 404 (someone else's too)."""
    from portal.notifications.models import Notification

    notification = Notification.objects.filter(pk=notification_id, person=user.pk).first()
    if notification is None or not user.is_authenticated:
        raise Refused("No such notification")
    return notification


def secretariat_people() -> list:
    """Every active member of the secretariat, who is told of what the secretariat as a
    whole deals with (a co-chair term ending with no successor)."""
    from portal.accounts.models import User

    return list(User.objects.filter(is_active=True, is_secretariat=True).order_by("pk"))


def report_decision_recipients(report) -> list:
    """Who is told that the co-chairs approved a report or sent it back: the member of the
    secretariat who last submitted it (from its history), while still active and staff;
    else, when nobody is on record, the whole secretariat."""
    submitted = (
        report.history.filter(status=Report.Status.SUBMITTED, history_user__isnull=False)
        .select_related("history_user")
        .order_by("-history_date")
        .first()
    )
    if submitted is not None and is_secretariat(submitted.history_user):
        return [submitted.history_user]
    return secretariat_people()


def agenda_recipients(meeting: Meeting) -> list:
    """Who is told an agenda was published or changed: the readers of the meeting's
    invitations (by the rule of ``invitation_audiences``) who may see its agenda."""
    invitations = list(meeting.invitations.select_related("member", "person").order_by("pk"))
    audiences = invitation_audiences(meeting, invitations)
    people = {p.pk: p for a in audiences.values() for p in a.told}
    return [
        person
        for _, person in sorted(people.items())
        if person.is_active and can_see_agenda(person, meeting)
    ]


def stale_action_recipients(action: Action) -> list:
    """Who is told an action has had no update for six months: the experts and focal
    points of its lead members in its group, who may see its plan."""
    from portal.accounts.models import User

    people = User.objects.filter(
        is_active=True,
        pk__in=participants_of(action.lead_members.all(), action.plan.group_id)
        .order_by()
        .values("person"),
    ).order_by("pk")
    return [
        person for person in people if visible_work_plans(person).filter(pk=action.plan_id).exists()
    ]


# --- Search ---------------------------------------------------------------------------
# Search finds each kind of thing by the rule of the page that shows it, written here as a
# query over all of a person's groups at once: a search asks the same few queries however
# many groups the person takes part in. Each of these agrees with its page's rule for one
# object (``can_see_agenda``, ``can_read_document``, ``can_open_report`` and
# ``reads_report_as_it_stands``); tests/portal/test_search_rules.py holds them together.


def _co_chaired_groups(access: GroupAccess) -> list[int]:
    """The groups the person sees as co-chair (the secretariat aside)."""
    return sorted(access.co_chaired & access.group_ids)


def searchable_agenda_items(user) -> QuerySet:
    """The agenda items this person reads (``can_see_agenda``): of the meetings they see,
    once the agenda is published; drafts too for the meeting's group's co-chairs."""
    from meetings.models import AgendaItem

    items = AgendaItem.objects.filter(meeting__in=visible_meetings(user))
    access = group_access(user)
    if access.secretariat:
        return items
    return items.filter(
        Q(meeting__agenda_published_at__isnull=False)
        | Q(meeting__group__in=_co_chaired_groups(access))
    )


def searchable_outcomes(user) -> QuerySet:
    """The outcomes this person reads: those of ``outcome_visible_meetings``."""
    from meetings.models import Outcome

    return Outcome.objects.filter(meeting__in=outcome_visible_meetings(user))


def searchable_documents(user) -> QuerySet[Document]:
    """The papers this person reads on the meetings they see (``can_read_document``):
    "Public" ones; the participants' for the group's members and whoever is invited to
    take part (or recorded as taking part, not only as observer); the cleared ones for
    those of them with a valid clearance."""
    documents = Document.objects.filter(meeting__in=visible_meetings(user))
    access = group_access(user)
    if access.secretariat:
        return documents
    levels = Document.Access
    readable = Q(access=levels.PUBLIC)
    if user.is_authenticated and user.is_active:
        invited = Invitation.objects.filter(_invited(user), as_observer=False)
        attended = Attendance.objects.filter(person=user, as_observer=False)
        as_participant = (
            Q(meeting__group__in=sorted(access.group_ids))
            | Q(meeting__in=invited.values("meeting"))
            | Q(meeting__in=attended.values("meeting"))
        )
        participants_levels = [levels.PARTICIPANTS]
        if user.has_valid_clearance():
            participants_levels.append(levels.CLEARED)
        readable |= as_participant & Q(access__in=participants_levels)
    return documents.filter(readable)


def searchable_actions(user) -> QuerySet[Action]:
    """The actions of the work plans this person sees (``visible_work_plans``)."""
    return Action.objects.filter(plan__in=visible_work_plans(user))


def searchable_progress_updates(user) -> QuerySet:
    """The progress updates on the actions this person sees."""
    from workplans.models import ProgressUpdate

    return ProgressUpdate.objects.filter(action__plan__in=visible_work_plans(user))


def searchable_reports(user) -> QuerySet[Report]:
    """The reports this person may open (``visible_reports`` in every group they see)."""
    access = group_access(user)
    if access.secretariat:
        return Report.objects.all()
    return Report.objects.filter(
        pk__in=Report.objects.filter(
            (_reports_read_as_they_stand_anywhere(user, access) | Q(versions__isnull=False)),
            group__in=sorted(access.group_ids),
        ).values("pk")
    )


def searchable_report_narratives(user) -> QuerySet[Report]:
    """The reports whose current narrative this person reads (``can_open_report`` and
    ``reads_report_as_it_stands``): found by their words. A report opened only for its
    earlier approved version is never found by the words of the draft that follows it."""
    access = group_access(user)
    if access.secretariat:
        return Report.objects.all()
    return Report.objects.filter(
        pk__in=Report.objects.filter(
            _reports_read_as_they_stand_anywhere(user, access),
            group__in=sorted(access.group_ids),
        ).values("pk")
    )


def _reports_read_as_they_stand_anywhere(user, access: GroupAccess) -> Q:
    """``_reports_read_as_they_stand`` for all the person's groups in one condition."""
    submitted = ~Q(status=Report.Status.DRAFT)
    readable = Q(status__in=REPORT_APPROVED_STATUSES) | (
        submitted & Q(group__in=_co_chaired_groups(access))
    )
    for group_id in sorted(access.group_ids):
        speaks_for = access.focal_point_for(group_id)
        if speaks_for and group_id not in access.co_chaired:
            readable |= submitted & Q(group=group_id, approvers__in=sorted(speaks_for))
    return readable


def searchable_statements(user) -> QuerySet[PublicStatement]:
    """The public statements this person may open (``visible_statements``)."""
    return visible_statements(user)

"""Everything that changes a work plan: revisions and progress updates."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from meetings import papers
from meetings.models import Meeting, Outcome
from portal import dates, permissions, versions
from portal.notifications.models import Notification
from portal.notifications.services import notify
from workplans import selectors
from workplans.models import (
    Action,
    Attachment,
    Objective,
    ProgressUpdate,
    Proposal,
    Revision,
    WorkPlan,
)


@transaction.atomic
def revision_adopt(
    plan: WorkPlan,
    *,
    label: str,
    adopted_on: datetime.date,
    adopted_at: Meeting | None = None,
    adopted_by=None,
) -> Revision:
    """Freeze the plan as it stands into its next revision; the plan becomes adopted."""
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    last = plan.revisions.aggregate(n=Max("number"))["n"] or 0
    previous = plan.revisions.filter(number=last).first()
    if previous and adopted_on < previous.adopted_on:
        raise ValidationError(
            {
                "adopted_on": f"Revision {last} was adopted on {previous.adopted_on:%-d %B %Y}: "
                "a new revision cannot be adopted before it."
            }
        )
    if not label.strip():
        raise ValidationError({"label": "Give the revision a label, e.g. where it was agreed."})
    revision = Revision(
        plan=plan,
        number=last + 1,
        label=label.strip(),
        adopted_on=adopted_on,
        adopted_at=adopted_at,
        snapshot=selectors.snapshot(plan),
        adopted_by=adopted_by,
    )
    # Named in the history even when beat adopts it (a silence procedure's deadline); with
    # nobody named, the history takes the signed-in person, if any.
    if adopted_by is not None:
        revision._history_user = plan._history_user = adopted_by
    revision.save(force_insert=True)
    if plan.status != WorkPlan.Status.ADOPTED:
        plan.status = WorkPlan.Status.ADOPTED
        plan.save()
    return revision


# What an action's editor may change; its plan, number and source outcome stay.
ACTION_FIELDS = (
    "description",
    "status",
    "status_note",
    "target_period",
    "initiative",
    "in_bali_process_strategy",
    "proposed_for_rso_work_plan",
    "lead_members",
    "funding_members",
    "priorities",
    "objectives",
    "delivered_at",
)


@transaction.atomic
def action_edit(action: Action, *, version: int | None, by, **fields) -> Action:
    """Change an action's wording, status and links; refused when someone saved it after
    `version` was read (None: nothing was read beforehand, nothing to compare)."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"action_edit cannot change {', '.join(sorted(unknown))}.")
    locked = Action.objects.select_for_update().get(pk=action.pk)
    versions.check_version(locked, version, fields=fields, saving=fields)
    target = fields.get("target_period")
    # A target period stored before it was checked (an import) does not block other edits.
    if target is not None and target.strip() != locked.target_period:
        _check_target_period(locked.plan, target)
    linked = {name: fields.pop(name) for name in list(fields) if _is_link(name)}
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked._history_user = by
    locked.full_clean()
    locked.save()
    for name, values in linked.items():
        getattr(locked, name).set(values)
    return locked


def _is_link(name: str) -> bool:
    return Action._meta.get_field(name).many_to_many


# The largest number a PositiveSmallIntegerField holds on every database.
LARGEST_ACTION_NUMBER = 32767


@transaction.atomic
def action_add(plan: WorkPlan, *, by, number: int | None = None, **fields) -> Action:
    """Add an action to a plan, numbered `number` or else the plan's next number."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"action_add cannot set {', '.join(sorted(unknown))}.")
    # Numbering waits on the plan's row, so that two actions added at once get two numbers.
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    if number is None:
        number = selectors.next_action_number(plan)
    _check_number_free(plan, number)
    _check_target_period(plan, fields.get("target_period", ""))
    linked = {name: fields.pop(name) for name in list(fields) if _is_link(name)}
    action = Action(plan=plan, number=number)
    for name, value in fields.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    action._history_user = by
    action.full_clean()
    action.save()
    for name, values in linked.items():
        getattr(action, name).set(values)
    return action


@transaction.atomic
def action_renumber(action: Action, *, number: int, version: int | None, by) -> Action:
    """Give an action another number of its plan; a number another action has is refused."""
    WorkPlan.objects.select_for_update().filter(pk=action.plan_id).exists()
    locked = Action.objects.select_for_update().get(pk=action.pk)
    versions.check_version(locked, version, fields=["number"], saving={"number": number})
    if number == locked.number:
        return locked
    _check_number_free(locked.plan, number)
    locked.number = number
    locked._history_user = by
    locked.full_clean()
    locked.save()
    return locked


def action_discontinue(action: Action, *, note: str, version: int | None, by) -> Action:
    """Mark an action discontinued, with the reason: the note stays on its timeline."""
    if not note.strip():
        raise ValidationError(
            {"note": "Say why the action is discontinued: the note stays on its timeline."}
        )
    return action_edit(
        action, version=version, by=by, status=Action.Status.DISCONTINUED, status_note=note
    )


@transaction.atomic
def actions_set_status(actions, *, status: str, note: str, by) -> list[Action]:
    """Give every selected action the same status and status note, all or none: each keeps
    the change on its own timeline, with the note."""
    actions = list(actions)
    if not actions:
        raise ValidationError({"selected": "Select at least one action."})
    if not note.strip():
        raise ValidationError(
            {"note": "Say why the status changes: the note stays on each action's timeline."}
        )
    # Locked in one order, so that two changes of overlapping selections wait, not deadlock.
    ids = sorted({action.pk for action in actions})
    locked = list(
        Action.objects.select_for_update().filter(pk__in=ids).select_related("plan__group")
    )
    if len(locked) != len(ids) or not all(
        permissions.can_change_work_plan(by, action.plan) for action in locked
    ):
        raise ValidationError(
            {"selected": "Some of the selected actions are not yours to change: nothing changed."}
        )
    return [
        action_edit(action, version=None, by=by, status=status, status_note=note)
        for action in locked
    ]


def _check_number_free(plan: WorkPlan, number: int) -> None:
    if not 1 <= number <= LARGEST_ACTION_NUMBER:
        raise ValidationError(
            {"number": f"An action's number is between 1 and {LARGEST_ACTION_NUMBER}."}
        )
    taken = plan.actions.filter(number=number).first()
    if taken is not None:
        raise ValidationError(
            {
                "number": f"Action {number} of this plan already exists "
                f"(“{taken.description[:60]}”): choose another number, or renumber that "
                "action first."
            }
        )


def _check_target_period(plan: WorkPlan, target_period: str) -> None:
    """Refuse a target period that does not begin within the plan's period, saying both in
    the plan's words. It may end after the plan (2017/18 in a plan for 2015-17): an action
    still open then is carried into the plan's successor."""
    target_period = target_period.strip()
    planned = selectors.period_years(plan.period)
    if not target_period or planned is None:
        return  # no target, or a plan period the portal cannot read: nothing to hold it to
    target = selectors.period_years(target_period)
    if target is None:
        raise ValidationError(
            {
                "target_period": "Write the target period as a year or a span of years "
                f"beginning within the plan's period {plan.period}, e.g. {plan.period} or "
                f"{planned[0]}."
            }
        )
    if not planned[0] <= target[0] <= planned[1]:
        when = "before it begins" if target[0] < planned[0] else "after it ends"
        raise ValidationError(
            {
                "target_period": f"The plan's period is {plan.period}: a target period of "
                f"{target_period} begins {when}."
            }
        )


def update_post(
    action: Action,
    *,
    text: str,
    author,
    reported_on: datetime.date | None = None,
    from_outcome: Outcome | None = None,
) -> ProgressUpdate:
    """Record a dated progress update on an action."""
    today = timezone.localdate()
    reported_on = reported_on or today
    if not dates.in_range(reported_on):
        raise ValidationError({"reported_on": dates.DATE_RANGE_MESSAGE})
    if reported_on > today:
        raise ValidationError({"reported_on": "Progress is reported on or before today."})
    update = ProgressUpdate(
        action=action,
        text=text.strip(),
        author=author,
        reported_on=reported_on,
        from_outcome=from_outcome,
    )
    update.full_clean()
    update.save()
    return update


# --- From meeting outcomes --------------------------------------------------------------


@transaction.atomic
def action_from_outcome(
    outcome: Outcome,
    plan: WorkPlan,
    *,
    description: str,
    by,
    target_period: str = "",
    initiative: str = "",
) -> Action:
    """Make a meeting outcome the plan's next action, made from the outcome and delivered
    at its meeting."""
    plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    already = plan.actions.filter(from_outcome=outcome).first()
    if already:
        raise ValidationError(
            {"plan": f"Outcome {outcome.number} is already action {already.number} of this plan."}
        )
    last = plan.actions.aggregate(n=Max("number"))["n"] or 0
    action = Action(
        plan=plan,
        number=last + 1,
        description=description.strip(),
        target_period=target_period.strip(),
        initiative=initiative,
        from_outcome=outcome,
    )
    action._history_user = by
    action.full_clean()
    action.save()
    action.delivered_at.add(outcome.meeting_id)
    return action


def update_from_outcome(
    outcome: Outcome,
    action: Action,
    *,
    by,
    text: str = "",
    reported_on: datetime.date | None = None,
) -> ProgressUpdate:
    """Record a meeting outcome as a progress update of an existing action: the outcome's
    text and the last day of its meeting unless told otherwise."""
    if action.updates.filter(from_outcome=outcome).exists():
        raise ValidationError(
            {"action": f"Outcome {outcome.number} is already recorded on action {action.number}."}
        )
    meeting = outcome.meeting
    return update_post(
        action,
        text=text.strip() or outcome.text,
        author=by,
        reported_on=reported_on or meeting.ends_at.astimezone(meeting.zone).date(),
        from_outcome=outcome,
    )


# --- Plans ------------------------------------------------------------------------------

# What a plan's editor may change. The group and the address stay (links to the plan keep
# working when its period is corrected); the status moves only by adoption and succession.
PLAN_FIELDS = ("title", "period", "background", "priorities")
OBJECTIVES_LABEL = "High-level objectives"


@transaction.atomic
def plan_create(
    group,
    *,
    title: str,
    period: str,
    by,
    background: str = "",
    objectives: list[str] = (),
    priorities=(),
) -> WorkPlan:
    """Start a group's new plan as a draft; its address is made from its period."""
    # Plans of one group wait for each other, so that two made at once cannot share an address.
    type(group).objects.select_for_update().filter(pk=group.pk).exists()
    slug = _plan_slug(group, period)
    _check_priorities(group, priorities)
    plan = WorkPlan(
        group=group,
        title=title.strip(),
        period=period.strip(),
        slug=slug,
        background=background.strip(),
        status=WorkPlan.Status.DRAFT,
    )
    plan._history_user = by
    plan.full_clean()
    plan.save()
    plan.priorities.set(priorities)
    _objectives_set(plan, list(objectives), by=by)
    return plan


@transaction.atomic
def plan_edit(
    plan: WorkPlan,
    *,
    version: int | None,
    by,
    title: str,
    period: str,
    background: str,
    objectives: list[str],
    priorities,
    objectives_read: list[str] | None = None,
) -> WorkPlan:
    """Change a plan's title, period, background, objectives and priorities; refused when
    someone saved it after `version` (and the objectives after `objectives_read`) was read."""
    locked = WorkPlan.objects.select_for_update().select_related("group").get(pk=plan.pk)
    fields = {"title": title, "period": period, "background": background}
    versions.check_version(
        locked, version, fields=PLAN_FIELDS, saving={**fields, "priorities": priorities}
    )
    _check_priorities(locked.group, priorities)
    current = list(locked.objectives.order_by("number").values_list("text", flat=True))
    objectives = [text.strip() for text in objectives]
    if objectives_read is not None and objectives_read != current:
        if objectives == objectives_read:
            objectives = current  # theirs changed them, this person did not: keep theirs
        elif objectives != current:
            raise _objectives_conflict(locked, objectives_read, current)
    for name, value in fields.items():
        setattr(locked, name, value.strip())
    locked._history_user = by
    locked.full_clean()
    # The objectives first: the plan's own record, saved last, is then the newest, and a
    # form read at it sees both.
    _objectives_set(locked, objectives, by=by)
    locked.save()
    locked.priorities.set(priorities)
    return locked


@transaction.atomic
def plan_adopt(
    plan: WorkPlan, *, meeting: Meeting, by, adopted_on: datetime.date | None = None
) -> Revision:
    """Adopt a draft at a meeting of its group that was held: the plan as it stands is
    frozen as its revision 1, adopted on the meeting's last day unless told otherwise."""
    locked = WorkPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status != WorkPlan.Status.DRAFT:
        raise ValidationError(
            f"This plan is {locked.get_status_display().lower()}: only a draft is adopted. "
            "An adopted plan takes a new revision instead."
        )
    if not selectors.adoption_meetings(locked).filter(pk=meeting.pk).exists():
        raise ValidationError(
            {"meeting": "Choose a meeting of the group that has been held (not cancelled)."}
        )
    first_day = meeting.starts_at.astimezone(meeting.zone).date()
    adopted_on = adopted_on or meeting.ends_at.astimezone(meeting.zone).date()
    if not dates.in_range(adopted_on):
        raise ValidationError({"adopted_on": dates.DATE_RANGE_MESSAGE})
    if adopted_on < first_day or adopted_on > timezone.localdate():
        raise ValidationError(
            {
                "adopted_on": f"The meeting began on {first_day:%-d %B %Y}: the plan is "
                "adopted on that day or later, and not after today."
            }
        )
    locked.status = WorkPlan.Status.ADOPTED
    locked.adopted_at = meeting
    locked._history_user = by
    locked.save()
    return revision_adopt(
        locked,
        label=f"Adopted at {meeting.title}",
        adopted_on=adopted_on,
        adopted_at=meeting,
        adopted_by=by,
    )


@transaction.atomic
def plan_supersede(
    plan: WorkPlan, *, title: str, period: str, by, carry_over: bool = False
) -> WorkPlan:
    """Replace an adopted plan with its successor for the next period, a draft that starts
    with its background, objectives and priorities; on request its open actions too, with
    their numbers. The adopted plan is superseded at once and stays readable."""
    locked = WorkPlan.objects.select_for_update().select_related("group").get(pk=plan.pk)
    if locked.status != WorkPlan.Status.ADOPTED:
        raise ValidationError(
            f"This plan is {locked.get_status_display().lower()}: only an adopted plan is "
            "superseded."
        )
    successor = plan_create(
        locked.group,
        title=title,
        period=period,
        by=by,
        background=locked.background,
        objectives=list(locked.objectives.order_by("number").values_list("text", flat=True)),
        priorities=list(locked.priorities.all()),
    )
    if carry_over:
        _actions_carry_over(locked, successor, by=by)
    locked.status = WorkPlan.Status.SUPERSEDED
    locked._history_user = by
    locked.save()
    return successor


def _plan_slug(group, period: str) -> str:
    # The exchange module imports this one; its list of addresses the pages use is read here.
    from workplans.exchange import RESERVED_SLUGS

    slug = slugify(period)[: WorkPlan._meta.get_field("slug").max_length]
    if not slug:
        raise ValidationError({"period": "Give the period in digits, e.g. 2025-27."})
    if slug in RESERVED_SLUGS:
        raise ValidationError({"period": f"'{period}' is not a period, e.g. 2025-27."})
    taken = WorkPlan.objects.filter(group=group, slug=slug).first()
    if taken:
        raise ValidationError(
            {"period": f"{group.short_name} already has a plan for {taken.period}: {taken.title}."}
        )
    return slug


def _check_priorities(group, priorities) -> None:
    if any(p.group_id != group.pk for p in priorities):
        raise ValidationError(
            {"priorities": f"Choose among the regional priorities of {group.short_name}."}
        )


def _objectives_set(plan: WorkPlan, texts: list[str], *, by) -> None:
    """Make the plan's objectives these texts, numbered in order; an objective that actions
    are linked to is not removed."""
    texts = [text.strip() for text in texts if text.strip()]
    existing = list(plan.objectives.order_by("number"))
    removed = existing[len(texts) :]
    for objective in removed:
        numbers = list(objective.actions.order_by("number").values_list("number", flat=True))
        if numbers:
            raise ValidationError(
                {
                    "objectives": f"Objective {objective.number} is linked to action "
                    f"{', '.join(map(str, numbers))}: keep it, or unlink it from the action first."
                }
            )
    for objective in removed:
        objective._history_user = by
        objective.delete()
    for number, text in enumerate(texts, start=1):
        if number <= len(existing):
            objective = existing[number - 1]
            if objective.text == text:
                continue
            objective.text = text
        else:
            objective = Objective(plan=plan, number=number, text=text)
        objective._history_user = by
        objective.full_clean()
        objective.save()


def _objectives_conflict(plan, read: list[str], current: list[str]):
    """The refusal of objectives someone else changed since they were read."""
    since = Objective.history.filter(plan_id=plan.pk).select_related("history_user")
    latest = since.order_by("-history_id").first()
    editor = str(latest.history_user) if latest and latest.history_user else "Someone"
    changes = [(OBJECTIVES_LABEL, "; ".join(read) or "(empty)", "; ".join(current) or "(empty)")]
    return versions.EditConflict(
        [
            f"{editor} changed the high-level objectives after you opened this page:",
            f"{OBJECTIVES_LABEL}: “{changes[0][1]}” → “{changes[0][2]}”",
            "Nothing of yours has been saved yet. Check the objectives below, then save again.",
        ],
        version=versions.version_of(plan),
        changes=changes,
        editors=[editor],
        changed_at=latest.history_date if latest else None,
        theirs={"objectives_read": "\n".join(current)},
    )


def _actions_carry_over(old: WorkPlan, new: WorkPlan, *, by) -> None:
    """Copy the old plan's open actions into the new one, with their numbers, wording,
    status, members and priorities; linked to the new plan's objectives of the same number."""
    objectives = {o.number: o for o in new.objectives.all()}
    for action in selectors.actions_for_plan(old).exclude(status__in=selectors.CLOSED):
        action_copy(
            new,
            action,
            by=by,
            lead_members=action.lead_members.all(),
            funding_members=action.funding_members.all(),
            priorities=action.priorities.all(),
            objectives=[
                objectives[o.number] for o in action.objectives.all() if o.number in objectives
            ],
        )


# What an action takes into another plan (a successor, an import), besides its links.
COPIED_FIELDS = (
    "description",
    "status",
    "status_note",
    "target_period",
    "initiative",
    "in_bali_process_strategy",
    "proposed_for_rso_work_plan",
)


def action_copy(plan: WorkPlan, source, *, by=None, **links) -> Action:
    """A new action of the plan with the number, wording and status of `source` (an action
    of another plan, or an action read from a file) and the given links."""
    copy = Action(
        plan=plan,
        number=source.number,
        **{name: getattr(source, name) for name in COPIED_FIELDS},
    )
    if by is not None:
        copy._history_user = by
    copy.save()
    for name, values in links.items():
        getattr(copy, name).set(values)
    return copy


# --- Members' proposals -------------------------------------------------------------------

PROPOSAL_EMAIL = "workplans/email/proposal_decided"


def _proposal_subject(kind: str, action: Action | None) -> str:
    """What is proposed, in words: "to lead action 2", "a new initiative"."""
    if kind == Proposal.Kind.LEAD:
        return f"to lead action {action.number}"
    if kind == Proposal.Kind.FUNDER:
        return f"to fund action {action.number}"
    return "a new initiative"


def _members_of(action: Action, kind: str):
    return action.lead_members if kind == Proposal.Kind.LEAD else action.funding_members


def _check_action_takes(action: Action, member, kind: str) -> None:
    """Refuse an action that is closed, or that the member already leads or funds."""
    if action.status in permissions.CLOSED_ACTIONS:
        raise ValidationError(
            f"Action {action.number} is {action.get_status_display().lower()}: it takes no "
            "more leads or funders."
        )
    if _members_of(action, kind).filter(pk=member.pk).exists():
        role = "a lead member" if kind == Proposal.Kind.LEAD else "a funding member"
        raise ValidationError(f"{member.name} is already {role} of action {action.number}.")


def _check_plan_open(plan: WorkPlan) -> None:
    if plan.status == WorkPlan.Status.SUPERSEDED:
        raise ValidationError(
            f"{plan.title} is superseded: propose on the plan that succeeded it instead."
        )


@transaction.atomic
def proposal_make(
    plan: WorkPlan, *, by, member, kind: str, action: Action | None = None, description: str = ""
) -> Proposal:
    """A member's self-nomination, made by their expert or focal point: to lead or fund an
    action of the plan, or a new initiative for it. It awaits the deciders."""
    # Proposals of one plan wait for each other, so that a proposal sent twice at once is
    # refused as a duplicate rather than made twice.
    plan = WorkPlan.objects.select_for_update().select_related("group").get(pk=plan.pk)
    if kind not in Proposal.Kind.values:
        raise ValidationError({"kind": "Propose to lead or fund an action, or a new initiative."})
    _check_plan_open(plan)
    if member.pk not in permissions.proposing_members(by, plan):
        raise ValidationError(
            {
                "member": f"You propose only the members you take part for in "
                f"{plan.group.short_name}, and {member.name} is not one of them."
            }
        )
    description = description.strip()
    if kind == Proposal.Kind.INITIATIVE:
        action = None
        if not description:
            raise ValidationError({"description": "Say what the new initiative would do."})
    else:
        if action is None or action.plan_id != plan.pk:
            raise ValidationError("Choose an action of this plan to lead or fund.")
        action = Action.objects.select_for_update().get(pk=action.pk)
        _check_action_takes(action, member, kind)
        waiting = (
            Proposal.objects.filter(
                action=action, member=member, kind=kind, status=Proposal.Status.PENDING
            )
            .select_related("proposed_by")
            .first()
        )
        if waiting is not None:
            who = f" by {waiting.proposed_by}" if waiting.proposed_by else ""
            raise ValidationError(
                f"{member.name}'s proposal {_proposal_subject(kind, action)} already awaits a "
                f"decision (made{who} on {timezone.localtime(waiting.proposed_at):%-d %B %Y})."
            )
    proposal = Proposal(
        plan=plan,
        action=action,
        member=member,
        kind=kind,
        description=description,
        proposed_by=by,
    )
    proposal._history_user = by
    proposal.full_clean()
    proposal.save()
    return proposal


def _proposal_to_decide(proposal: Proposal, by) -> Proposal:
    """The proposal's row, locked so that two deciders at once decide it once; refused when
    it was decided already or is not theirs to decide."""
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("plan__group", "member", "action", "proposed_by", "decided_by")
        .get(pk=proposal.pk)
    )
    if locked.status != Proposal.Status.PENDING:
        who = f" by {locked.decided_by}" if locked.decided_by else ""
        when = f" on {timezone.localtime(locked.decided_at):%-d %B %Y}" if locked.decided_at else ""
        raise ValidationError(
            f"This proposal was already {locked.get_status_display().lower()}{who}{when}: "
            "nothing changed."
        )
    if not permissions.can_decide_proposal(by, locked.plan):
        raise ValidationError("Only the secretariat and the group's co-chairs decide proposals.")
    return locked


def _proposal_decided(proposal: Proposal, status: str, *, by, note: str) -> Proposal:
    proposal.status = status
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.decision_note = note.strip()
    proposal._history_user = by
    proposal.full_clean()
    proposal.save()
    _tell_proposer(proposal)
    return proposal


@transaction.atomic
def proposal_accept(proposal: Proposal, *, by, note: str = "") -> Proposal:
    """Accept a proposal: the member is named lead or funder of the action, or the new
    initiative becomes the plan's next action, led by the member. The proposer is told."""
    locked = _proposal_to_decide(proposal, by)
    _check_plan_open(locked.plan)
    if locked.kind == Proposal.Kind.INITIATIVE:
        locked.resulting_action = action_add(
            locked.plan,
            by=by,
            description=locked.description,
            status=Action.Status.FOR_ACTION,
            lead_members=[locked.member],
        )
    else:
        action = Action.objects.select_for_update().get(pk=locked.action_id)
        _check_action_takes(action, locked.member, locked.kind)
        field = "lead_members" if locked.kind == Proposal.Kind.LEAD else "funding_members"
        members = list(getattr(action, field).all()) + [locked.member]
        action_edit(action, version=None, by=by, **{field: members})
    return _proposal_decided(locked, Proposal.Status.ACCEPTED, by=by, note=note)


@transaction.atomic
def proposal_decline(proposal: Proposal, *, by, note: str = "") -> Proposal:
    """Decline a proposal, with a note for the proposer, who is told."""
    locked = _proposal_to_decide(proposal, by)
    return _proposal_decided(locked, Proposal.Status.DECLINED, by=by, note=note)


def _tell_proposer(proposal: Proposal) -> None:
    """Tell the proposer of the decision, in the portal and by e-mail after the commit, if
    they may still read it (decided in portal.permissions)."""
    plan = proposal.plan
    notify(
        permissions.proposal_recipients(proposal),
        Notification.Kind.PROPOSAL_DECIDED,
        key=f"proposal-decided:{proposal.pk}:{proposal.status}",
        template=PROPOSAL_EMAIL,
        context={
            "proposal": proposal,
            "plan": plan,
            "subject": _proposal_subject(proposal.kind, proposal.action),
        },
        link=reverse("proposal_list", args=[plan.group.slug, plan.slug]),
    )


# --- Attachments ----------------------------------------------------------------------------
#
# A document attached to the plan or to one of its actions (the list of regional priorities
# at "Attachment A"), uploaded as a meeting's paper is: the name and the content must agree
# on one of the accepted kinds, within the size limit.


def _attachment_problems(plan: WorkPlan, label: str, title: str, action) -> dict:
    errors: dict[str, list[str]] = {}
    if not label:
        errors["label"] = ['Give the attachment a label, as the plan refers to it: "Attachment A".']
    elif len(label) > Attachment._meta.get_field("label").max_length:
        errors["label"] = ["Keep the label to 40 characters."]
    elif plan.attachments.filter(label__iexact=label).exists():
        errors["label"] = [f"The plan has an attachment labelled {label} already: choose another."]
    if not title:
        errors["title"] = ["Give the attachment a title."]
    elif len(title) > Attachment._meta.get_field("title").max_length:
        errors["title"] = ["Keep the title to 300 characters."]
    if action is not None and action.plan_id != plan.pk:
        errors["action"] = ["Choose an action of this plan, or none for the whole plan."]
    return errors


def attachment_add(plan: WorkPlan, *, label: str, title: str, upload, uploaded_by, action=None):
    """A document attached to the plan (or to one of its actions): refused as a whole, with
    every reason, when its label is taken, its action is another plan's or its file is not
    an accepted kind."""
    label, title = (label or "").strip(), (title or "").strip()
    errors = _attachment_problems(plan, label, title, action)
    try:
        kind = papers.check_upload(upload)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    size, sha256 = papers.measure(upload)
    extension = kind.extensions[0]
    attachment = Attachment(
        plan=plan,
        action=action,
        label=label,
        title=title,
        original_name=papers.original_name(upload.name, kind, fallback="attachment"),
        content_type=kind.content_type,
        size=size,
        # Set before the file is written: the stored name is made from it.
        sha256=sha256,
        uploaded_by=uploaded_by,
    )
    attachment._history_user = uploaded_by
    try:
        with transaction.atomic():
            # Two uploads at once under one label: the second waits and is told.
            WorkPlan.objects.select_for_update().filter(pk=plan.pk).first()
            if taken := _attachment_problems(plan, label, title, None):
                raise ValidationError(taken)
            attachment.file.save(f"attachment.{extension}", upload, save=False)
            attachment.save()
    except IntegrityError:
        # Where rows are not locked (SQLite), the database's own rule tells the second one.
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise ValidationError(
            {"label": [f"The plan has an attachment labelled {label} already: choose another."]}
        ) from None
    except BaseException:
        # A file written for a row that was never saved must not stay behind in storage.
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def attachment_remove(attachment: Attachment, by) -> None:
    """Remove an attachment from its plan; its file goes once the removal is committed (the
    history keeps who removed what, and when)."""
    name, storage = attachment.file.name, attachment.file.storage
    attachment._history_user = by
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))

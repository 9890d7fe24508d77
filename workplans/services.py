"""Everything that changes a work plan: revisions and progress updates."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from meetings.models import Meeting, Outcome
from portal import dates, versions
from workplans import selectors
from workplans.models import Action, ProgressUpdate, Revision, WorkPlan


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
    revision = Revision.objects.create(
        plan=plan,
        number=last + 1,
        label=label.strip(),
        adopted_on=adopted_on,
        adopted_at=adopted_at,
        snapshot=selectors.snapshot(plan),
        adopted_by=adopted_by,
    )
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

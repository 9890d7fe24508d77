"""Everything that changes a work plan: revisions and progress updates."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from meetings.models import Meeting, Outcome
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

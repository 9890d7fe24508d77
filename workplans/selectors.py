"""Reads about work plans that pages, exports and reports share."""

from django.db.models import Prefetch, QuerySet

from workplans.models import Action, ProgressUpdate, WorkPlan


def actions_for_plan(plan: WorkPlan) -> QuerySet[Action]:
    """A plan's actions in order, with everything the plan table shows, in a fixed number of
    queries: members, priorities, objectives, delivering meetings and the latest update."""
    latest_first = ProgressUpdate.objects.select_related("author").order_by(
        "-reported_on", "-created_at"
    )
    return plan.actions.order_by("number").prefetch_related(
        "lead_members",
        "funding_members",
        "priorities",
        "objectives",
        "delivered_at",
        Prefetch("updates", latest_first, to_attr="update_list"),
    )


def snapshot(plan: WorkPlan) -> dict:
    """The plan as plain data, the way a revision keeps it."""
    return {
        "title": plan.title,
        "period": plan.period,
        "objectives": [
            {"number": o.number, "text": o.text} for o in plan.objectives.order_by("number")
        ],
        "actions": [
            {
                "number": a.number,
                "description": a.description,
                "status": a.status,
                "status_note": a.status_note,
                "target_period": a.target_period,
                "initiative": a.initiative,
                "lead_members": sorted(str(m) for m in a.lead_members.all()),
                "funding_members": sorted(str(m) for m in a.funding_members.all()),
                "priorities": [
                    p.numeral for p in sorted(a.priorities.all(), key=lambda p: p.order)
                ],
                "objectives": sorted(o.number for o in a.objectives.all()),
                "in_bali_process_strategy": a.in_bali_process_strategy,
                "proposed_for_rso_work_plan": a.proposed_for_rso_work_plan,
            }
            for a in actions_for_plan(plan)
        ],
    }

"""The printable work plan: the Action | Status table turned into PDF bytes with WeasyPrint."""

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from portal import pdf
from workplans import selectors
from workplans.models import Action, WorkPlan

TEMPLATE = "workplans/pdf/plan.html"


@dataclass(frozen=True)
class PrintedAction:
    """One action as printed: plain values only, so the template never queries."""

    number: int
    description: str
    target_period: str
    initiative: str
    lead_members: list[str]
    funding_members: list[str]
    priorities: list[str]
    status: str
    status_note: str
    latest_update_on: datetime.date | None
    latest_update: str


def _printed(action: Action) -> PrintedAction:
    latest = action.update_list[0] if action.update_list else None
    return PrintedAction(
        number=action.number,
        description=action.description,
        target_period=action.target_period,
        initiative=action.get_initiative_display() if action.initiative else "",
        lead_members=sorted(str(m) for m in action.lead_members.all()),
        funding_members=sorted(str(m) for m in action.funding_members.all()),
        priorities=[p.numeral for p in sorted(action.priorities.all(), key=lambda p: p.order)],
        status=action.get_status_display(),
        status_note=action.status_note,
        latest_update_on=latest.reported_on if latest else None,
        latest_update=latest.text if latest else "",
    )


def printable_actions(plan: WorkPlan) -> list[PrintedAction]:
    """The plan's actions in order, read in a fixed number of queries."""
    return [_printed(action) for action in selectors.actions_for_plan(plan)]


def plan_pdf(plan: WorkPlan, *, actions: list[PrintedAction]) -> bytes:
    """The plan on A4: group, title and period on top, one row per action, page X of Y."""
    context = {
        "group_name": plan.group.name,
        "group_short_name": plan.group.short_name,
        "title": plan.title,
        "period": plan.period,
        "status": plan.get_status_display(),
        "is_draft": plan.status == WorkPlan.Status.DRAFT,
        "actions": actions,
        "printed_at": timezone.localtime(),
    }
    html = render_to_string(TEMPLATE, context)
    return pdf.html_to_pdf(html)

"""A group's work plans, one plan as its "Action | Status" table, its adopted revisions and
the comparison of any two of them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal import permissions
from portal.forms import add_service_errors
from portal.submissions import answered_once
from workplans import chart, revisions, selectors, services
from workplans.forms import CURRENT, CompareForm, RevisionForm
from workplans.models import Revision, WorkPlan


def _revision_label(revision: Revision) -> str:
    return f"Revision {revision.number}, {revision.adopted_on:%-d %B %Y}"


@login_required
def plan_list(request, group_slug):
    group = permissions.get_group_for_user(request.user, group_slug)
    plans = (
        permissions.visible_work_plans(request.user)
        .filter(group=group)
        .annotate(action_count=Count("actions", distinct=True))
        .annotate(revision_count=Count("revisions", distinct=True))
        .order_by("-period", "title")
    )
    context = {
        "group": group,
        "plans": plans,
        "can_import": permissions.can_change_group(request.user, group),
    }
    return render(request, "workplans/plan_list.html", context)


@login_required
def plan_detail(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    form = None
    if permissions.can_change_work_plan(request.user, plan):
        form = RevisionForm(plan=plan)
    return _render_plan(request, plan, form)


@login_required
@require_POST
@answered_once
def revision_adopt(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug, to_change=True)
    form = RevisionForm(request.POST, plan=plan)
    if form.is_valid():
        try:
            revision = services.revision_adopt(plan, adopted_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Revision {revision.number} is adopted: the plan as it stands is kept."
            )
            return redirect(_revision_url(plan, revision.number))
    return _render_plan(request, plan, form)


def _render_plan(request, plan: WorkPlan, form: RevisionForm | None):
    rows = revisions.rows_from_actions(selectors.actions_for_plan(plan))
    context = {
        "plan": plan,
        "group": plan.group,
        "rows": rows,
        "objectives": list(plan.objectives.order_by("number")),
        "priorities": list(plan.group.regional_priorities.order_by("order")),
        "revisions": list(plan.revisions.defer("snapshot").order_by("number")),
        "chart": chart.status_chart(row.status for row in rows),
        "form": form,
    }
    return render(request, "workplans/plan_detail.html", context)


@login_required
def revision_detail(request, group_slug, plan_slug, revision):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    numbers = list(plan.revisions.order_by("number").values_list("number", flat=True))
    if revision not in numbers:
        raise Http404("No such revision")
    adopted = plan.revisions.select_related("adopted_at").get(number=revision)
    snapshot = adopted.snapshot
    context = {
        "plan": plan,
        "group": plan.group,
        "revision": adopted,
        "latest": numbers[-1],
        "previous": numbers[numbers.index(revision) - 1] if revision != numbers[0] else None,
        "title": snapshot.get("title", plan.title),
        "period": snapshot.get("period", plan.period),
        "objectives": snapshot.get("objectives", []),
        "rows": revisions.rows_from_snapshot(snapshot),
        "caption": f"Actions and their status in revision {revision}",
    }
    return render(request, "workplans/revision_detail.html", context)


@login_required
def plan_compare(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    adopted = {r.number: r for r in plan.revisions.defer("snapshot").order_by("number")}
    numbers = list(adopted)
    labels = {n: _revision_label(r) for n, r in adopted.items()}
    form = CompareForm(
        request.GET if request.GET else _default_pair(numbers), numbers=numbers, labels=labels
    )
    context = {"plan": plan, "group": plan.group, "form": form, "revisions": numbers}
    if numbers and form.is_valid():
        old, new = form.cleaned_data["from"], form.cleaned_data["to"]
        wanted = [old] if new == CURRENT else [old, new]
        snapshots = dict(plan.revisions.filter(number__in=wanted).values_list("number", "snapshot"))
        new_snapshot = selectors.snapshot(plan) if new == CURRENT else snapshots[new]
        context |= {
            "old": adopted[old],
            "new": adopted.get(new),  # None: the plan as it stands now
            "comparison": revisions.compare(snapshots[old], new_snapshot),
        }
    return render(request, "workplans/plan_compare.html", context)


def _default_pair(numbers: list[int]) -> dict:
    """The last two revisions; with one, that revision and the plan as it stands now."""
    if len(numbers) >= 2:
        return {"from": numbers[-2], "to": numbers[-1]}
    return {"from": numbers[-1] if numbers else "", "to": CURRENT}


def _revision_url(plan: WorkPlan, number: int) -> str:
    return reverse("work_plan_revision", args=[plan.group.slug, plan.slug, number])

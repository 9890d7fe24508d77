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

from portal import paging, permissions
from portal.forms import add_service_errors
from portal.submissions import answered_once
from workplans import chart, revisions, selectors, services
from workplans.forms import (
    CURRENT,
    CompareForm,
    PlanAdoptForm,
    PlanCreateForm,
    PlanForm,
    PlanSupersedeForm,
    RevisionForm,
)
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
        "can_create": permissions.can_create_work_plan(request.user, group),
    }
    return render(request, "workplans/plan_list.html", context)


@login_required
def plan_detail(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    return _render_plan(request, plan)


@login_required
@require_POST
@answered_once
def revision_adopt(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug, to_change=True)
    if plan.status != WorkPlan.Status.ADOPTED:
        # A draft is adopted at a meeting; a superseded plan is kept as it was last adopted.
        messages.error(
            request,
            "Only an adopted plan takes a new revision: "
            + (
                "adopt the draft at a meeting first."
                if plan.status == WorkPlan.Status.DRAFT
                else "this plan is superseded."
            ),
        )
        return redirect(_plan_url(plan))
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


def _render_plan(request, plan: WorkPlan, form: RevisionForm | None = None):
    """The plan page: its table a page of actions at a time, the summary of them all, and
    for its editors a new revision's form once it is adopted (a draft is adopted at a
    meeting, from its own page)."""
    user = request.user
    can_change = permissions.can_change_work_plan(user, plan)
    if form is None and can_change and plan.status == WorkPlan.Status.ADOPTED:
        form = RevisionForm(plan=plan)
    listing = paging.page_of(request, selectors.actions_for_plan(plan))
    can_decide = permissions.can_decide_proposal(user, plan)
    context = {
        "plan": plan,
        "group": plan.group,
        "listing": listing,
        "rows": revisions.rows_from_actions(listing.rows),
        "objectives": list(plan.objectives.order_by("number")),
        "priorities": list(plan.group.regional_priorities.order_by("order")),
        "revisions": list(plan.revisions.defer("snapshot").order_by("number")),
        "attachments": selectors.attachments_of(plan),
        "chart": chart.status_chart(selectors.status_counts(plan)),
        "can_change": can_change,
        "form": form,
        "can_decide": can_decide,
        "pending_proposals": selectors.pending_proposals(plan) if can_decide else 0,
        "can_propose": permissions.can_propose(user, plan),
        "proposes": bool(permissions.proposing_members(user, plan)),
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


# --- Editing plans: new, edit, adopt, supersede -----------------------------------------------


@login_required
@answered_once
def plan_create(request, group_slug):
    group = permissions.get_group_for_user(request.user, group_slug)
    if not permissions.can_create_work_plan(request.user, group):
        raise Http404("No such page")
    form = PlanCreateForm(_posted(request), group=group)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(group, by=request.user, **form.values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{plan.title} is started as a draft.")
            return redirect(_plan_url(plan))
    context = {
        "group": group,
        "form": form,
        "heading": f"A new work plan of {group.short_name}",
        "intro": "The plan starts as a draft, seen by the secretariat and the co-chairs "
        "until it is adopted at a meeting.",
        "submit_label": "Start the draft",
    }
    return render(request, "workplans/plan_form.html", context)


@login_required
def plan_edit(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug, to_change=True)
    if request.method == "POST":
        form = PlanForm(request.POST, group=plan.group, plan=plan)
        if form.is_valid():
            try:
                services.plan_edit(plan, version=form.version, by=request.user, **form.values)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The plan is saved.")
                return redirect(_plan_url(plan))
    else:
        form = PlanForm(group=plan.group, plan=plan)
    context = {
        "plan": plan,
        "group": plan.group,
        "form": form,
        "heading": f"Edit {plan.title}",
        "intro": "The plan's address stays as it is when its period is corrected.",
        "submit_label": "Save the plan",
    }
    return render(request, "workplans/plan_form.html", context)


@login_required
@answered_once
def plan_adopt(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug, to_change=True)
    form = None
    meetings = selectors.adoption_meetings(plan)
    if plan.status == WorkPlan.Status.DRAFT:
        form = PlanAdoptForm(_posted(request), meetings=meetings)
        if request.method == "POST" and form.is_valid():
            try:
                services.plan_adopt(plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, "The plan is adopted: it is kept as it stands as revision 1."
                )
                return redirect(_plan_url(plan))
    context = {
        "plan": plan,
        "group": plan.group,
        "form": form,
        "heading": f"Adopt {plan.title}",
        "no_meetings": form is not None and not meetings.exists(),
        "intro": "The plan as it stands — its objectives and every action — is kept as "
        "revision 1, and every participant of the group can read it.",
        "closed": "Only a draft is adopted. An adopted plan takes a new revision from its page.",
        "submit_label": "Adopt the plan",
    }
    return render(request, "workplans/plan_form.html", context)


@login_required
@answered_once
def plan_supersede(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug, to_change=True)
    form = None
    if plan.status == WorkPlan.Status.ADOPTED:
        form = PlanSupersedeForm(_posted(request))
        if request.method == "POST" and form.is_valid():
            try:
                successor = services.plan_supersede(plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"{successor.title} is started as a draft; {plan.title} is superseded."
                )
                return redirect(_plan_url(successor))
    context = {
        "plan": plan,
        "group": plan.group,
        "form": form,
        "heading": f"Supersede {plan.title}",
        "intro": "Its successor starts as a draft with the same background, objectives and "
        "priorities. This plan is marked superseded at once and stays readable.",
        "closed": "Only an adopted plan is superseded by a successor.",
        "submit_label": "Start the successor",
    }
    return render(request, "workplans/plan_form.html", context)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _plan_url(plan: WorkPlan) -> str:
    return reverse("work_plan_detail", args=[plan.group.slug, plan.slug])

"""Actions across plans, one action with its progress updates, and actions made from
meeting outcomes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import permissions
from portal.forms import add_service_errors
from portal.submissions import answered_once
from workplans import selectors, services
from workplans.filters import ActionFilter
from workplans.forms import NewActionForm, ProgressFromOutcomeForm, UpdateForm
from workplans.models import Action


@login_required
def action_list(request):
    today = timezone.localdate()
    plans = permissions.visible_work_plans(request.user)
    actions = selectors.actions_across_plans(plans, today)
    finder = ActionFilter(
        request.GET or None,
        queryset=actions,
        plans=plans,
        groups=permissions.visible_groups(request.user),
        today=today,
    )
    rows = selectors.action_rows(finder.qs if finder.is_bound else actions, today)
    context = {"filter": finder, "actions": rows, "stale_months": selectors.STALE_AFTER_MONTHS}
    return render(request, "workplans/action_list.html", context)


@login_required
def action_detail(request, group_slug, plan_slug, number):
    action = permissions.get_action_for_user(request.user, group_slug, plan_slug, number)
    form = UpdateForm() if permissions.can_post_update(request.user, action) else None
    return _render_action(request, action, form)


@login_required
@require_POST
@answered_once
def action_update_post(request, group_slug, plan_slug, number):
    action = permissions.get_action_for_user(request.user, group_slug, plan_slug, number)
    if not permissions.can_post_update(request.user, action):
        raise Http404("No such page")
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.update_post(action, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your progress update on action {action.number} is posted.")
            return redirect(_action_url(action))
    return _render_action(request, action, form)


def _render_action(request, action: Action, form: UpdateForm | None):
    today = timezone.localdate()
    page = selectors.action_page(
        action,
        permissions.visible_meetings(request.user),
        permissions.outcome_visible_meetings(request.user),
        today,
    )
    context = {
        "page": page,
        "action": action,
        "plan": action.plan,
        "form": form,
        "stale_months": selectors.STALE_AFTER_MONTHS,
    }
    return render(request, "workplans/action_detail.html", context)


def _action_url(action: Action) -> str:
    return reverse("action_detail", args=[action.plan.group.slug, action.plan.slug, action.number])


@login_required
def outcome_action(request, meeting_id, outcome_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    outcome = get_object_or_404(meeting.outcomes, pk=outcome_id)
    outcome.meeting = meeting
    # The secretariat changes every plan (permissions.can_change_work_plan), so it may pick any.
    plans = selectors.plans_for_meeting(permissions.visible_work_plans(request.user), meeting)
    actions = selectors.actions_of_plans(plans)
    new_action = NewActionForm(
        request.POST if "make_action" in request.POST else None,
        plans=plans,
        prefix="new",
        initial={"description": outcome.text, "plan": selectors.likely_plan(plans, meeting)},
    )
    progress = ProgressFromOutcomeForm(
        request.POST if "record_progress" in request.POST else None,
        actions=actions,
        prefix="progress",
        initial={"text": outcome.text},
    )
    for form, record in [(new_action, _make_action), (progress, _record_progress)]:
        if form.is_bound and form.is_valid():
            try:
                action, done = record(outcome, form.cleaned_data, request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(_action_url(action))
    context = {
        "meeting": meeting,
        "outcome": outcome,
        "new_action": new_action,
        "progress": progress,
        "links": selectors.outcome_links(request.user, [outcome]).get(outcome.pk, []),
        "outcomes_published": permissions.outcomes_published(meeting),
    }
    return render(request, "workplans/action_from_outcome.html", context)


def _make_action(outcome, data, by) -> tuple[Action, str]:
    action = services.action_from_outcome(
        outcome,
        data["plan"],
        description=data["description"],
        target_period=data["target_period"],
        initiative=data["initiative"],
        by=by,
    )
    plan = action.plan
    return action, (
        f"Outcome {outcome.number} is now action {action.number} of "
        f"{plan.group.short_name} {plan.title}."
    )


def _record_progress(outcome, data, by) -> tuple[Action, str]:
    action = data["action"]
    services.update_from_outcome(
        outcome, action, text=data["text"], reported_on=data["reported_on"], by=by
    )
    return action, f"Outcome {outcome.number} is recorded as progress on action {action.number}."

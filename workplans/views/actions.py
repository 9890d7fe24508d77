"""Actions across plans, one action with its progress updates, and actions made from
meeting outcomes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from portal import paging, permissions
from portal.forms import add_service_errors
from portal.submissions import answered_once
from workplans import exchange, selectors, services
from workplans.filters import ActionFilter
from workplans.forms import (
    ActionAddForm,
    ActionDiscontinueForm,
    ActionForm,
    ActionProposalForm,
    ActionRenumberForm,
    ActionsStatusForm,
    NewActionForm,
    ProgressFromOutcomeForm,
    SelectedActionsForm,
    UpdateForm,
    action_initial,
)
from workplans.models import Action


@login_required
def action_list(request):
    today = timezone.localdate()
    plans = permissions.visible_work_plans(request.user)
    actions = selectors.actions_across_plans(plans)
    # The page number is the pager's, not a filter: with only it, the list is unfiltered.
    query = request.GET.copy()
    query.pop("page", None)
    finder = ActionFilter(
        query or None,
        queryset=actions,
        plans=plans,
        groups=permissions.visible_groups(request.user),
        today=today,
    )
    found = finder.qs if finder.is_bound else actions
    listing = paging.page_of(request, found.values_list("pk", flat=True))
    context = {
        "filter": finder,
        "listing": listing,
        "actions": selectors.action_rows(listing.rows, today),
        "stale_months": selectors.STALE_AFTER_MONTHS,
    }
    if permissions.is_secretariat(request.user):
        context["status_form"] = ActionsStatusForm(actions=Action.objects.none())
        context["list_query"] = request.GET.urlencode()
    return render(request, "workplans/action_list.html", context)


@login_required
def action_detail(request, group_slug, plan_slug, number):
    action = permissions.get_action_for_user(request.user, group_slug, plan_slug, number)
    return _render_action(request, action)


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


# Progress updates shown a page at a time on the action page, newest first.
UPDATES_PER_PAGE = 10


def _render_action(
    request,
    action: Action,
    form: UpdateForm | None = None,
    *,
    proposal_form: ActionProposalForm | None = None,
):
    today = timezone.localdate()
    if form is None and permissions.can_post_update(request.user, action):
        form = UpdateForm()
    if proposal_form is None and permissions.can_propose(request.user, action.plan, action):
        members = selectors.members_to_propose(request.user, action.plan)
        proposal_form = ActionProposalForm(members=members)
    updates = paging.page_of(request, selectors.updates_of(action), per_page=UPDATES_PER_PAGE)
    page = selectors.action_page(
        action,
        permissions.visible_meetings(request.user),
        permissions.outcome_visible_meetings(request.user),
        today,
        updates=updates.rows,
    )
    context = {
        "page": page,
        "action": action,
        "plan": action.plan,
        "form": form,
        "proposal_form": proposal_form,
        # The heading names the member when the person proposes only one.
        "proposing_as": _only_member(proposal_form),
        "updates": updates,
        "stale_months": selectors.STALE_AFTER_MONTHS,
        "timeline": selectors.action_timeline(action),
        "attachments": selectors.attachments_of(action.plan, action),
        "can_change": permissions.can_change_work_plan(request.user, action.plan),
    }
    return render(request, "workplans/action_detail.html", context)


def _only_member(form: ActionProposalForm | None) -> str:
    if form is None:
        return ""
    members = list(form.members.values())
    return members[0].name if len(members) == 1 else ""


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


# --- Editing actions ------------------------------------------------------------------------


def _action_to_change(request, group_slug, plan_slug, number) -> Action:
    """The action, or 404 when it is hidden or its plan is not this person's to change."""
    action = permissions.get_action_for_user(request.user, group_slug, plan_slug, number)
    if not permissions.can_change_work_plan(request.user, action.plan):
        raise Http404("No such page")
    return action


def _posted(request):
    return request.POST if request.method == "POST" else None


@login_required
@answered_once
def action_create(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug, to_change=True)
    form = ActionAddForm(_posted(request), plan=plan)
    next_number = selectors.next_action_number(plan)
    form.fields["number"].help_text = f"Leave empty for the plan's next number, {next_number}."
    if form.is_bound and form.is_valid():
        try:
            action = services.action_add(plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            action.plan = plan
            messages.success(request, f"Action {action.number} is added to the plan.")
            return redirect(_action_url(action))
    context = {"plan": plan, "form": form}
    return render(request, "workplans/action_form.html", context)


@login_required
def action_edit(request, group_slug, plan_slug, number):
    action = _action_to_change(request, group_slug, plan_slug, number)
    form = ActionForm(
        _posted(request), plan=action.plan, edits=action, initial=action_initial(action)
    )
    if form.is_bound and form.is_valid():
        try:
            services.action_edit(action, version=form.version, by=request.user, **form.values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action {action.number} is saved.")
            return redirect(_action_url(action))
    return _render_edit(request, action, form=form)


@login_required
@require_POST
def action_renumber(request, group_slug, plan_slug, number):
    action = _action_to_change(request, group_slug, plan_slug, number)
    form = ActionRenumberForm(request.POST, edits=action, prefix="renumber")
    if form.is_valid():
        try:
            renumbered = services.action_renumber(
                action, number=form.cleaned_data["number"], version=form.version, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            renumbered.plan = action.plan
            messages.success(request, f"Action {action.number} is now action {renumbered.number}.")
            return redirect(_action_url(renumbered))
    return _render_edit(request, action, renumber=form)


@login_required
@require_POST
def action_discontinue(request, group_slug, plan_slug, number):
    action = _action_to_change(request, group_slug, plan_slug, number)
    form = ActionDiscontinueForm(request.POST, edits=action, prefix="discontinue")
    if form.is_valid():
        try:
            services.action_discontinue(
                action, note=form.cleaned_data["note"], version=form.version, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Action {action.number} is discontinued.")
            return redirect(_action_url(action))
    return _render_edit(request, action, discontinue=form)


def _render_edit(request, action: Action, *, form=None, renumber=None, discontinue=None):
    """The edit page: the action's form, and the forms to renumber and discontinue it."""
    if form is None:
        form = ActionForm(plan=action.plan, edits=action, initial=action_initial(action))
    if renumber is None:
        renumber = ActionRenumberForm(
            edits=action, prefix="renumber", initial={"number": action.number}
        )
    if discontinue is None:
        discontinue = ActionDiscontinueForm(edits=action, prefix="discontinue")
    context = {
        "plan": action.plan,
        "action": action,
        "form": form,
        "renumber": renumber,
        "discontinue": discontinue,
    }
    return render(request, "workplans/action_form.html", context)


# --- The actions selected on the action list --------------------------------------------


@login_required
@require_POST
def action_list_selected(request):
    """Set the status of the actions ticked on the action list, or export them as CSV."""
    if not permissions.is_secretariat(request.user):
        raise Http404("No such page")
    actions = selectors.actions_across_plans(permissions.visible_work_plans(request.user))
    if "export" in request.POST:
        form = SelectedActionsForm(request.POST, actions=actions)
        if form.is_valid():
            return _selected_csv(form.cleaned_data["selected"])
    else:
        form = ActionsStatusForm(request.POST, actions=actions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                changed = services.actions_set_status(
                    data["selected"], status=data["status"], note=data["note"], by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                count = len(changed)
                noun = "action" if count == 1 else "actions"
                status = Action.Status(data["status"]).label
                messages.success(request, f"Set {count} {noun} to {status}.")
                return redirect(_list_url(request))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(_list_url(request))


def _list_url(request) -> str:
    """The action list with the filters and page it was posted from."""
    query = request.GET.urlencode()
    return reverse("action_list") + (f"?{query}" if query else "")


def _selected_csv(selected) -> HttpResponse:
    """The selected actions as a CSV download."""
    response = HttpResponse(exchange.actions_csv(selected), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="selected-actions.csv"
    )
    return response

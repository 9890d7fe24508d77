"""Members' proposals on a work plan, as the Terms of Reference invite them: to lead or
fund an action, or a new initiative; and the list where the secretariat and the group's
co-chairs accept or decline them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal import paging, permissions
from portal.forms import add_service_errors
from portal.submissions import answered_once
from workplans import selectors, services
from workplans.forms import ActionProposalForm, InitiativeProposalForm, ProposalDecisionForm
from workplans.models import Proposal, WorkPlan
from workplans.views.actions import _action_url, _render_action


@login_required
def proposal_list(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    return _render_list(request, plan)


def _render_list(request, plan: WorkPlan, initiative: InitiativeProposalForm | None = None):
    if initiative is None and permissions.can_propose(request.user, plan):
        initiative = InitiativeProposalForm(
            members=selectors.members_to_propose(request.user, plan)
        )
    proposals = selectors.proposals_listed(permissions.visible_proposals(request.user, plan))
    listing = paging.page_of(request, proposals)
    context = {
        "plan": plan,
        "group": plan.group,
        "listing": listing,
        "proposals": list(listing.rows),
        "can_decide": permissions.can_decide_proposal(request.user, plan),
        "initiative": initiative,
        "list_query": request.GET.urlencode(),
    }
    return render(request, "workplans/proposal_list.html", context)


@login_required
@require_POST
@answered_once
def initiative_propose(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    if not permissions.can_propose(request.user, plan):
        raise Http404("No such page")
    form = InitiativeProposalForm(
        request.POST, members=selectors.members_to_propose(request.user, plan)
    )
    if form.is_valid():
        try:
            proposal = services.proposal_make(
                plan, by=request.user, kind=Proposal.Kind.INITIATIVE, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{proposal.member.name}'s new initiative is proposed: the secretariat and the "
                "co-chairs decide it, and you are told by e-mail.",
            )
            return redirect(_list_url(plan))
    return _render_list(request, plan, initiative=form)


@login_required
@require_POST
@answered_once
def action_propose(request, group_slug, plan_slug, number):
    action = permissions.get_action_for_user(request.user, group_slug, plan_slug, number)
    if not permissions.can_propose(request.user, action.plan, action):
        raise Http404("No such page")
    form = ActionProposalForm(
        request.POST, members=selectors.members_to_propose(request.user, action.plan)
    )
    if form.is_valid():
        try:
            proposal = services.proposal_make(
                action.plan, by=request.user, action=action, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            what = "lead" if proposal.kind == Proposal.Kind.LEAD else "fund"
            messages.success(
                request,
                f"{proposal.member.name} is proposed to {what} action {action.number}: the "
                "secretariat and the co-chairs decide it, and you are told by e-mail.",
            )
            return redirect(_action_url(action))
    return _render_action(request, action, proposal_form=form)


@login_required
@require_POST
def proposal_accept(request, group_slug, plan_slug, proposal_id):
    return _decide(request, group_slug, plan_slug, proposal_id, services.proposal_accept)


@login_required
@require_POST
def proposal_decline(request, group_slug, plan_slug, proposal_id):
    return _decide(request, group_slug, plan_slug, proposal_id, services.proposal_decline)


def _decide(request, group_slug, plan_slug, proposal_id, decide):
    proposal = permissions.get_proposal_for_user(
        request.user, group_slug, plan_slug, proposal_id, to_decide=True
    )
    plan = proposal.plan
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_list_url(plan, request))
    try:
        decided = decide(proposal, by=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        done = f"{decided.member.name}'s proposal is {decided.get_status_display().lower()}"
        if decided.resulting_action:
            done += f": it is now action {decided.resulting_action.number} of the plan"
        messages.success(request, f"{done}. The proposer is told by e-mail.")
    return redirect(_list_url(plan, request))


def _list_url(plan: WorkPlan, request=None) -> str:
    """The plan's proposals, on the page the decision was sent from."""
    url = reverse("proposal_list", args=[plan.group.slug, plan.slug])
    query = request.GET.urlencode() if request is not None else ""
    return url + (f"?{query}" if query else "")

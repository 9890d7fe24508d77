from django.urls import path  # noqa: F401

from workplans.views import actions, exchange, plans, proposals

urlpatterns = [
    # Before the plan pages, which would read "import" and "new" as a plan's address.
    path(
        "groups/<slug:group_slug>/work-plans/import/",
        exchange.plan_import,
        name="work_plan_import",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/new/",
        plans.plan_create,
        name="work_plan_create",
    ),
    # -- plans, revisions and comparisons
    path("groups/<slug:group_slug>/work-plans/", plans.plan_list, name="work_plan_list"),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/",
        plans.plan_detail,
        name="work_plan_detail",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/edit/",
        plans.plan_edit,
        name="work_plan_edit",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/adopt/",
        plans.plan_adopt,
        name="work_plan_adopt",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/supersede/",
        plans.plan_supersede,
        name="work_plan_supersede",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/revisions/",
        plans.revision_adopt,
        name="work_plan_revision_adopt",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/revisions/<int:revision>/",
        plans.revision_detail,
        name="work_plan_revision",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/compare/",
        plans.plan_compare,
        name="work_plan_compare",
    ),
    # -- actions and progress updates
    path("actions/", actions.action_list, name="action_list"),
    path("actions/selected/", actions.action_list_selected, name="action_list_selected"),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/actions/<int:number>/",
        actions.action_detail,
        name="action_detail",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/actions/<int:number>/updates/",
        actions.action_update_post,
        name="action_update_post",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/actions/new/",
        actions.action_create,
        name="action_create",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/actions/<int:number>/edit/",
        actions.action_edit,
        name="action_edit",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/actions/<int:number>/renumber/",
        actions.action_renumber,
        name="action_renumber",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/actions/<int:number>/discontinue/",
        actions.action_discontinue,
        name="action_discontinue",
    ),
    path(
        "meetings/<int:meeting_id>/outcomes/<int:outcome_id>/action/",
        actions.outcome_action,
        name="outcome_action",
    ),
    # -- members' proposals
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/proposals/",
        proposals.proposal_list,
        name="proposal_list",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/proposals/initiative/",
        proposals.initiative_propose,
        name="initiative_propose",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/proposals/<int:proposal_id>/accept/",
        proposals.proposal_accept,
        name="proposal_accept",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/proposals/<int:proposal_id>/decline/",
        proposals.proposal_decline,
        name="proposal_decline",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/actions/<int:number>/propose/",
        proposals.action_propose,
        name="action_propose",
    ),
    # -- import and export
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/plan.csv",
        exchange.plan_csv,
        name="work_plan_csv",
    ),
    path(
        "groups/<slug:group_slug>/work-plans/<slug:plan_slug>/plan.pdf",
        exchange.plan_pdf,
        name="work_plan_pdf",
    ),
]

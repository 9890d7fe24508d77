"""Members propose to lead or fund an action, or a new initiative; the secretariat and the
group's co-chairs accept or decline, and the proposer is told."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Participation
from tests.factories import (
    ActionFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)
from tests.races import at_once, needs_row_locks
from workplans import services
from workplans.models import Action, Proposal, WorkPlan

pytestmark = pytest.mark.django_db
K = Proposal.Kind


@pytest.fixture
def world():
    """WG-TIP's adopted plan with two open actions, Thailand's expert, a co-chair, the
    secretariat, an observer and someone of another group."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    plan = WorkPlanFactory(
        group=group, slug="2024-2026", title="Forward Work Plan 2024-2026", period="2024-2026"
    )
    thailand = MemberFactory(name="Thailand")
    return {
        "group": group,
        "plan": plan,
        "action": ActionFactory(plan=plan, number=2, description="Review the legislation."),
        "other_action": ActionFactory(plan=plan, number=3, description="Engage business."),
        "thailand": thailand,
        "expert": participant(group, member=thailand, first_name="Somchai", last_name="R"),
        "co_chair": co_chair(group, first_name="Grace", last_name="Whitfield"),
        "secretariat": SecretariatFactory(first_name="Malee", last_name="Srisuk"),
        "observer": participant(group, role=Participation.Role.OBSERVER),
        "stranger": participant(WorkingGroupFactory()),
    }


def plan_url(name, plan, *extra):
    return reverse(name, args=[plan.group.slug, plan.slug, *extra])


def action_url(name, action):
    return plan_url(name, action.plan, action.number)


def propose_lead(world, kind=K.LEAD, action=None, **fields):
    return services.proposal_make(
        world["plan"],
        by=world["expert"],
        member=world["thailand"],
        kind=kind,
        action=action or world["action"],
        **fields,
    )


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- Proposing ------------------------------------------------------------------------------


def test_an_expert_proposes_their_member_to_lead_an_action_from_its_page(client, world):
    client.force_login(world["expert"])
    page = text_of(client.get(action_url("action_detail", world["action"])))
    assert "Propose Thailand to lead or to fund this action" in page

    response = client.post(
        action_url("action_propose", world["action"]),
        {"member": world["thailand"].pk, "kind": "lead", "description": "We run a course."},
    )

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.member, proposal.kind, proposal.action) == (
        world["thailand"],
        K.LEAD,
        world["action"],
    )
    assert proposal.status == Proposal.Status.PENDING and proposal.proposed_by == world["expert"]
    listing = text_of(client.get(plan_url("proposal_list", world["plan"])))
    assert "Thailand: to lead action 2" in " ".join(re.sub(r"<[^>]+>", "", listing).split())
    assert "Awaiting a decision" in listing
    assert "Accept" not in listing  # the proposer does not decide


def test_an_expert_cannot_propose_a_member_they_do_not_take_part_for(client, world):
    client.force_login(world["expert"])
    japan = MemberFactory(name="Japan")
    response = client.post(
        action_url("action_propose", world["action"]), {"member": japan.pk, "kind": "lead"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(response)
    with pytest.raises(ValidationError, match="You propose only the members you take part for"):
        services.proposal_make(
            world["plan"], by=world["expert"], member=japan, kind=K.LEAD, action=world["action"]
        )
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("who", ["observer", "stranger", "secretariat"])
def test_an_observer_a_stranger_or_the_secretariat_is_offered_no_proposal(client, world, who):
    client.force_login(world[who])
    page = client.get(action_url("action_detail", world["action"]))
    assert page.status_code == (200 if who == "secretariat" else 404)
    assert "Send the proposal" not in page.content.decode()
    response = client.post(
        action_url("action_propose", world["action"]),
        {"member": world["thailand"].pk, "kind": "lead"},
    )
    assert response.status_code == 404
    response = client.post(
        plan_url("initiative_propose", world["plan"]),
        {"member": world["thailand"].pk, "description": "A workshop."},
    )
    assert response.status_code == 404
    assert not Proposal.objects.exists()


def test_a_proposal_of_a_closed_action_or_a_superseded_plan_is_refused(client, world):
    action = world["action"]
    services.action_discontinue(action, note="Merged.", version=None, by=world["secretariat"])
    client.force_login(world["expert"])
    assert (
        "Send the proposal" not in client.get(action_url("action_detail", action)).content.decode()
    )
    with pytest.raises(ValidationError, match="is discontinued: it takes no more leads"):
        propose_lead(world)
    WorkPlan.objects.filter(pk=world["plan"].pk).update(status=WorkPlan.Status.SUPERSEDED)
    with pytest.raises(ValidationError, match="is superseded"):
        propose_lead(world, action=world["other_action"])
    assert not Proposal.objects.exists()


def test_a_member_that_already_leads_or_a_second_pending_proposal_is_refused(world):
    propose_lead(world)
    with pytest.raises(ValidationError, match="already awaits a decision"):
        propose_lead(world)
    world["other_action"].lead_members.add(world["thailand"])
    with pytest.raises(ValidationError, match="Thailand is already a lead member of action 3"):
        propose_lead(world, action=world["other_action"])
    assert Proposal.objects.count() == 1


def test_a_draft_is_proposed_on_by_no_plain_member(client, world):
    draft = WorkPlanFactory(group=world["group"], status=WorkPlan.Status.DRAFT, period="2027-29")
    client.force_login(world["expert"])
    response = client.post(
        plan_url("initiative_propose", draft),
        {"member": world["thailand"].pk, "description": "A workshop."},
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        services.proposal_make(
            draft, by=world["expert"], member=world["thailand"], kind=K.INITIATIVE, description="x"
        )


# --- Deciding ---------------------------------------------------------------------------------


def test_accepting_a_lead_names_the_member_and_the_timeline_and_the_proposer_are_told(
    client, world, django_capture_on_commit_callbacks
):
    proposal = propose_lead(world)
    client.force_login(world["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            plan_url("proposal_accept", world["plan"], proposal.pk), {"note": "Welcome."}
        )
    assert response.status_code == 302
    assert list(world["action"].lead_members.all()) == [world["thailand"]]
    assert world["action"].history.first().history_user == world["secretariat"]
    client.force_login(world["expert"])
    page = text_of(client.get(action_url("action_detail", world["action"])))
    timeline = page[page.index("Status over time") : page.index("Progress updates")]
    assert "Thailand named lead member, its proposal accepted" in timeline
    assert "By Malee Srisuk: Welcome." in timeline
    assert "Accepted" in text_of(client.get(plan_url("proposal_list", world["plan"])))
    [message] = mail.outbox
    assert message.to == [world["expert"].email]
    assert "Thailand's proposal to lead action 2 is accepted" in message.subject
    assert "Welcome." in message.body


def test_a_co_chair_accepts_a_new_initiative_as_the_plans_next_numbered_action(client, world):
    proposal = services.proposal_make(
        world["plan"],
        by=world["expert"],
        member=world["thailand"],
        kind=K.INITIATIVE,
        description="Hold a regional workshop on victim identification.",
    )
    client.force_login(world["co_chair"])
    response = client.post(plan_url("proposal_accept", world["plan"], proposal.pk), {"note": ""})
    assert response.status_code == 302
    proposal.refresh_from_db()
    action = proposal.resulting_action
    assert action.number == 4 and action.status == Action.Status.FOR_ACTION
    assert action.description == "Hold a regional workshop on victim identification."
    assert list(action.lead_members.all()) == [world["thailand"]]
    listing = text_of(client.get(plan_url("proposal_list", world["plan"])))
    assert "now action 4" in listing


def test_declining_with_a_note_emails_the_proposer_the_note(
    client, world, django_capture_on_commit_callbacks
):
    proposal = propose_lead(world, kind=K.FUNDER)
    client.force_login(world["co_chair"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            plan_url("proposal_decline", world["plan"], proposal.pk),
            {"note": "Funding is settled for this year."},
        )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECLINED and proposal.decided_by == world["co_chair"]
    assert not world["action"].funding_members.exists()
    [message] = mail.outbox
    assert "declined" in message.subject
    assert "Funding is settled for this year." in message.body


def test_a_proposer_whose_participation_ended_is_not_emailed(
    world, django_capture_on_commit_callbacks
):
    proposal = propose_lead(world)
    Participation.objects.filter(person=world["expert"]).update(
        ended_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_decline(proposal, by=world["secretariat"], note="No.")
    assert mail.outbox == []


def test_a_proposal_decided_twice_is_decided_once_and_the_second_is_told_by_whom(client, world):
    proposal = propose_lead(world)
    services.proposal_accept(proposal, by=world["co_chair"])
    with pytest.raises(ValidationError, match="already accepted by Grace Whitfield on"):
        services.proposal_decline(proposal, by=world["secretariat"])
    client.force_login(world["secretariat"])
    response = client.post(
        plan_url("proposal_decline", world["plan"], proposal.pk), {"note": ""}, follow=True
    )
    assert "already accepted by Grace Whitfield" in text_of(response)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert world["action"].lead_members.count() == 1


def test_a_lead_named_meanwhile_is_not_named_twice_on_acceptance(world):
    proposal = propose_lead(world)
    world["action"].lead_members.add(world["thailand"])
    with pytest.raises(ValidationError, match="already a lead member"):
        services.proposal_accept(proposal, by=world["secretariat"])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


@pytest.mark.parametrize("who", ["expert", "observer", "stranger"])
def test_nobody_but_the_secretariat_and_the_co_chairs_decides(client, world, who):
    proposal = propose_lead(world)
    client.force_login(world[who])
    for name in ("proposal_accept", "proposal_decline"):
        assert client.post(plan_url(name, world["plan"], proposal.pk)).status_code == 404
    with pytest.raises(ValidationError, match="Only the secretariat and the group's co-chairs"):
        services.proposal_accept(proposal, by=world[who])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING


def test_a_proposal_of_another_plan_or_a_bad_id_answers_404(client, world):
    proposal = propose_lead(world)
    other = WorkPlanFactory(group=world["group"], period="2021-23")
    client.force_login(world["secretariat"])
    assert client.post(plan_url("proposal_accept", other, proposal.pk)).status_code == 404
    assert client.post(plan_url("proposal_accept", world["plan"], 999999)).status_code == 404
    assert client.get(plan_url("proposal_accept", world["plan"], proposal.pk)).status_code == 405


def test_a_member_sees_only_their_own_members_proposals(client, world):
    propose_lead(world)
    colleague = participant(world["group"])
    client.force_login(colleague)
    page = text_of(client.get(plan_url("proposal_list", world["plan"])))
    assert "No proposal yet." in page


def test_the_plan_page_counts_pending_proposals_for_the_deciders_only(client, world):
    propose_lead(world)
    propose_lead(world, kind=K.FUNDER)
    client.force_login(world["co_chair"])
    page = text_of(client.get(plan_url("work_plan_detail", world["plan"])))
    assert "2 proposals by members await a decision." in page
    client.force_login(world["expert"])
    page = text_of(client.get(plan_url("work_plan_detail", world["plan"])))
    assert "await a decision" not in page and "Propose a new initiative" in page


# --- The plan page's revision forms -----------------------------------------------------------


def test_a_draft_offers_adoption_at_a_meeting_and_an_adopted_plan_a_new_revision(client, world):
    draft = WorkPlanFactory(group=world["group"], status=WorkPlan.Status.DRAFT, period="2027-29")
    client.force_login(world["secretariat"])
    page = client.get(plan_url("work_plan_detail", draft)).content.decode()
    assert "Adopt the plan at a meeting" in page and "Adopt a new revision" not in page
    page = client.get(plan_url("work_plan_detail", world["plan"])).content.decode()
    assert "Adopt a new revision" in page and "Adopt the plan at a meeting" not in page
    response = client.post(
        plan_url("work_plan_revision_adopt", draft), {"label": "x", "adopted_on": "2016-05-18"}
    )
    assert response.status_code == 302 and not draft.revisions.exists()


# --- Paging and query counts ------------------------------------------------------------------


def many_things(world, count: int, first: int = 10):
    """`count` more actions numbered from `first`, as many progress updates on action 2,
    and a pending proposal on each new action."""
    plan, secretary = world["plan"], world["secretariat"]
    for number in range(first, first + count):
        action = ActionFactory(plan=plan, number=number)
        services.proposal_make(
            plan, by=world["expert"], member=world["thailand"], kind=K.LEAD, action=action
        )
        services.update_post(
            world["action"],
            text=f"Update {number - first}.",
            author=secretary,
            reported_on=datetime.date(2016, 1, 1) + datetime.timedelta(days=number - first),
        )


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["secretariat", "expert", "co_chair"])
def test_the_plan_action_and_proposal_pages_ask_as_many_queries_for_60_rows_as_for_3(
    client, world, who
):
    client.force_login(world[who])
    urls = [
        plan_url("work_plan_detail", world["plan"]),
        action_url("action_detail", world["action"]),
        plan_url("proposal_list", world["plan"]),
    ]
    many_things(world, 3)
    few = [queries_of(client, url) for url in urls]
    many_things(world, 57, first=100)
    assert [queries_of(client, url) for url in urls] == few
    assert max(few) <= 20


def test_the_plan_page_shows_a_page_of_actions_and_the_action_page_a_page_of_updates(client, world):
    many_things(world, 60)
    client.force_login(world["expert"])
    page = text_of(client.get(plan_url("work_plan_detail", world["plan"])))
    assert "Actions 1–25 of 62" in page and "Page 1 of 3" in page
    assert "Total</th><td>62</td>" in page  # the summary counts every action
    second = text_of(client.get(plan_url("work_plan_detail", world["plan"]) + "?page=2"))
    assert "Actions 26–50 of 62" in second
    action = text_of(client.get(action_url("action_detail", world["action"])))
    assert "Progress updates 1–10 of 60" in action
    assert action.index("Update 59.") < action.index("Update 58.")  # newest first
    assert "Update 49." not in action


# --- At the same moment (PostgreSQL's row locks) -----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_the_same_moment_decide_once(world):
    needs_row_locks()
    proposal = propose_lead(world)
    refused = []

    def decide(args):
        decide, who = args
        try:
            decide(proposal, by=world[who], note=who)
        except ValidationError as error:
            refused.append(error)

    at_once(
        decide,
        [(services.proposal_accept, "secretariat"), (services.proposal_decline, "co_chair")] * 2,
    )
    assert len(refused) == 3
    assert all("already" in " ".join(error.messages) for error in refused)
    proposal.refresh_from_db()
    assert proposal.status != Proposal.Status.PENDING
    accepted = proposal.status == Proposal.Status.ACCEPTED
    assert world["action"].lead_members.count() == (1 if accepted else 0)


@pytest.mark.django_db(transaction=True)
def test_the_same_proposal_sent_at_once_from_two_tabs_is_made_once(world):
    needs_row_locks()
    refused = []

    def make(_):
        try:
            propose_lead(world)
        except ValidationError as error:
            refused.append(error)

    at_once(make, range(4))
    assert Proposal.objects.count() == 1 and len(refused) == 3

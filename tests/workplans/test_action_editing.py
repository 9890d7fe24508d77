import html
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from tests.factories import (
    ActionFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    participant,
)
from workplans import services
from workplans.models import Action, Objective, RegionalPriority

pytestmark = pytest.mark.django_db
S = Action.Status


@pytest.fixture
def world():
    """WG-TIP's plan for 2015-17 with actions 1 and 7, the secretariat, a member's expert and
    someone of another group."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    plan = WorkPlanFactory(
        group=group, slug="2015-17", title="Forward Work Plan 2015-17", period="2015-17"
    )
    return {
        "group": group,
        "plan": plan,
        "first": ActionFactory(plan=plan, number=1, description="Map the referral routes."),
        "action": ActionFactory(plan=plan, number=7, description="Draft a training module."),
        "thailand": MemberFactory(name="Thailand"),
        "japan": MemberFactory(name="Japan"),
        "priority": RegionalPriority.objects.create(group=group, numeral="IV", order=4, text="x"),
        "objective": Objective.objects.create(plan=plan, number=2, text="Train officials."),
        "meeting": MeetingFactory(kind="working_group", group=group, body=""),
        "secretariat": SecretariatFactory(first_name="Rosa", last_name="Santos"),
        "member": participant(group),
        "stranger": participant(WorkingGroupFactory()),
    }


def url(name: str, action: Action | None = None, plan=None) -> str:
    plan = plan or action.plan
    args = [plan.group.slug, plan.slug] + ([action.number] if action else [])
    return reverse(name, args=args)


def read_version(page) -> str:
    """The version the edit form on the page was read at (its first hidden version field)."""
    match = re.search(r'name="read_version" value="(\d+)"', page.content.decode())
    return match[1]


def edit_data(action: Action, version: str, **changes) -> dict:
    """The edit form of the action as shown, with some fields changed."""
    data = {
        "read_version": version,
        "description": action.description,
        "status": action.status,
        "status_note": action.status_note,
        "target_period": action.target_period,
        "initiative": action.initiative,
    }
    return data | changes


def errors_beside(page, field: str) -> str:
    """The error text shown beside a field of the page's forms."""
    content = page.content.decode()
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', content, re.S)
    return html.unescape(match[1]) if match else ""


# --- Adding -------------------------------------------------------------------------------


def test_secretariat_adds_an_action_from_the_plan_page_with_the_next_number(client, world):
    plan = world["plan"]
    client.force_login(world["secretariat"])
    plan_page = client.get(reverse("work_plan_detail", args=[plan.group.slug, plan.slug]))
    assert url("action_create", plan=plan) in plan_page.content.decode()

    form = client.get(url("action_create", plan=plan))
    assert "Leave empty for the plan's next number, 8." in html.unescape(form.content.decode())
    response = client.post(
        url("action_create", plan=plan),
        {
            "description": "Hold a regional dialogue on victim support.",
            "status": S.FOR_ACTION,
            "target_period": "2016/17",
            "lead_members": [world["thailand"].pk],
            "priorities": [world["priority"].pk],
        },
    )

    added = plan.actions.get(number=8)
    assert response.status_code == 302 and response.url == url("action_detail", added)
    assert added.description == "Hold a regional dialogue on victim support."
    assert list(added.lead_members.all()) == [world["thailand"]]
    assert list(added.priorities.all()) == [world["priority"]]
    assert added.history.first().history_user == world["secretariat"]


def test_an_action_added_with_a_taken_number_is_refused_beside_the_number(client, world):
    plan = world["plan"]
    client.force_login(world["secretariat"])
    response = client.post(
        url("action_create", plan=plan),
        {"number": "7", "description": "Another seventh action.", "status": S.FOR_ACTION},
    )
    assert response.status_code == 200
    assert "Action 7 of this plan already exists" in errors_beside(response, "number")
    assert plan.actions.count() == 2


# --- Editing ------------------------------------------------------------------------------


def test_secretariat_edits_an_action_through_its_page_and_history_keeps_the_change(client, world):
    action = world["action"]
    client.force_login(world["secretariat"])
    action_page = client.get(url("action_detail", action))
    assert url("action_edit", action) in action_page.content.decode()
    page = client.get(url("action_edit", action))
    saved_before = action.history.count()

    response = client.post(
        url("action_edit", action),
        edit_data(
            action,
            read_version(page),
            description="Draft and pilot a training module.",
            status=S.ONGOING,
            status_note="Drafting began in Bangkok.",
            target_period="2017",
            initiative=Action.Initiative.TRAINING,
            lead_members=[world["thailand"].pk],
            funding_members=[world["japan"].pk],
            priorities=[world["priority"].pk],
            objectives=[world["objective"].pk],
            delivered_at=[world["meeting"].pk],
            in_bali_process_strategy="on",
            proposed_for_rso_work_plan="on",
        ),
    )

    assert response.status_code == 302 and response.url == url("action_detail", action)
    action.refresh_from_db()
    assert action.description == "Draft and pilot a training module."
    assert (action.status, action.status_note) == (S.ONGOING, "Drafting began in Bangkok.")
    assert action.target_period == "2017"
    assert action.initiative == Action.Initiative.TRAINING
    assert action.in_bali_process_strategy and action.proposed_for_rso_work_plan
    assert list(action.lead_members.all()) == [world["thailand"]]
    assert list(action.funding_members.all()) == [world["japan"]]
    assert list(action.objectives.all()) == [world["objective"]]
    assert list(action.delivered_at.all()) == [world["meeting"]]
    assert action.history.count() > saved_before


@pytest.mark.parametrize("target", ["2019", "2013/14", "2016 to 2017"])
def test_a_target_period_outside_the_plans_period_is_refused_beside_the_field(
    client, world, target
):
    action = world["action"]
    client.force_login(world["secretariat"])
    page = client.get(url("action_edit", action))
    response = client.post(
        url("action_edit", action), edit_data(action, read_version(page), target_period=target)
    )
    assert response.status_code == 200
    beside = errors_beside(response, "target_period")
    assert "the plan's period 2015-17" in beside or "The plan's period is 2015-17" in beside
    action.refresh_from_db()
    assert action.target_period == "2016/17"


@pytest.mark.parametrize("target", ["2015-17", "2017", "2017/18"])
def test_a_target_period_that_begins_within_the_plans_period_is_accepted(client, world, target):
    action = world["action"]
    client.force_login(world["secretariat"])
    page = client.get(url("action_edit", action))
    response = client.post(
        url("action_edit", action), edit_data(action, read_version(page), target_period=target)
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.target_period == target


def test_the_second_of_two_sessions_on_the_edit_page_is_told_what_the_first_changed(client, world):
    action = world["action"]
    other = Client()
    client.force_login(world["secretariat"])
    other.force_login(SecretariatFactory(first_name="Ken", last_name="Ito"))
    mine = read_version(client.get(url("action_edit", action)))
    theirs = read_version(other.get(url("action_edit", action)))

    first = other.post(
        url("action_edit", action), edit_data(action, theirs, description="Their wording.")
    )
    second = client.post(
        url("action_edit", action), edit_data(action, mine, description="My wording.")
    )

    assert first.status_code == 302
    assert second.status_code == 200
    shown = html.unescape(second.content.decode())
    assert "Ken Ito saved this action" in shown
    assert "Draft a training module.” → “Their wording.”" in shown
    action.refresh_from_db()
    assert action.description == "Their wording."
    # Once seen, the second try (with the version the page now carries) is accepted.
    again = client.post(
        url("action_edit", action),
        edit_data(action, read_version(second), description="My wording."),
    )
    assert again.status_code == 302
    action.refresh_from_db()
    assert action.description == "My wording."


# --- Renumbering and discontinuing --------------------------------------------------------


def test_secretariat_renumbers_an_action_and_its_address_follows(client, world):
    action = world["action"]
    client.force_login(world["secretariat"])
    page = client.get(url("action_edit", action))
    version = re.search(r'name="renumber-read_version" value="(\d+)"', page.content.decode())[1]

    response = client.post(
        url("action_renumber", action),
        {"renumber-read_version": version, "renumber-number": "12"},
    )

    action.refresh_from_db()
    assert action.number == 12
    assert response.status_code == 302 and response.url == url("action_detail", action)
    assert client.get(response.url).status_code == 200


def test_renumbering_to_a_number_another_action_has_is_refused_beside_the_number(client, world):
    action = world["action"]
    client.force_login(world["secretariat"])
    response = client.post(url("action_renumber", action), {"renumber-number": "1"})
    assert response.status_code == 200
    assert "Action 1 of this plan already exists" in errors_beside(response, "renumber-number")
    assert "Map the referral routes." in errors_beside(response, "renumber-number")
    action.refresh_from_db()
    assert action.number == 7


def test_secretariat_discontinues_an_action_with_the_reason(client, world):
    action = world["action"]
    client.force_login(world["secretariat"])
    response = client.post(
        url("action_discontinue", action),
        {"discontinue-note": "Merged into action 1 at the third meeting."},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == S.DISCONTINUED
    assert action.status_note == "Merged into action 1 at the third meeting."


def test_discontinuing_without_a_reason_is_refused_beside_the_note(client, world):
    action = world["action"]
    client.force_login(world["secretariat"])
    response = client.post(url("action_discontinue", action), {"discontinue-note": "  "})
    assert response.status_code == 200
    assert errors_beside(response, "discontinue-note")
    action.refresh_from_db()
    assert action.status == S.FOR_ACTION


@pytest.mark.parametrize("who", ["member", "stranger"])
def test_a_member_and_a_stranger_get_404_on_every_editing_page_and_change_nothing(
    client, world, who
):
    action = world["action"]
    client.force_login(world[who])
    plan_page = client.get(reverse("work_plan_detail", args=["wg-tip", "2015-17"]))
    assert url("action_create", plan=world["plan"]) not in plan_page.content.decode()
    if who == "member":
        action_page = client.get(url("action_detail", action))
        assert url("action_edit", action) not in action_page.content.decode()
    assert client.get(url("action_create", plan=world["plan"])).status_code == 404
    assert client.get(url("action_edit", action)).status_code == 404
    posts = {
        url("action_create", plan=world["plan"]): {"description": "Mine.", "status": S.ONGOING},
        url("action_edit", action): edit_data(action, "", description="Mine."),
        url("action_renumber", action): {"renumber-number": "9"},
        url("action_discontinue", action): {"discontinue-note": "Not wanted."},
    }
    for address, data in posts.items():
        assert client.post(address, data).status_code == 404, address
    action.refresh_from_db()
    assert (action.number, action.description, action.status) == (
        7,
        "Draft a training module.",
        S.FOR_ACTION,
    )
    assert world["plan"].actions.count() == 2


# --- The timeline -------------------------------------------------------------------------


def test_the_action_page_shows_each_status_change_with_who_and_when(client, world):
    action = world["action"]
    secretary = world["secretariat"]
    services.action_edit(
        action, version=None, by=secretary, status=S.ONGOING, status_note="Drafting began."
    )
    services.action_discontinue(action, note="Merged into action 1.", version=None, by=secretary)
    client.force_login(world["member"])

    page = html.unescape(client.get(url("action_detail", action)).content.decode())

    timeline = page[page.index("Status over time") : page.index("Progress updates")]
    assert "For action → Ongoing" in timeline
    assert "Ongoing → Discontinued" in timeline
    assert timeline.count("By Rosa Santos") == 2
    assert "Drafting began." in timeline and "Merged into action 1." in timeline
    last = action.history.order_by("-history_date").first().history_date
    assert dateformat.format(timezone.localtime(last), "j M Y, H:i") in timeline


# --- Query counts -------------------------------------------------------------------------


def linked_action(world, members: int) -> Action:
    """An action linked to `members` lead and funding members, with several changes."""
    action = world["action"]
    people = [MemberFactory() for _ in range(members)]
    for status in (S.ONGOING, S.CONTINUING, S.ONGOING):
        services.action_edit(
            action,
            version=None,
            by=world["secretariat"],
            status=status,
            lead_members=people,
            funding_members=people,
            delivered_at=[world["meeting"]],
        )
    return action


@pytest.mark.parametrize("members", [2, 20])
def test_the_action_page_and_its_edit_page_read_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, members
):
    action = linked_action(world, members)
    client.force_login(world["secretariat"])
    # The same counts with 2 linked members as with 20 (13 and 17 when written).
    with django_assert_max_num_queries(15):
        assert client.get(url("action_detail", action)).status_code == 200
    with django_assert_max_num_queries(19):
        assert client.get(url("action_edit", action)).status_code == 200

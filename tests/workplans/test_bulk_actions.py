"""The secretariat sets the status of, or exports, the actions ticked on the action list."""

import csv
import html
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)
from workplans import services
from workplans.models import Action

pytestmark = pytest.mark.django_db
S = Action.Status
SELECTED = reverse("action_list_selected")


@pytest.fixture
def world():
    """WG-TIP's adopted plan with actions 1 to 4, the secretariat and a member's expert."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    plan = WorkPlanFactory(group=group, title="Forward Work Plan 2015-17", period="2015-17")
    return {
        "group": group,
        "plan": plan,
        "actions": [
            ActionFactory(plan=plan, number=n, description=f"Action {n}.") for n in range(1, 5)
        ],
        "secretariat": SecretariatFactory(first_name="Rosa", last_name="Santos"),
        "member": participant(group),
    }


def statuses(actions) -> list[tuple[str, str]]:
    return [
        (a.status, a.status_note) for a in Action.objects.filter(pk__in=[a.pk for a in actions])
    ]


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_secretariat_sets_the_status_of_three_selected_actions_with_one_note(client, world):
    chosen = world["actions"][:3]
    saved_before = {a.pk: a.history.count() for a in chosen}
    client.force_login(world["secretariat"])
    response = client.post(
        f"{SELECTED}?status=for_action&page=2",
        {
            "selected": [a.pk for a in chosen],
            "status": S.COMPLETE,
            "note": "Delivered at the 2017 meeting.",
            "set_status": "",
        },
    )
    assert response.status_code == 302
    # The list's filters and page are kept.
    assert response.url == reverse("action_list") + "?status=for_action&page=2"
    assert shown_messages(response) == ["Set 3 actions to Complete."]
    assert statuses(chosen) == [(S.COMPLETE, "Delivered at the 2017 meeting.")] * 3
    for action in chosen:
        assert action.history.count() == saved_before[action.pk] + 1
        assert action.history.first().history_user == world["secretariat"]
        assert action.history.first().status_note == "Delivered at the 2017 meeting."
    assert statuses([world["actions"][3]]) == [(S.FOR_ACTION, "")]


@pytest.mark.parametrize(
    ("selected", "note", "message"),
    [
        (False, "Delivered.", "Select at least one action."),
        (True, "  ", "Say why the status changes: the note stays on each action's timeline."),
    ],
)
def test_an_empty_selection_or_note_is_refused_with_a_message(
    client, world, selected, note, message
):
    client.force_login(world["secretariat"])
    data = {"status": S.COMPLETE, "note": note, "set_status": ""}
    if selected:
        data["selected"] = [a.pk for a in world["actions"]]
    response = client.post(SELECTED, data)
    assert response.status_code == 302 and response.url == reverse("action_list")
    assert message in shown_messages(response)
    assert statuses(world["actions"]) == [(S.FOR_ACTION, "")] * 4


def test_the_service_refuses_an_empty_selection_or_note(world):
    with pytest.raises(ValidationError, match="Select at least one action"):
        services.actions_set_status([], status=S.COMPLETE, note="Done.", by=world["secretariat"])
    with pytest.raises(ValidationError, match="Say why the status changes"):
        services.actions_set_status(
            world["actions"], status=S.COMPLETE, note=" ", by=world["secretariat"]
        )
    assert statuses(world["actions"]) == [(S.FOR_ACTION, "")] * 4


def test_the_service_refuses_actions_the_person_may_not_change(world):
    with pytest.raises(ValidationError, match="not yours to change"):
        services.actions_set_status(
            world["actions"], status=S.COMPLETE, note="Done.", by=world["member"]
        )
    assert statuses(world["actions"]) == [(S.FOR_ACTION, "")] * 4


def test_a_member_posting_gets_404_and_nothing_changes(client, world):
    client.force_login(world["member"])
    for button in ("set_status", "export"):
        response = client.post(
            SELECTED,
            {
                "selected": [a.pk for a in world["actions"]],
                "status": S.COMPLETE,
                "note": "Done.",
                button: "",
            },
        )
        assert response.status_code == 404
    assert statuses(world["actions"]) == [(S.FOR_ACTION, "")] * 4


def test_a_member_sees_no_checkboxes(client, world):
    client.force_login(world["member"])
    page = client.get(reverse("action_list")).content.decode()
    assert 'name="selected"' not in page
    assert "Set the status of the selected actions" not in page


def test_a_co_chair_may_not_change_an_adopted_plan_among_their_draft_actions(world):
    chair = co_chair(world["group"])
    draft = WorkPlanFactory(group=world["group"], status="draft")
    drafted = ActionFactory(plan=draft, number=1)
    with pytest.raises(ValidationError, match="not yours to change"):
        services.actions_set_status(
            [drafted, world["actions"][0]], status=S.ONGOING, note="Begun.", by=chair
        )
    assert statuses([drafted, world["actions"][0]]) == [(S.FOR_ACTION, "")] * 2


@pytest.mark.parametrize("odd", ["999999", "not-an-id"])
def test_a_missing_action_among_the_selected_refuses_them_all(client, world, odd):
    client.force_login(world["secretariat"])
    response = client.post(
        SELECTED,
        {
            "selected": [world["actions"][0].pk, odd],
            "status": S.COMPLETE,
            "note": "Done.",
            "set_status": "",
        },
    )
    assert response.status_code == 302
    assert shown_messages(response) == [
        "Some of the selected actions are not yours to change: nothing changed."
    ]
    assert statuses(world["actions"]) == [(S.FOR_ACTION, "")] * 4


def test_the_export_gives_exactly_the_selected_actions_plan_and_number_first(client, world):
    client.force_login(world["secretariat"])
    chosen = [world["actions"][1], world["actions"][3]]
    response = client.post(SELECTED, {"selected": [a.pk for a in chosen], "export": ""})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["plan", "number", "description", "status"]
    assert [row[:3] for row in rows[1:]] == [
        ["WG-TIP Forward Work Plan 2015-17", "2", "Action 2."],
        ["WG-TIP Forward Work Plan 2015-17", "4", "Action 4."],
    ]


def test_the_export_of_nothing_selected_is_refused(client, world):
    client.force_login(world["secretariat"])
    response = client.post(SELECTED, {"export": ""})
    assert response.status_code == 302
    assert shown_messages(response) == ["Select at least one action."]


def test_a_formula_looking_description_is_neutralised_in_the_export(client, world):
    action = world["actions"][0]
    services.action_edit(
        action, version=None, by=world["secretariat"], description='=HYPERLINK("x")'
    )
    client.force_login(world["secretariat"])
    response = client.post(SELECTED, {"selected": [action.pk], "export": ""})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][2] == '\'=HYPERLINK("x")'


@pytest.mark.parametrize("count", [2, 20])
def test_the_action_list_with_checkboxes_takes_the_same_queries_for_2_or_20_actions(
    client, world, django_assert_max_num_queries, count
):
    for number in range(100, 100 + count):
        ActionFactory(plan=world["plan"], number=number)
    client.force_login(world["secretariat"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("action_list"), {"status": S.FOR_ACTION})
    page = html.unescape(response.content.decode())
    assert page.count('name="selected"') == min(count + 4, 25)
    assert 'aria-label="Select action 100 of WG-TIP Forward Work Plan 2015-17"' in page
    assert 'action="/actions/selected/?status=for_action"' in page
    assert "Set the status of the selected actions" in page
    assert "Export the selected (CSV)" in page

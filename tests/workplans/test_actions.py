import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    approved_outcome_record,
    co_chair,
    participant,
)
from workplans import selectors, services
from workplans.models import Action, ProgressUpdate, RegionalPriority, WorkPlan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
S = Action.Status


@pytest.fixture
def world():
    """WG-TIP's plan with action 7, led by Thailand and funded by Japan, and the people
    around it."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    thailand = MemberFactory(name="Thailand")
    japan = MemberFactory(name="Japan")
    sri_lanka = MemberFactory(name="Sri Lanka")
    plan = WorkPlanFactory(group=group, slug="2015-17", title="Forward Work Plan 2015-17")
    action = ActionFactory(plan=plan, number=7, lead_members=[thailand], funding_members=[japan])
    meeting = MeetingFactory(
        kind="working_group", group=group, body="", title="Second meeting of WG-TIP"
    )
    return {
        "group": group,
        "plan": plan,
        "action": action,
        "meeting": meeting,
        "outcome": meeting_services.outcome_add(
            meeting, kind="agreed", text="Members agreed to draft a regional training module."
        ),
        "thailand": thailand,
        "secretariat": SecretariatFactory(),
        "lead": participant(group, member=thailand),
        "funder": participant(group, member=japan),
        "uninvolved": participant(group, member=sri_lanka),
        "co_chair": co_chair(group),
        # Thailand's expert in another group: Thailand leads, but this person sees no WG-TIP.
        "other": participant(WorkingGroupFactory(), member=thailand),
    }


def action_url(action, view="action_detail"):
    return reverse(view, args=[action.plan.group.slug, action.plan.slug, action.number])


def post_update(client, action, text="Training module drafted.", reported_on=""):
    return client.post(
        action_url(action, "action_update_post"), {"text": text, "reported_on": reported_on}
    )


# --- Who may post progress updates -------------------------------------------------------


@pytest.mark.parametrize(
    "who, sees_page, may_post",
    [
        ("secretariat", True, True),
        ("lead", True, True),  # the expert of a lead member
        ("funder", True, True),  # the expert of a funding member
        ("uninvolved", True, False),  # a member of the group that neither leads nor funds
        ("co_chair", True, False),  # a co-chair, whose member is not involved
        ("other", False, False),  # a member of another group
    ],
)
def test_who_sees_the_action_and_who_posts_updates(client, world, who, sees_page, may_post):
    client.force_login(world[who])
    page = client.get(action_url(world["action"]))
    assert page.status_code == (200 if sees_page else 404)
    if sees_page:
        assert ("Post a progress update" in page.content.decode()) is may_post
    response = post_update(client, world["action"])
    assert response.status_code == (302 if may_post else 404)
    assert world["action"].updates.count() == (1 if may_post else 0)


def test_stranger_is_sent_to_sign_in_and_posts_nothing(client, world):
    for response in [client.get(action_url(world["action"])), post_update(client, world["action"])]:
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not ProgressUpdate.objects.exists()


def test_a_posted_update_is_dated_today_by_its_author_and_tops_the_timeline(client, world):
    action = world["action"]
    services.update_post(
        action,
        text="Scoping study done.",
        author=world["secretariat"],
        reported_on=TODAY - 30 * DAY,
    )
    client.force_login(world["lead"])
    response = post_update(client, action, text="Training module drafted.")
    assert response.url == action_url(action)
    update = action.updates.get(text="Training module drafted.")
    assert (update.author, update.reported_on) == (world["lead"], TODAY)
    page = client.get(action_url(action))
    assert [u.text for u in page.context["page"].updates] == [
        "Training module drafted.",
        "Scoping study done.",
    ]
    text = page.content.decode()
    assert text.index("Training module drafted.") < text.index("Scoping study done.")


def test_an_update_dated_in_the_future_is_refused(client, world):
    client.force_login(world["lead"])
    response = post_update(client, world["action"], reported_on=(TODAY + DAY).isoformat())
    assert response.status_code == 200
    assert "Progress is reported on or before today." in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_an_update_without_text_is_refused(client, world):
    client.force_login(world["lead"])
    response = post_update(client, world["action"], text="   ")
    assert response.status_code == 200 and response.context["form"].errors["text"]
    assert not ProgressUpdate.objects.exists()


def test_an_earlier_date_may_be_given(client, world):
    client.force_login(world["funder"])
    post_update(client, world["action"], reported_on="2016-05-17")
    assert world["action"].updates.get().reported_on == datetime.date(2016, 5, 17)


def test_the_action_page_shows_every_field(client, world):
    action = world["action"]
    priority = RegionalPriority.objects.create(
        group=world["group"], numeral="VI", order=6, text="Targeting the financial incentives"
    )
    action.priorities.add(priority)
    action.objectives.add(world["plan"].objectives.create(number=1, text="Share information."))
    action.delivered_at.add(world["meeting"])
    Action.objects.filter(pk=action.pk).update(
        status=S.ONGOING,
        status_note="Recommendations in the co-chairs' statement.",
        initiative=Action.Initiative.TRAINING,
        in_bali_process_strategy=True,
    )
    client.force_login(world["uninvolved"])
    text = html.unescape(client.get(action_url(action)).content.decode())
    for shown in [
        "Action 7",
        action.description,
        "Ongoing: Recommendations in the co-chairs' statement.",
        "2016/17",
        "Training curriculum",
        "Thailand",
        "Japan",
        "VI. Targeting the financial incentives",
        "1. Share information.",
        "An item in the Strategy",
        "Second meeting of WG-TIP",
    ]:
        assert shown in text, shown
    assert "Post a progress update" not in text


def test_a_meeting_the_reader_may_not_see_is_left_off_the_action_page(client, world):
    hidden = MeetingFactory(
        kind="working_group", group=WorkingGroupFactory(), body="", title="Closed meeting"
    )
    world["action"].delivered_at.add(hidden)
    client.force_login(world["lead"])
    assert "Closed meeting" not in client.get(action_url(world["action"])).content.decode()
    client.force_login(world["secretariat"])
    assert "Closed meeting" in client.get(action_url(world["action"])).content.decode()


# --- No update for six months, and overdue ------------------------------------------------


def stale_numbers(today):
    return sorted(selectors.stale(Action.objects.all(), today).values_list("number", flat=True))


def test_an_action_is_stale_six_months_to_the_day_after_its_last_update(world):
    secretariat = world["secretariat"]
    updated = ActionFactory(plan=world["plan"], number=1)
    services.update_post(
        updated, text="Met.", author=secretariat, reported_on=datetime.date(2024, 1, 1)
    )
    world["action"].delete()
    assert stale_numbers(datetime.date(2024, 6, 30)) == []
    assert stale_numbers(datetime.date(2024, 7, 1)) == [1]


def test_only_the_latest_update_counts(world):
    action = world["action"]
    for day in [datetime.date(2023, 1, 1), datetime.date(2024, 3, 1)]:
        services.update_post(action, text="Met.", author=world["lead"], reported_on=day)
    assert stale_numbers(datetime.date(2024, 8, 31)) == []
    assert stale_numbers(datetime.date(2024, 9, 1)) == [7]


def test_six_months_before_the_last_day_of_a_month_is_the_last_day_of_a_shorter_one():
    assert selectors.stale_since(datetime.date(2024, 8, 31)) == datetime.date(2024, 2, 29)
    assert selectors.stale_since(datetime.date(2024, 3, 15)) == datetime.date(2023, 9, 15)


def test_an_action_never_updated_is_stale(world):
    assert stale_numbers(TODAY) == [7]


@pytest.mark.parametrize("status", [S.COMPLETE, S.DISCONTINUED])
def test_complete_and_discontinued_actions_are_never_stale(world, status):
    Action.objects.filter(pk=world["action"].pk).update(status=status)
    assert stale_numbers(TODAY) == []


@pytest.mark.parametrize(
    "target, end",
    [
        ("2016", datetime.date(2016, 12, 31)),
        ("2016/17", datetime.date(2017, 12, 31)),
        ("2015-17", datetime.date(2017, 12, 31)),
        ("2024-2026", datetime.date(2026, 12, 31)),
        ("1999/00", datetime.date(2000, 12, 31)),
        ("", None),
        ("Ongoing", None),
        ("2017-16", None),
    ],
)
def test_a_target_period_ends_on_the_last_day_of_its_last_year(target, end):
    assert selectors.target_period_end(target) == end


ADOPTED, SUPERSEDED = WorkPlan.Status.ADOPTED, WorkPlan.Status.SUPERSEDED


@pytest.mark.parametrize(
    "status, target, today, plan_status, overdue",
    [
        (S.FOR_ACTION, "2016/17", datetime.date(2017, 12, 31), ADOPTED, False),
        (S.FOR_ACTION, "2016/17", datetime.date(2018, 1, 1), ADOPTED, True),
        (S.ONGOING, "2016", datetime.date(2017, 1, 1), ADOPTED, True),
        (S.CONTINUING, "2016", datetime.date(2020, 1, 1), ADOPTED, False),
        (S.COMPLETE, "2016", datetime.date(2020, 1, 1), ADOPTED, False),
        (S.FOR_ACTION, "", datetime.date(2020, 1, 1), ADOPTED, False),
        # The plan that followed carries what a superseded plan left open.
        (S.FOR_ACTION, "2016/17", datetime.date(2018, 1, 1), SUPERSEDED, False),
    ],
)
def test_an_action_is_overdue_when_its_target_period_ended_undelivered(
    status, target, today, plan_status, overdue
):
    action = Action(status=status, target_period=target, plan=WorkPlan(status=plan_status))
    assert selectors.is_overdue(action, today) is overdue


def test_the_open_actions_of_a_superseded_plan_are_neither_stale_nor_overdue(client, world):
    old = WorkPlanFactory(group=world["group"], slug="2012-14", period="2012-14", status=SUPERSEDED)
    ActionFactory(plan=old, number=1, status=S.FOR_ACTION, target_period="2013")
    client.force_login(world["secretariat"])
    rows = {
        (a.plan.slug, a.number): a for a in client.get(reverse("action_list")).context["actions"]
    }
    assert not rows[("2012-14", 1)].is_stale and not rows[("2012-14", 1)].overdue
    assert rows[("2015-17", 7)].is_stale  # the adopted plan's action, never reported on


# --- The list of actions across plans -----------------------------------------------------


@pytest.fixture
def many(world):
    """Actions of two groups' plans, differing in each thing the list filters by."""
    tip, plan, thailand = world["group"], world["plan"], world["thailand"]
    australia = MemberFactory(name="Australia")
    sixth = RegionalPriority.objects.create(group=tip, numeral="VI", order=6, text="Money")
    Action.objects.filter(pk=world["action"].pk).update(
        description="Follow up the Following the Money Forum.",
        initiative=Action.Initiative.TRAINING,
    )
    world["action"].priorities.add(sixth)
    services.update_post(world["action"], text="Module drafted.", author=world["lead"])
    ActionFactory(
        plan=plan,
        number=3,
        status=S.COMPLETE,
        target_period="2015",
        initiative=Action.Initiative.PUBLICATION,
        description="Recommend the Policy Guides.",
        status_note="Endorsed at the SOM in May 2015.",
        lead_members=[australia],
    )
    ActionFactory(
        plan=plan,
        number=9,
        status=S.CONTINUING,
        target_period="2016",
        initiative=Action.Initiative.PARTNERSHIP,
        description="Engage the private sector and NGOs.",
        lead_members=[thailand, australia],
    )
    dcn = WorkingGroupFactory(short_name="WG-DCN")
    ActionFactory(
        plan=WorkPlanFactory(group=dcn, slug="2014-16"),
        number=1,
        status=S.FOR_ACTION,
        target_period="2015",
        initiative=Action.Initiative.RESEARCH,
        description="Map regional smuggling networks.",
    )
    return {"tip": tip, "dcn": dcn, "thailand": thailand, "australia": australia, "sixth": sixth}


def found(client, **query):
    response = client.get(reverse("action_list"), query)
    assert response.status_code == 200
    return [(a.plan.group.short_name, a.number) for a in response.context["actions"]]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, [("WG-DCN", 1), ("WG-TIP", 3), ("WG-TIP", 7), ("WG-TIP", 9)]),
        ({"status": "complete"}, [("WG-TIP", 3)]),
        ({"group": "DCN"}, [("WG-DCN", 1)]),
        ({"lead_member": "THAILAND"}, [("WG-TIP", 7), ("WG-TIP", 9)]),
        ({"lead_member": "AUSTRALIA"}, [("WG-TIP", 3), ("WG-TIP", 9)]),
        ({"priority": "SIXTH"}, [("WG-TIP", 7)]),
        ({"initiative": "partnership"}, [("WG-TIP", 9)]),
        ({"target_period": "2015"}, [("WG-DCN", 1), ("WG-TIP", 3)]),
        ({"stale": "on"}, [("WG-DCN", 1), ("WG-TIP", 9)]),
        ({"q": "private SECTOR"}, [("WG-TIP", 9)]),  # in the description, any case
        ({"q": "endorsed at the som"}, [("WG-TIP", 3)]),  # in the status note
        ({"lead_member": "THAILAND", "stale": "on"}, [("WG-TIP", 9)]),
        ({"overdue": "on"}, [("WG-DCN", 1), ("WG-TIP", 7)]),  # due, past their target period
        ({"overdue": "on", "group": "DCN"}, [("WG-DCN", 1)]),
    ],
)
def test_each_filter_of_the_action_list(client, world, many, query, expected):
    objects = {
        "DCN": many["dcn"],
        "THAILAND": many["thailand"],
        "AUSTRALIA": many["australia"],
        "SIXTH": many["sixth"],
    }
    query = {k: objects[v].pk if v in objects else v for k, v in query.items()}
    client.force_login(world["secretariat"])
    assert found(client, **query) == expected


def test_a_member_lists_only_the_actions_of_plans_they_see(client, world, many):
    WorkPlanFactory(
        group=world["group"], status=WorkPlan.Status.DRAFT, slug="draft"
    ).actions.create(number=1, description="A draft action.")
    client.force_login(world["lead"])
    assert found(client) == [("WG-TIP", 3), ("WG-TIP", 7), ("WG-TIP", 9)]
    client.force_login(world["co_chair"])  # co-chairs also see the group's drafts
    assert ("WG-TIP", 1) in found(client)


def test_the_list_shows_the_latest_update_and_marks_stale_and_overdue_actions(client, world, many):
    client.force_login(world["secretariat"])
    response = client.get(reverse("action_list"))
    rows = {(a.plan.group.short_name, a.number): a for a in response.context["actions"]}
    assert rows["WG-TIP", 7].last_reported_on == TODAY and not rows["WG-TIP", 7].is_stale
    assert rows["WG-DCN", 1].last_reported_on is None and rows["WG-DCN", 1].is_stale
    assert rows["WG-DCN", 1].overdue and not rows["WG-TIP", 3].overdue
    text = response.content.decode()
    assert "Overdue" in text and "No update for 6 months" in text


@pytest.mark.parametrize("count", [2, 20])
def test_the_action_list_takes_the_same_queries_for_2_or_20_actions(
    client, world, django_assert_max_num_queries, count
):
    members = [MemberFactory() for _ in range(3)]
    for number in range(100, 100 + count):
        action = ActionFactory(plan=world["plan"], number=number, lead_members=members)
        services.update_post(action, text="Progress.", author=world["secretariat"])
    for person in [world["secretariat"], world["lead"]]:
        client.force_login(person)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("action_list"), {"lead_member": members[0].pk})
        assert len(response.context["actions"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_the_action_page_takes_the_same_queries_for_2_or_20_updates(
    client, world, django_assert_max_num_queries, count
):
    action = world["action"]
    action.delivered_at.add(world["meeting"])
    for _ in range(count):
        services.update_from_outcome(
            meeting_services.outcome_add(world["meeting"], kind="agreed", text="Progress."),
            action,
            by=world["secretariat"],
        )
    for person in [world["secretariat"], world["lead"]]:
        client.force_login(person)
        with django_assert_max_num_queries(22):
            assert client.get(action_url(action)).status_code == 200


# --- From a meeting's outcome ---------------------------------------------------------------


def outcome_url(world):
    return reverse("outcome_action", args=[world["meeting"].pk, world["outcome"].pk])


def test_the_outcomes_page_offers_to_make_an_action_or_record_progress(client, world):
    client.force_login(world["secretariat"])
    text = client.get(reverse("meeting_outcomes", args=[world["meeting"].pk])).content.decode()
    assert f'href="{outcome_url(world)}#new-heading"' in text
    assert f'href="{outcome_url(world)}#progress-heading"' in text


def test_the_new_action_is_prefilled_from_the_outcome_in_the_groups_plan(client, world):
    WorkPlanFactory(group=WorkingGroupFactory(short_name="WG-AAA"))  # listed after WG-TIP's
    client.force_login(world["secretariat"])
    form = client.get(outcome_url(world)).context["new_action"]
    assert form["description"].value() == world["outcome"].text
    assert form["plan"].value() == world["plan"].pk
    assert form.fields["plan"].choices[1][0] == world["plan"].pk


def test_the_secretariat_is_warned_while_the_outcomes_wait_for_the_co_chairs(client, world):
    client.force_login(world["secretariat"])
    warning = "The co-chairs have not yet approved this meeting's outcomes."
    assert warning in html.unescape(client.get(outcome_url(world)).content.decode())
    approved_outcome_record(world["meeting"])
    assert warning not in html.unescape(client.get(outcome_url(world)).content.decode())


def test_an_outcome_of_a_senior_officials_meeting_may_go_into_any_groups_plan(client, world):
    som = MeetingFactory()
    outcome = meeting_services.outcome_add(som, kind="agreed", text="Endorsed the guides.")
    client.force_login(world["secretariat"])
    url = reverse("outcome_action", args=[som.pk, outcome.pk])
    form = client.get(url).context["new_action"]
    assert form["plan"].value() is None
    client.post(url, {"make_action": "1", "new-plan": world["plan"].pk, "new-description": "Do."})
    assert world["plan"].actions.get(number=8).delivered_at.get() == som


def test_an_outcome_becomes_the_next_action_linked_both_ways(client, world):
    client.force_login(world["secretariat"])
    response = client.post(
        outcome_url(world),
        {
            "make_action": "1",
            "new-plan": world["plan"].pk,
            "new-description": "Draft a regional training module.",
            "new-target_period": "2017",
            "new-initiative": "training_curriculum",
        },
    )
    action = world["plan"].actions.get(number=8)
    assert response.url == action_url(action)
    assert action.from_outcome == world["outcome"]
    assert list(action.delivered_at.all()) == [world["meeting"]]
    assert (action.target_period, action.initiative) == ("2017", "training_curriculum")
    assert action.history.first().history_user == world["secretariat"]
    # The action page shows the outcome, with a link to its meeting ...
    text = html.unescape(client.get(action_url(action)).content.decode())
    assert "Outcome 1 of" in text and world["outcome"].text in text
    assert reverse("meeting_detail", args=[world["meeting"].pk]) in text
    # ... and the meeting page the action, to the group's members too, once the co-chairs
    # have approved the meeting's outcomes.
    client.force_login(world["uninvolved"])
    meeting_url = reverse("meeting_detail", args=[world["meeting"].pk])
    text = client.get(meeting_url).content.decode()
    assert "Made into" not in text and world["outcome"].text not in text
    assert "Outcome 1 of" not in client.get(action_url(action)).content.decode()
    approved_outcome_record(world["meeting"])
    text = client.get(meeting_url).content.decode()
    assert "Made into" in text and f'href="{action_url(action)}"' in text


def test_an_outcome_is_made_into_an_action_of_a_plan_only_once(client, world):
    client.force_login(world["secretariat"])
    data = {"make_action": "1", "new-plan": world["plan"].pk, "new-description": "Again."}
    client.post(outcome_url(world), data)
    response = client.post(outcome_url(world), data)
    assert response.status_code == 200
    assert "Outcome 1 is already action 8 of this plan." in response.content.decode()
    assert world["plan"].actions.count() == 2


def test_an_outcome_is_recorded_as_progress_on_an_existing_action(client, world):
    client.force_login(world["secretariat"])
    response = client.post(
        outcome_url(world),
        {"record_progress": "1", "progress-action": world["action"].pk, "progress-text": ""},
    )
    action = world["action"]
    assert response.url == action_url(action)
    update = action.updates.get()
    meeting = world["meeting"]
    assert update.from_outcome == world["outcome"] and update.text == world["outcome"].text
    assert update.reported_on == meeting.ends_at.astimezone(meeting.zone).date()
    assert update.author == world["secretariat"]
    text = html.unescape(client.get(action_url(action)).content.decode())
    meeting_link = f'<a href="{reverse("meeting_detail", args=[meeting.pk])}">{meeting.title}</a>'
    assert f"from outcome 1 of {meeting_link}" in text
    client.force_login(world["lead"])
    assert "from outcome 1 of" not in client.get(action_url(action)).content.decode()
    approved_outcome_record(meeting)
    assert "from outcome 1 of" in html.unescape(client.get(action_url(action)).content.decode())
    text = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Recorded as progress on" in text and f'href="{action_url(action)}"' in text
    # Recording it twice is refused.
    client.force_login(world["secretariat"])
    again = client.post(outcome_url(world), {"record_progress": "1", "progress-action": action.pk})
    assert "Outcome 1 is already recorded on action 7." in again.content.decode()


def test_the_meeting_page_hides_actions_of_plans_the_reader_may_not_see(client, world):
    draft = WorkPlanFactory(group=world["group"], status=WorkPlan.Status.DRAFT, slug="draft")
    services.action_from_outcome(
        world["outcome"], draft, description="Draft a module.", by=world["secretariat"]
    )
    url = reverse("meeting_detail", args=[world["meeting"].pk])
    client.force_login(world["lead"])
    assert "Made into" not in client.get(url).content.decode()
    client.force_login(world["co_chair"])
    assert "Made into" in client.get(url).content.decode()


@pytest.mark.parametrize("linked", [1, 10])
def test_the_meeting_page_takes_the_same_queries_for_1_or_10_linked_outcomes(
    client, world, django_assert_max_num_queries, linked
):
    meeting = world["meeting"]
    for i in range(linked):
        outcome = meeting_services.outcome_add(meeting, kind="agreed", text=f"Outcome {i}.")
        services.action_from_outcome(outcome, world["plan"], description="Do.", by=None)
        services.update_from_outcome(outcome, world["action"], by=world["secretariat"])
    for person in [world["secretariat"], world["lead"]]:
        client.force_login(person)
        with django_assert_max_num_queries(19):
            assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 200


# --- Every new address: secretariat, member, other, stranger -------------------------------


def addresses(world):
    return {
        "action_list": (reverse("action_list"), "get"),
        "action_detail": (action_url(world["action"]), "get"),
        "action_update_post": (action_url(world["action"], "action_update_post"), "post"),
        "outcome_action": (outcome_url(world), "get"),
    }


@pytest.mark.parametrize(
    "who, expected",
    [
        (
            "secretariat",
            {
                "action_list": 200,
                "action_detail": 200,
                "action_update_post": 200,
                "outcome_action": 200,
            },
        ),
        # Thailand's expert leads action 7; the outcomes belong to the secretariat.
        (
            "lead",
            {
                "action_list": 200,
                "action_detail": 200,
                "action_update_post": 200,
                "outcome_action": 404,
            },
        ),
        (
            "uninvolved",
            {
                "action_list": 200,
                "action_detail": 200,
                "action_update_post": 404,
                "outcome_action": 404,
            },
        ),
        (
            "other",
            {
                "action_list": 200,
                "action_detail": 404,
                "action_update_post": 404,
                "outcome_action": 404,
            },
        ),
        (
            None,
            {
                "action_list": 302,
                "action_detail": 302,
                "action_update_post": 302,
                "outcome_action": 302,
            },
        ),
    ],
)
def test_who_opens_each_new_address(client, world, who, expected):
    if who:
        client.force_login(world[who])
    for name, (url, method) in addresses(world).items():
        # An empty update is refused with the form shown again (200), not saved.
        response = client.post(url, {}) if method == "post" else client.get(url)
        assert response.status_code == expected[name], name
        if response.status_code == 302:
            assert response.url.startswith(reverse("login"))


def test_the_list_of_another_groups_member_leaves_out_the_group_they_do_not_see(client, world):
    client.force_login(world["other"])
    assert found(client) == []

"""A work plan made, edited, adopted and superseded from its own pages."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings.models import Meeting
from portal import versions
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)
from workplans import services
from workplans.models import Action, RegionalPriority, WorkPlan

pytestmark = pytest.mark.django_db
S = Action.Status


@pytest.fixture
def world():
    """WG-TIP with two regional priorities, a meeting it held, a draft and an adopted plan,
    and the people around them."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    other_group = WorkingGroupFactory(short_name="WG-DCN")
    secretariat = SecretariatFactory()
    priorities = [
        RegionalPriority.objects.create(group=group, numeral="IV", order=4, text="Victims"),
        RegionalPriority.objects.create(group=group, numeral="VI", order=6, text="Money"),
    ]
    meeting = MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        body="",
        title="Fourth Working Group Meeting",
        status=Meeting.Status.HELD,
    )
    adopted = services.plan_create(
        group,
        title="Forward Work Plan 2015-17",
        period="2015-17",
        objectives=["Follow the money."],
        by=secretariat,
    )
    services.plan_adopt(adopted, meeting=meeting, by=secretariat)
    draft = services.plan_create(
        group, title="Forward Work Plan 2018-20", period="2018-20", by=secretariat
    )
    return {
        "group": group,
        "priorities": priorities,
        "meeting": meeting,
        "other_meeting": MeetingFactory(
            kind=Meeting.Kind.WORKING_GROUP, group=other_group, body=""
        ),
        "adopted": WorkPlan.objects.get(pk=adopted.pk),
        "draft": draft,
        "secretariat": secretariat,
        "co_chair": co_chair(group),
        "member": participant(group),
        "stranger": participant(other_group),
    }


def plan_url(name, plan):
    return reverse(name, args=[plan.group.slug, plan.slug])


def create_url(group):
    return reverse("work_plan_create", args=[group.slug])


def edit_data(plan, **changes):
    """The edit form as it reads the plan now, with some fields changed."""
    objectives = "\n".join(plan.objectives.order_by("number").values_list("text", flat=True))
    data = {
        "read_version": versions.version_of(plan),
        "title": plan.title,
        "period": plan.period,
        "background": plan.background,
        "objectives": objectives,
        "objectives_read": objectives,
        "priorities": [p.pk for p in plan.priorities.all()],
    }
    return data | changes


def errors_of(response, field):
    return response.context["form"].errors.get(field, [])


# --- A new plan ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretariat", "co_chair"])
def test_the_secretariat_and_a_co_chair_start_a_draft_from_the_group_list(client, world, who):
    client.force_login(world[who])
    listing = client.get(reverse("work_plan_list", args=["wg-tip"])).content.decode()
    assert create_url(world["group"]) in listing
    response = client.post(
        create_url(world["group"]),
        {
            "title": "Forward Work Plan 2021-23",
            "period": "2021-23",
            "background": "Agreed to continue the work.",
            "objectives": "Follow the money.\n\nProtect the victims.",
            "priorities": [world["priorities"][1].pk],
        },
    )
    plan = WorkPlan.objects.get(group=world["group"], slug="2021-23")
    assert response.status_code == 302 and response.url == plan_url("work_plan_detail", plan)
    assert plan.status == WorkPlan.Status.DRAFT
    assert list(plan.objectives.values_list("number", "text")) == [
        (1, "Follow the money."),
        (2, "Protect the victims."),
    ]
    assert list(plan.priorities.values_list("numeral", flat=True)) == ["VI"]
    assert plan.history.earliest().history_user == world[who]


@pytest.mark.parametrize("who", ["member", "stranger"])
def test_a_member_or_a_stranger_cannot_start_a_plan(client, world, who):
    client.force_login(world[who])
    assert client.get(create_url(world["group"])).status_code == 404
    response = client.post(create_url(world["group"]), {"title": "Mine", "period": "2030-32"})
    assert response.status_code == 404
    assert not WorkPlan.objects.filter(period="2030-32").exists()
    listing = client.get(reverse("work_plan_list", args=["wg-tip"]))
    assert create_url(world["group"]).encode() not in listing.content


def test_a_period_that_has_a_plan_is_refused_beside_its_field(client, world):
    client.force_login(world["secretariat"])
    response = client.post(
        create_url(world["group"]), {"title": "Forward Work Plan", "period": "2015-17"}
    )
    assert response.status_code == 200
    assert errors_of(response, "period") == [
        "WG-TIP already has a plan for 2015-17: Forward Work Plan 2015-17."
    ]
    assert world["group"].work_plans.count() == 2


def test_a_priority_of_another_group_is_refused_beside_its_field(client, world):
    foreign = RegionalPriority.objects.create(
        group=world["stranger"].participations.get().group, numeral="I", order=1, text="Other"
    )
    client.force_login(world["secretariat"])
    response = client.post(
        create_url(world["group"]),
        {"title": "Forward Work Plan 2021-23", "period": "2021-23", "priorities": [foreign.pk]},
    )
    assert response.status_code == 200 and errors_of(response, "priorities")
    assert not WorkPlan.objects.filter(period="2021-23").exists()


# --- Editing a plan -----------------------------------------------------------------------


@pytest.mark.parametrize("who, plan", [("secretariat", "adopted"), ("co_chair", "draft")])
def test_the_secretariat_edits_any_plan_and_a_co_chair_a_draft(client, world, who, plan):
    plan = world[plan]
    client.force_login(world[who])
    assert client.get(plan_url("work_plan_edit", plan)).status_code == 200
    response = client.post(
        plan_url("work_plan_edit", plan),
        edit_data(
            plan,
            title="Forward Work Plan, as revised",
            period="2015-18",
            background="Revised after the review.",
            objectives="Follow the money.\nProtect the victims.",
            priorities=[world["priorities"][0].pk],
        ),
    )
    assert response.status_code == 302
    saved = WorkPlan.objects.get(pk=plan.pk)
    assert (saved.title, saved.period, saved.background) == (
        "Forward Work Plan, as revised",
        "2015-18",
        "Revised after the review.",
    )
    assert saved.slug == plan.slug  # the address stays
    assert list(saved.objectives.values_list("text", flat=True)) == [
        "Follow the money.",
        "Protect the victims.",
    ]
    assert list(saved.priorities.values_list("numeral", flat=True)) == ["IV"]
    assert saved.history.latest().history_user == world[who]
    detail = client.get(plan_url("work_plan_detail", saved)).content.decode()
    assert "Forward Work Plan, as revised" in detail and 'href="#priority-IV"' in detail


@pytest.mark.parametrize(
    "who, plan",
    [
        ("co_chair", "adopted"),
        ("member", "adopted"),
        ("member", "draft"),
        ("stranger", "adopted"),
        ("stranger", "draft"),
    ],
)
def test_others_cannot_open_or_send_a_plan_edit(client, world, who, plan):
    plan = world[plan]
    client.force_login(world[who])
    assert client.get(plan_url("work_plan_edit", plan)).status_code == 404
    response = client.post(plan_url("work_plan_edit", plan), edit_data(plan, title="Taken over"))
    assert response.status_code == 404
    assert not WorkPlan.objects.filter(title="Taken over").exists()


def test_two_sessions_editing_a_plan_do_not_overwrite_each_other(client, world):
    plan = world["draft"]
    secretariat, chair = world["secretariat"], world["co_chair"]
    first, second = edit_data(plan), edit_data(plan)  # both open the form
    client.force_login(secretariat)
    client.post(plan_url("work_plan_edit", plan), first | {"title": "Work Plan 2018-20"})
    client.force_login(chair)
    refused = client.post(
        plan_url("work_plan_edit", plan), second | {"background": "Agreed in Bangkok."}
    )
    assert refused.status_code == 200
    assert "after you opened it" in refused.content.decode()
    plan.refresh_from_db()
    assert (plan.title, plan.background) == ("Work Plan 2018-20", "")
    # The form shown again holds their title and this person's background: saving keeps both.
    again = refused.context["form"].data
    assert again["title"] == "Work Plan 2018-20"
    assert client.post(plan_url("work_plan_edit", plan), again).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.background) == ("Work Plan 2018-20", "Agreed in Bangkok.")


def test_objectives_changed_by_someone_else_are_not_overwritten(client, world):
    plan = world["adopted"]
    first, second = edit_data(plan), edit_data(plan)
    client.force_login(world["secretariat"])
    client.post(plan_url("work_plan_edit", plan), first | {"objectives": "Follow the funds."})
    refused = client.post(
        plan_url("work_plan_edit", plan), second | {"objectives": "Trace the money."}
    )
    assert refused.status_code == 200 and "Follow the funds." in refused.content.decode()
    assert list(plan.objectives.values_list("text", flat=True)) == ["Follow the funds."]
    # Someone who changed only the title keeps the other's objectives.
    kept = client.post(plan_url("work_plan_edit", plan), second | {"title": "FWP 2015-17"})
    assert kept.status_code == 302
    assert list(plan.objectives.values_list("text", flat=True)) == ["Follow the funds."]


def test_an_objective_that_actions_link_to_is_not_removed(client, world):
    plan = world["adopted"]
    action = ActionFactory(plan=plan, number=1)
    action.objectives.set(plan.objectives.all())
    client.force_login(world["secretariat"])
    response = client.post(plan_url("work_plan_edit", plan), edit_data(plan, objectives=""))
    assert response.status_code == 200
    assert errors_of(response, "objectives") == [
        "Objective 1 is linked to action 1: keep it, or unlink it from the action first."
    ]
    assert plan.objectives.count() == 1


def test_a_null_character_in_the_objectives_is_refused_beside_its_field(client, world):
    client.force_login(world["secretariat"])
    plan = world["adopted"]
    response = client.post(
        plan_url("work_plan_edit", plan), edit_data(plan, objectives="Follow\x00 the money.")
    )
    assert errors_of(response, "objectives") == ["Null characters are not allowed."]
    assert list(plan.objectives.values_list("text", flat=True)) == ["Follow the money."]


# --- Adopting a draft ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["secretariat", "co_chair"])
def test_a_draft_adopted_at_a_held_meeting_is_frozen_as_revision_1(client, world, who):
    plan = world["draft"]
    ActionFactory(plan=plan, number=1, description="Hold a regional forum.")
    client.force_login(world[who])
    assert client.get(plan_url("work_plan_adopt", plan)).status_code == 200
    response = client.post(
        plan_url("work_plan_adopt", plan), {"meeting": world["meeting"].pk, "adopted_on": ""}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    meeting = world["meeting"]
    assert plan.status == WorkPlan.Status.ADOPTED and plan.adopted_at == meeting
    revision = plan.revisions.get()
    assert revision.number == 1 and revision.adopted_at == meeting
    assert revision.adopted_on == meeting.ends_at.astimezone(meeting.zone).date()
    assert revision.adopted_by == world[who]
    assert [a["description"] for a in revision.snapshot["actions"]] == ["Hold a regional forum."]
    # Adopted, the plan is no longer the co-chair's to change.
    assert client.get(plan_url("work_plan_edit", plan)).status_code == (
        200 if who == "secretariat" else 404
    )


@pytest.mark.parametrize(
    "who, plan",
    [("co_chair", "adopted"), ("member", "adopted"), ("member", "draft"), ("stranger", "draft")],
)
def test_others_cannot_adopt_a_plan(client, world, who, plan):
    plan = world[plan]
    client.force_login(world[who])
    assert client.get(plan_url("work_plan_adopt", plan)).status_code == 404
    response = client.post(plan_url("work_plan_adopt", plan), {"meeting": world["meeting"].pk})
    assert response.status_code == 404
    assert plan.revisions.count() == (1 if plan == world["adopted"] else 0)


def test_an_adopted_plan_shows_no_adoption_form(client, world):
    client.force_login(world["secretariat"])
    response = client.get(plan_url("work_plan_adopt", world["adopted"]))
    assert response.status_code == 200 and "Only a draft is adopted." in response.content.decode()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"meeting": "other_meeting"}, "meeting", "Select a valid choice"),
        ({"adopted_on": "2200-01-01"}, "adopted_on", "Enter a date between 1900 and 2100."),
        ({"adopted_on": "2000-01-01"}, "adopted_on", "The meeting began on"),
    ],
)
def test_a_bad_adoption_is_refused_beside_its_field(client, world, data, field, message):
    plan = world["draft"]
    sent = {"meeting": world["meeting"].pk, "adopted_on": ""} | data
    if sent["meeting"] == "other_meeting":
        sent["meeting"] = world["other_meeting"].pk
    client.force_login(world["secretariat"])
    response = client.post(plan_url("work_plan_adopt", plan), sent)
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response, field))
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.DRAFT and not plan.revisions.exists()


# --- Superseding an adopted plan ----------------------------------------------------------


def test_superseding_carries_the_open_actions_over_with_their_numbers(client, world):
    plan = world["adopted"]
    australia = participant(world["group"]).affiliation
    open_action = ActionFactory(
        plan=plan, number=3, status=S.ONGOING, description="Share data.", lead_members=[australia]
    )
    open_action.objectives.set(plan.objectives.all())
    ActionFactory(plan=plan, number=4, status=S.COMPLETE, description="Hold a forum.")
    client.force_login(world["secretariat"])
    response = client.post(
        plan_url("work_plan_supersede", plan),
        {"title": "Forward Work Plan 2021-23", "period": "2021-23", "carry_over": "on"},
    )
    successor = WorkPlan.objects.get(group=world["group"], slug="2021-23")
    assert response.status_code == 302 and response.url == plan_url("work_plan_detail", successor)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUPERSEDED and plan.actions.count() == 2
    assert plan.history.latest().history_user == world["secretariat"]
    assert successor.status == WorkPlan.Status.DRAFT
    carried = successor.actions.get()
    assert (carried.number, carried.description, carried.status) == (3, "Share data.", S.ONGOING)
    assert list(carried.lead_members.all()) == [australia]
    assert list(carried.objectives.values_list("plan", "text")) == [
        (successor.pk, "Follow the money.")
    ]


def test_superseding_without_carry_over_starts_an_empty_successor(client, world):
    plan = world["adopted"]
    ActionFactory(plan=plan, number=1, status=S.ONGOING)
    client.force_login(world["secretariat"])
    client.post(
        plan_url("work_plan_supersede", plan), {"title": "Forward Work Plan", "period": "2021-23"}
    )
    assert not WorkPlan.objects.get(slug="2021-23").actions.exists()


@pytest.mark.parametrize(
    "who, plan",
    [("co_chair", "adopted"), ("member", "adopted"), ("member", "draft"), ("stranger", "adopted")],
)
def test_others_cannot_supersede_a_plan(client, world, who, plan):
    plan = world[plan]
    client.force_login(world[who])
    assert client.get(plan_url("work_plan_supersede", plan)).status_code == 404
    response = client.post(
        plan_url("work_plan_supersede", plan), {"title": "Mine", "period": "2030-32"}
    )
    assert response.status_code == 404
    assert not WorkPlan.objects.filter(period="2030-32").exists()


def test_a_draft_is_not_superseded(client, world):
    client.force_login(world["secretariat"])
    response = client.get(plan_url("work_plan_supersede", world["draft"]))
    assert "Only an adopted plan is superseded" in response.content.decode()
    with pytest.raises(ValidationError, match="only an adopted plan is superseded"):
        services.plan_supersede(
            world["draft"], title="Next", period="2021-23", by=world["secretariat"]
        )


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, plan, queries",
    [
        # The session and the person, then each page's own reads.
        ("work_plan_create", None, 4),
        ("work_plan_edit", "adopted", 7),
        ("work_plan_adopt", "draft", 6),
        ("work_plan_supersede", "adopted", 3),
    ],
)
def test_the_plan_forms_ask_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries, name, plan, queries
):
    # Many priorities and objectives ask no more than two.
    for number in range(7, 27):
        RegionalPriority.objects.create(group=world["group"], numeral=str(number), order=number)
    services.plan_edit(
        world["adopted"],
        version=None,
        by=world["secretariat"],
        title="Forward Work Plan 2015-17",
        period="2015-17",
        background="",
        objectives=[f"Objective {n}." for n in range(1, 21)],
        priorities=list(RegionalPriority.objects.all()),
    )
    client.force_login(world["secretariat"])
    url = create_url(world["group"]) if plan is None else plan_url(name, world[plan])
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)
from workplans import services
from workplans.models import Action, Objective, RegionalPriority, Revision, WorkPlan

pytestmark = pytest.mark.django_db
S = Action.Status
D = datetime.date


@pytest.fixture
def world():
    """WG-TIP's 2015-17 plan with two actions and its first revision, and the people around it."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    australia = MemberFactory(name="Australia")
    japan = MemberFactory(name="Japan")
    priority = RegionalPriority.objects.create(
        group=group, numeral="VI", order=6, text="Targeting the financial incentives"
    )
    plan = WorkPlanFactory(
        group=group,
        slug="2015-17",
        title="Forward Work Plan 2015-17",
        background="Agreed at the first meeting.",
    )
    objective = Objective.objects.create(plan=plan, number=1, text="Follow the money.")
    forum = ActionFactory(
        plan=plan,
        number=1,
        description="Hold a regional forum on following the money.",
        status=S.COMPLETE,
        status_note="Held on 16-17 May 2016.",
        target_period="2016",
        in_bali_process_strategy=True,
        lead_members=[australia],
        funding_members=[japan],
    )
    forum.priorities.set([priority])
    forum.objectives.set([objective])
    ActionFactory(plan=plan, number=2, description="Share information.", status=S.ONGOING)
    secretariat = SecretariatFactory()
    services.update_post(
        forum,
        text="88 participants from 30 countries.",
        author=secretariat,
        reported_on=D(2016, 5, 17),
    )
    services.revision_adopt(plan, label="Agreed at the first meeting", adopted_on=D(2015, 3, 25))
    return {
        "group": group,
        "plan": plan,
        "forum": forum,
        "secretariat": secretariat,
        "member": participant(group),
        "co_chair": co_chair(group),
        "other": participant(WorkingGroupFactory()),
    }


def url(name, plan, *args):
    if name == "work_plan_list":
        return reverse(name, args=[plan.group.slug])
    return reverse(name, args=[plan.group.slug, plan.slug, *args])


PAGES = [
    ("work_plan_list", ()),
    ("work_plan_detail", ()),
    ("work_plan_revision", (1,)),
    ("work_plan_compare", ()),
]


def text_of(response) -> str:
    """The page's text with tags removed and spaces collapsed, as a person reads it."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+([.,:;])", r"\1", re.sub(r"\s+", " ", html.unescape(content)))


# --- Who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("name, args", PAGES)
@pytest.mark.parametrize(
    "who, status", [("secretariat", 200), ("member", 200), ("co_chair", 200), ("other", 404)]
)
def test_who_opens_the_plan_pages(client, world, who, status, name, args):
    client.force_login(world[who])
    assert client.get(url(name, world["plan"], *args)).status_code == status


@pytest.mark.parametrize("name, args", PAGES)
def test_stranger_is_sent_to_sign_in(client, world, name, args):
    response = client.get(url(name, world["plan"], *args))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name, args", PAGES[1:])
def test_a_draft_plan_is_hidden_from_a_plain_member_but_not_from_a_co_chair(
    client, world, name, args
):
    WorkPlan.objects.filter(pk=world["plan"].pk).update(status=WorkPlan.Status.DRAFT)
    client.force_login(world["member"])
    assert client.get(url(name, world["plan"], *args)).status_code == 404
    client.force_login(world["co_chair"])
    assert client.get(url(name, world["plan"], *args)).status_code == 200


def test_the_plan_list_shows_a_draft_to_a_co_chair_only(client, world):
    WorkPlanFactory(group=world["group"], title="Forward Work Plan 2024-2026", status="draft")
    client.force_login(world["member"])
    page = client.get(url("work_plan_list", world["plan"])).content.decode()
    assert "Forward Work Plan 2015-17" in page and "2024-2026" not in page
    client.force_login(world["co_chair"])
    page = client.get(url("work_plan_list", world["plan"])).content.decode()
    assert "Forward Work Plan 2015-17" in page and "Forward Work Plan 2024-2026" in page


def test_a_missing_revision_answers_404(client, world):
    client.force_login(world["secretariat"])
    assert client.get(url("work_plan_revision", world["plan"], 2)).status_code == 404


# --- The plan page ----------------------------------------------------------------------------


def test_the_plan_page_shows_each_action_beside_its_status(client, world):
    client.force_login(world["member"])
    response = client.get(url("work_plan_detail", world["plan"]))
    page = text_of(response)
    assert "Agreed at the first meeting." in page  # background
    assert '<li value="1" id="objective-1">Follow the money.</li>' in response.content.decode()
    assert "VI. Targeting the financial incentives" in page
    assert "1. Hold a regional forum on following the money." in page
    assert "Complete Held on 16-17 May 2016." in page
    assert "<strong>Complete</strong>" in response.content.decode()
    assert "Target period: 2016" in page
    assert "This is an item in the Bali Process Strategy" in page
    assert "Lead: Australia" in page and "Funding: Japan" in page
    assert "Latest update, 17 May 2016: 88 participants from 30 countries." in page
    assert "Regional priority: VI. Objective: 1" in page
    # Only the forum is flagged in the Strategy.
    assert page.count("This is an item in the Bali Process Strategy") == 1
    assert "Revision 1: Agreed at the first meeting" in page


def test_the_status_chart_is_an_image_with_a_title_a_description_and_a_table_of_counts(
    client, world
):
    client.force_login(world["member"])
    content = client.get(url("work_plan_detail", world["plan"])).content.decode()
    svg = re.search(r"<svg[^>]*>.*?</svg>", content, re.S)[0]
    assert 'role="img"' in svg
    assert "<title" in svg and "Actions by status</title>" in svg
    assert "2 actions by status. For action: 0; Ongoing: 1; Continuing: 0; Complete: 1" in svg
    bars = dict(re.findall(r'status-bar-(\w+)">.*?data-count="(\d+)"', svg, re.S))
    assert bars == {
        "for_action": "0",
        "ongoing": "1",
        "continuing": "0",
        "complete": "1",
        "discontinued": "0",
    }
    counts = re.search(r'<table class="status-counts">.*?</table>', content, re.S)[0]
    assert re.search(r"Complete</th><td>1</td>", counts)
    assert re.search(r"Total</th><td>2</td>", counts)


def test_only_the_secretariat_is_offered_to_adopt_a_revision(client, world):
    for who, offered in [("secretariat", True), ("co_chair", False), ("member", False)]:
        client.force_login(world[who])
        page = client.get(url("work_plan_detail", world["plan"])).content.decode()
        assert ("Adopt revision 2" in page) is offered, who


def plan_with_actions(actions: int):
    """A plan of `actions` actions, each with members, a priority, an objective and an
    update, and a member of its group."""
    group = WorkingGroupFactory()
    plan = WorkPlanFactory(group=group)
    members = [MemberFactory(), MemberFactory()]
    priority = RegionalPriority.objects.create(group=group, numeral="I", order=1, text="Prevention")
    objective = Objective.objects.create(plan=plan, number=1, text="Share information.")
    author = SecretariatFactory()
    for number in range(1, actions + 1):
        action = ActionFactory(
            plan=plan, number=number, lead_members=members, funding_members=members[:1]
        )
        action.priorities.set([priority])
        action.objectives.set([objective])
        services.update_post(action, text="Done.", author=author, reported_on=D(2016, 5, 1))
    services.revision_adopt(plan, label="Adopted", adopted_on=D(2016, 5, 2))
    return plan, participant(group)


def queries_of_plan_page(client, plan, person) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("work_plan_detail", plan)).status_code == 200
    return len(queries)


def test_the_plan_page_takes_as_many_queries_for_20_actions_as_for_2(
    client, django_assert_max_num_queries
):
    few, many = plan_with_actions(2), plan_with_actions(20)
    assert queries_of_plan_page(client, *few) == queries_of_plan_page(client, *many)
    plan, person = many
    client.force_login(person)
    # 18: the pager counts the actions, and the status summary reads them all while the
    # table shows a page of them; one more lists the plan's attachments.
    with django_assert_max_num_queries(18):
        client.get(url("work_plan_detail", plan))


# --- Adopting a revision through the page -----------------------------------------------------


def adopt(client, plan, **data):
    fields = {"label": "Updated after the second meeting", "adopted_on": "2016-05-18"} | data
    return client.post(url("work_plan_revision_adopt", plan), fields)


def test_the_secretariat_adopts_a_revision_at_a_meeting(client, world):
    meeting = MeetingFactory(kind="working_group", group=world["group"], body="")
    client.force_login(world["secretariat"])
    response = adopt(client, world["plan"], adopted_at=meeting.pk)
    assert response.url == url("work_plan_revision", world["plan"], 2)
    revision = world["plan"].revisions.get(number=2)
    assert (revision.label, revision.adopted_on) == (
        "Updated after the second meeting",
        D(2016, 5, 18),
    )
    assert (revision.adopted_at, revision.adopted_by) == (meeting, world["secretariat"])
    assert "Revision 2 is adopted" in client.get(response.url).content.decode()


def test_a_revision_dated_before_the_previous_one_is_refused_on_the_page(client, world):
    client.force_login(world["secretariat"])
    response = adopt(client, world["plan"], adopted_on="2015-03-24")
    assert response.status_code == 200
    assert "a new revision cannot be adopted before it" in response.content.decode()
    assert world["plan"].revisions.count() == 1


@pytest.mark.parametrize("who", ["co_chair", "member", "other"])
def test_nobody_but_the_secretariat_adopts_a_revision(client, world, who):
    client.force_login(world[who])
    assert adopt(client, world["plan"]).status_code == 404
    assert world["plan"].revisions.count() == 1


def test_a_stranger_adopts_nothing(client, world):
    response = adopt(client, world["plan"])
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert Revision.objects.count() == 1


# --- A revision page --------------------------------------------------------------------------


def test_a_revision_reads_as_adopted_after_the_plan_changed_and_says_it_is_not_the_latest(
    client, world
):
    forum = world["forum"]
    forum.description = "Hold a regional symposium."
    forum.save()
    ActionFactory(plan=world["plan"], number=3, description="Draft a training module.")
    services.revision_adopt(world["plan"], label="Second", adopted_on=D(2016, 5, 18))
    client.force_login(world["member"])
    first = text_of(client.get(url("work_plan_revision", world["plan"], 1)))
    assert "revision 1" in first and "Agreed at the first meeting" in first
    assert "25 March 2015" in first
    assert "This is not the latest revision." in first and "Revision 2 replaced it" in first
    assert "Hold a regional forum on following the money." in first
    assert "symposium" not in first and "training module" not in first
    second = text_of(client.get(url("work_plan_revision", world["plan"], 2)))
    assert "This is not the latest revision." not in second
    assert "Hold a regional symposium." in second and "3. Draft a training module." in second


@pytest.mark.django_db
def test_the_first_demo_revision_still_has_six_actions(client, demo):
    plan = WorkPlan.objects.get(group__slug="wg-tip", slug="2015-17")
    assert plan.actions.count() == 10
    client.force_login(SecretariatFactory())
    response = client.get(url("work_plan_revision", plan, 1))
    assert [row.number for row in response.context["rows"]] == [1, 2, 3, 4, 5, 6]
    page = text_of(response)
    assert "For action For the May 2015 AHG SOM." in page
    assert "Following the Money Forum" in page and "Follow up the outcomes" not in page


# --- The comparison page ----------------------------------------------------------------------


def test_the_comparison_defaults_to_the_last_two_revisions_of_the_demo_plan(client, demo):
    plan = WorkPlan.objects.get(group__slug="wg-tip", slug="2015-17")
    client.force_login(SecretariatFactory())
    response = client.get(url("work_plan_compare", plan))
    assert (response.context["old"].number, response.context["new"].number) == (1, 2)
    page = text_of(response)
    assert "4 actions added, 6 status changes" in page
    assert "Action 3 For action Complete" in page
    for number in (7, 8, 9, 10):
        assert f"#change-{number}" not in response.content.decode()
    assert "8. Develop guidance tools" in page


def test_reworded_text_is_struck_through_and_underlined_with_words_for_screen_readers(
    client, world
):
    forum = world["forum"]
    forum.description = "Hold a regional symposium on following the money."
    forum.save()
    client.force_login(world["member"])
    response = client.get(url("work_plan_compare", world["plan"]), {"from": 1, "to": "current"})
    content = response.content.decode()
    assert response.context["new"] is None
    assert "compared with the plan as it stands now" in text_of(response)
    assert "1 reworded" in text_of(response)
    assert (
        'Hold a regional <del><span class="visually-hidden">removed: </span>forum</del> '
        '<ins><span class="visually-hidden">added: </span>symposium</ins> on following the money.'
    ) in content


def test_the_comparison_of_one_revision_defaults_to_the_plan_as_it_stands(client, world):
    client.force_login(world["member"])
    response = client.get(url("work_plan_compare", world["plan"]))
    assert response.context["old"].number == 1 and response.context["new"] is None
    assert "The two are the same" in text_of(response)


def test_the_comparison_form_offers_every_revision_and_refuses_an_unknown_one(client, world):
    services.revision_adopt(world["plan"], label="Second", adopted_on=D(2016, 5, 18))
    client.force_login(world["member"])
    response = client.get(url("work_plan_compare", world["plan"]), {"from": 2, "to": 1})
    assert (response.context["old"].number, response.context["new"].number) == (2, 1)
    content = response.content.decode()
    assert '<select name="from"' in content and '<select name="to"' in content
    assert "The plan as it stands now</option>" in content
    response = client.get(url("work_plan_compare", world["plan"]), {"from": 9, "to": 1})
    assert response.status_code == 200 and "comparison" not in response.context
    assert response.context["form"].errors["from"]


def test_a_plan_without_revisions_has_nothing_to_compare(client, world):
    plan = WorkPlanFactory(group=world["group"])
    client.force_login(world["member"])
    response = client.get(url("work_plan_compare", plan))
    assert "nothing to compare" in text_of(response)

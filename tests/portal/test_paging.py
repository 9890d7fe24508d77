"""Long lists a page at a time: the count of the whole list, the filters kept from page to
page, any page number answered with a page, and a page's queries bounded however long the
list grows."""

import datetime
import html

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.models import Member, Participation
from portal import paging
from tests.factories import (
    ActionFactory,
    CoChairTermFactory,
    MeetingFactory,
    MemberFactory,
    ParticipationFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    participant,
)
from workplans import services
from workplans.models import Action

pytestmark = pytest.mark.django_db
LISTS = ["action_list", "meeting_list", "member_list"]


def actions(count: int, plan=None, **fields) -> list[Action]:
    plan = plan or WorkPlanFactory()
    return [ActionFactory(plan=plan, **fields) for _ in range(count)]


def meetings(count: int, group=None) -> None:
    start = timezone.now() - datetime.timedelta(days=10)
    for day in range(count):
        MeetingFactory(
            kind="working_group",
            group=group or WorkingGroupFactory(),
            body="",
            starts_at=start - datetime.timedelta(days=day),
        )


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- The helper --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "asked, shown",
    [
        ("", 1),
        ("2", 2),
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("\x00", 1),
        ("1.5", 1),
        ("٣", 1),  # an Arabic-Indic three is not read as a page number
        ("999999", 4),
        ("9" * 5000, 1),
    ],
)
def test_any_page_number_gives_a_page_of_the_list(asked, shown):
    request = RequestFactory().get("/", {"page": asked, "status": "ongoing"})
    listing = paging.page_of(request, list(range(100)), per_page=25)
    assert listing.page.number == shown
    assert listing.link(3) == "?status=ongoing&page=3"


def test_a_list_on_one_page_has_no_pager_and_an_empty_list_counts_nothing():
    request = RequestFactory().get("/")
    assert not paging.page_of(request, [1, 2, 3]).is_paged
    empty = paging.page_of(request, [])
    assert (empty.count, empty.first, empty.last, list(empty.rows)) == (0, 0, 0, [])


# --- The lists ----------------------------------------------------------------------------


def test_the_action_list_counts_the_whole_list_and_keeps_its_filter_across_pages(client):
    plan = WorkPlanFactory()
    ongoing = sorted(a.number for a in actions(60, plan=plan, status=Action.Status.ONGOING))
    actions(5, plan=plan, status=Action.Status.COMPLETE)
    client.force_login(SecretariatFactory())
    response = client.get(reverse("action_list"), {"status": "ongoing", "page": "2"})
    page = text(response)
    assert "Actions 26–50 of 60" in page
    assert 'href="?status=ongoing&page=3" rel="next"' in page
    assert 'href="?status=ongoing&page=1" rel="prev"' in page
    assert [a.number for a in response.context["actions"]] == ongoing[25:50]
    last = client.get(reverse("action_list"), {"status": "ongoing", "page": "3"})
    assert "Actions 51–60 of 60" in text(last) and 'rel="next"' not in text(last)


def test_the_action_list_pages_show_every_action_once_in_order(client):
    plan = WorkPlanFactory()
    actions(30, plan=plan)
    client.force_login(SecretariatFactory())
    shown = []
    for number in (1, 2):
        response = client.get(reverse("action_list"), {"page": number})
        shown += [a.number for a in response.context["actions"]]
    assert shown == sorted(a.number for a in plan.actions.all())


def test_a_page_number_alone_leaves_the_action_list_unfiltered(client):
    actions(30)
    client.force_login(SecretariatFactory())
    response = client.get(reverse("action_list"), {"page": "2"})
    assert not response.context["filter"].is_bound
    assert "Actions 26–30 of 30" in text(response)


def test_the_meeting_list_counts_the_whole_list_and_keeps_its_filter_across_pages(client):
    group = WorkingGroupFactory()
    meetings(30, group=group)
    meetings(3)
    client.force_login(SecretariatFactory())
    response = client.get(reverse("meeting_list"), {"group": group.pk, "page": "2"})
    page = text(response)
    assert "Meetings 26–30 of 30" in page
    assert f'href="?group={group.pk}&page=1" rel="prev"' in page
    assert all(m.group_id == group.pk for m in response.context["meetings"])


def test_the_member_list_pages_members_then_observers(client):
    for n in range(45):
        MemberFactory(name=f"State {n:02d}")
    for n in range(10):
        MemberFactory(name=f"Observer {n:02d}", ahg_joined_on=None, is_observer=True)
    client.force_login(UserFactory())
    first = text(client.get(reverse("member_list")))
    second = text(client.get(reverse("member_list"), {"page": 2}))
    assert "Members and observers 1–50 of 55" in first
    assert "State 44" in first and "Observer 04" in first and "Observer 05" not in first
    assert "Members and observers 51–55 of 55" in second and "<caption>Observers" in second
    assert "Observer 05" in second and "State 44" not in second


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("asked", ["0", "-1", "abc", "99999999", "9" * 5000])
def test_a_bad_page_number_opens_a_page_of_every_list(client, name, asked):
    actions(30)
    meetings(30)
    client.force_login(SecretariatFactory())
    response = client.get(reverse(name), {"page": asked})
    assert response.status_code == 200
    assert response.context["listing"].page.number in (1, 2)


@pytest.mark.parametrize("name", LISTS)
def test_no_page_number_drawn_at_random_gives_a_500(client, name):
    actions(30)
    meetings(30)
    client.force_login(SecretariatFactory())

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(asked=st.one_of(st.text(max_size=30), st.integers().map(str)))
    def check(asked):
        response = client.get(reverse(name), {"page": asked})
        # A NUL anywhere in an address is refused before any page reads it.
        assert response.status_code == (400 if "\x00" in asked else 200), asked

    check()


@pytest.mark.parametrize("name", LISTS)
def test_a_nul_in_the_page_number_is_a_bad_request_on_every_list(client, name):
    client.force_login(SecretariatFactory())
    assert client.get(reverse(name), {"page": "2\x00"}).status_code == 400


# --- Queries ------------------------------------------------------------------------------


def queries(client, url: str, query: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url, query or {}).status_code == 200
    return len(context.captured_queries)


# Session and user, the person's groups (2), the count and the page's rows and what they
# show (lead members, the filter's choices).
MOST_QUERIES = {"action_list": 12, "meeting_list": 8, "member_list": 5}


def grow(name: str, plan, lead, expert, rows: int) -> None:
    """Make the list `name` `rows` long (actions of the plan, some reported on; meetings
    of its group; members)."""
    if name == "action_list":
        for action in actions(rows - plan.actions.count(), plan=plan, lead_members=[lead]):
            if action.number % 30 == 0:
                services.update_post(action, text="Progress.", author=expert)
    elif name == "meeting_list":
        meetings(rows - plan.group.meetings.count(), group=plan.group)
    else:
        MemberFactory.create_batch(rows - Member.objects.count())


@pytest.mark.parametrize("name", LISTS)
def test_a_page_of_a_list_asks_as_many_queries_for_300_rows_as_for_30(
    client, name, django_assert_max_num_queries
):
    plan = WorkPlanFactory()
    lead = MemberFactory()
    expert = participant(plan.group, member=lead)
    counts = {}
    for rows in (30, 300):
        grow(name, plan, lead, expert, rows)
        for person in [SecretariatFactory(), expert]:
            client.force_login(person)
            url = reverse(name)
            queries(client, url)  # the first request also sets up the session
            counts[rows, person.is_secretariat] = queries(client, url, {"page": "2"})
            with django_assert_max_num_queries(MOST_QUERIES[name]):
                client.get(url, {"page": "2"})
    assert counts[30, True] == counts[300, True] and counts[30, False] == counts[300, False]


def person_in_groups(count: int):
    """A focal point of one member in `count` groups, co-chair of the first, each group
    with a plan of thirty actions."""
    member = MemberFactory()
    person = UserFactory(affiliation=member)
    for n in range(count):
        group = WorkingGroupFactory()
        ParticipationFactory(
            person=person, group=group, member=member, role=Participation.Role.FOCAL_POINT
        )
        if n == 0:
            CoChairTermFactory(group=group, member=member)
        actions(30 // count, plan=WorkPlanFactory(group=group))
    return person, group


@pytest.mark.parametrize("name", ["action_list", "work_plan_list"])
def test_the_plans_a_person_sees_cost_the_same_queries_in_1_or_6_groups(client, name):
    counts = []
    for groups in (1, 6):
        person, group = person_in_groups(groups)
        client.force_login(person)
        url = reverse(name, args=[group.slug] if name == "work_plan_list" else [])
        queries(client, url)
        counts.append(queries(client, url))
    assert counts[0] == counts[1], counts

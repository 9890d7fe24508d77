"""The personal calendar feed reaches twelve months back, keeps out what the person may not
see, and answers a calendar application that asks again with 304 Not Modified until
something in it changes."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from meetings import calendar, services
from tests.factories import MeetingFactory, WorkingGroupFactory, participant

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def group_meeting(group, days_from_now: int, **fields):
    starts_at = timezone.now() + days_from_now * DAY
    return MeetingFactory(kind="working_group", group=group, body="", starts_at=starts_at, **fields)


@pytest.fixture
def world():
    group = WorkingGroupFactory()
    person = participant(group)
    return {
        "group": group,
        "person": person,
        "coming": group_meeting(group, 40, title="Coming meeting"),
        "last_year": group_meeting(group, -330, title="Meeting eleven months ago"),
        "old": group_meeting(group, -370, title="Meeting over a year ago"),
        "hidden": group_meeting(WorkingGroupFactory(), 10, title="Another group's meeting"),
        "feed": calendar.feed_create(person),
    }


def feed(client, world, **headers):
    return client.get(reverse("calendar_feed", args=[world["feed"].token]), headers=headers)


def titles(response) -> set[str]:
    ical = icalendar.Calendar.from_ical(response.content)
    return {str(event["SUMMARY"]) for event in ical.events}


def test_the_feed_reaches_twelve_months_back_and_keeps_out_what_the_person_may_not_see(
    client, world
):
    assert titles(feed(client, world)) == {"Coming meeting", "Meeting eleven months ago"}


def test_the_feed_gives_its_etag_and_the_time_of_its_latest_change(client, world):
    response = feed(client, world)
    assert response.status_code == 200 and response["ETag"]
    latest = world["coming"].history.latest("history_date").history_date
    assert response["Last-Modified"] == http_date(latest.timestamp())


def test_asking_again_with_the_etag_or_the_date_is_answered_not_modified(client, world):
    first = feed(client, world)
    again = feed(client, world, if_none_match=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = feed(client, world, if_modified_since=first["Last-Modified"])
    assert since.status_code == 304


def test_a_change_to_a_meeting_in_the_feed_changes_its_etag(client, world):
    first = feed(client, world)
    meeting = world["last_year"]
    meeting.title = "Meeting eleven months ago, renamed"
    services.meeting_save(meeting)
    changed = feed(client, world, if_none_match=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "Meeting eleven months ago, renamed" in titles(changed)


def test_a_change_to_a_meeting_outside_the_feed_leaves_its_etag(client, world):
    first = feed(client, world)
    for meeting in [world["old"], world["hidden"]]:
        meeting.city = "Bangkok"
        services.meeting_save(meeting)
    assert feed(client, world, if_none_match=first["ETag"]).status_code == 304


def test_a_meeting_the_person_comes_to_see_changes_the_etag(client, world):
    first = feed(client, world)
    services.invitations_send(world["hidden"], persons=[world["person"]])
    changed = feed(client, world, if_none_match=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    assert "Another group's meeting" in titles(changed)


def test_two_people_seeing_the_same_meetings_have_different_etags(client, world):
    other = calendar.feed_create(participant(world["group"]))
    mine = feed(client, world)["ETag"]
    theirs = client.get(reverse("calendar_feed", args=[other.token]), headers={})
    assert theirs["ETag"] != mine


def test_a_turned_off_address_is_404_even_with_the_etag(client, world):
    etag = feed(client, world)["ETag"]
    calendar.feed_revoke(world["feed"])
    assert feed(client, world, if_none_match=etag).status_code == 404


def test_the_feed_asks_three_queries_whether_answered_in_full_or_not_modified(
    client, world, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        etag = feed(client, world)["ETag"]
    with django_assert_max_num_queries(2):
        assert feed(client, world, if_none_match=etag).status_code == 304

"""The agenda of a meeting: its times, its order, who edits it and who reads it."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meetings import agenda
from meetings.models import AgendaItem, Meeting, Speaker
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)

pytestmark = pytest.mark.django_db
MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
UTC = datetime.UTC
FETCH = {"X-Requested-With": "fetch"}


def at(day, hour, minute=0, zone=MAKASSAR):
    return datetime.datetime(2012, 6, day, hour, minute, tzinfo=zone)


def bali_meeting(group=None, *, starts=None, ends=None, **fields):
    """A meeting in Bali (Asia/Makassar, UTC+8) from 09:00 to 17:00 local on 1 June 2012."""
    held_by = {"kind": "working_group", "group": group, "body": ""} if group else {}
    return MeetingFactory(
        starts_at=starts or at(1, 9),
        ends_at=ends or at(1, 17),
        time_zone="Asia/Makassar",
        **held_by,
        **fields,
    )


def add(meeting, title, minutes=30, **fields):
    return agenda.item_add(meeting, title=title, duration_minutes=minutes, **fields)


def titles(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("title", flat=True))


def positions(meeting):
    return list(meeting.agenda_items.order_by("position").values_list("position", flat=True))


def times(meeting):
    items = list(meeting.agenda_items.all())
    return [
        (e.item.title, f"{e.starts_at:%d %H:%M}", f"{e.ends_at:%d %H:%M}", e.overlaps_previous)
        for e in agenda.schedule(meeting, items)
    ]


def editor(meeting):
    return reverse("agenda_edit", args=[meeting.pk])


def move_url(item):
    return reverse("agenda_item_move", args=[item.meeting_id, item.pk])


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP")


@pytest.fixture
def meeting(group):
    return bali_meeting(group)


@pytest.fixture
def three(meeting):
    """Opening, Work plan and Close, in that order."""
    return [add(meeting, "Opening"), add(meeting, "Work plan", 90), add(meeting, "Close", 15)]


@pytest.fixture
def secretariat(client):
    client.force_login(SecretariatFactory())
    return client


# --- Times ----------------------------------------------------------------------------


def test_items_follow_each_other_from_the_meeting_start_in_the_meetings_own_zone():
    meeting = bali_meeting()
    add(meeting, "Opening", 30)
    add(meeting, "Terms of Reference", 45)
    add(meeting, "Regional priorities", 90)

    scheduled = agenda.schedule(meeting, list(meeting.agenda_items.all()))

    assert [e.number for e in scheduled] == [1, 2, 3]
    assert {e.starts_at.tzinfo.key for e in scheduled} == {"Asia/Makassar"}
    assert times(meeting) == [
        ("Opening", "01 09:00", "01 09:30", False),
        ("Terms of Reference", "01 09:30", "01 10:15", False),
        ("Regional priorities", "01 10:15", "01 11:45", False),
    ]
    # The same instant as the stored one: 09:00 in Bali is 01:00 UTC.
    assert scheduled[0].starts_at == datetime.datetime(2012, 6, 1, 1, tzinfo=UTC)


def test_a_fixed_item_starts_at_its_time_and_the_next_follows_it():
    meeting = bali_meeting()
    add(meeting, "Opening", 30)
    add(meeting, "Lunch", 60, fixed_start_at=at(1, 12, 30))
    add(meeting, "Work plan", 90)

    assert times(meeting) == [
        ("Opening", "01 09:00", "01 09:30", False),
        ("Lunch", "01 12:30", "01 13:30", False),
        ("Work plan", "01 13:30", "01 15:00", False),
    ]


def test_a_fixed_item_that_starts_before_the_previous_one_ends_is_flagged():
    meeting = bali_meeting()
    add(meeting, "Opening", 60)
    add(meeting, "Minister's address", 20, fixed_start_at=at(1, 9, 45))
    add(meeting, "Work plan", 30)

    assert times(meeting) == [
        ("Opening", "01 09:00", "01 10:00", False),
        ("Minister's address", "01 09:45", "01 10:05", True),
        ("Work plan", "01 10:05", "01 10:35", False),
    ]


def test_items_running_past_midnight_end_on_the_next_day():
    meeting = bali_meeting(starts=at(1, 22), ends=at(2, 3))
    add(meeting, "Evening session", 90)
    add(meeting, "Late item", 60)
    add(meeting, "After midnight", 30)

    assert times(meeting) == [
        ("Evening session", "01 22:00", "01 23:30", False),
        ("Late item", "01 23:30", "02 00:30", False),
        ("After midnight", "02 00:30", "02 01:00", False),
    ]


def test_meeting_page_numbers_the_items_with_times_in_the_meetings_zone(client, group):
    meeting = bali_meeting(group, agenda_published_at=at(1, 8))
    add(meeting, "Opening", 30)
    add(meeting, "Work plan", 90)
    reader = participant(group, time_zone="Europe/London")
    client.force_login(reader)

    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()

    assert "09:00–09:30" in page and "09:30–11:00" in page
    assert "1. Opening" in page and "2. Work plan" in page


def test_meeting_page_shows_the_day_of_an_item_after_midnight(client, group):
    meeting = bali_meeting(group, starts=at(1, 22), ends=at(2, 3), agenda_published_at=at(1, 8))
    add(meeting, "Evening session", 90)
    add(meeting, "Late item", 60)
    add(meeting, "After midnight", 30)
    client.force_login(participant(group))

    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()

    assert "23:30–00:30</span>" in page  # starts on the first day: no date
    assert '00:30–01:00 <span class="muted">2 Jun</span>' in page


# --- Keeping the order whole --------------------------------------------------------------


def test_a_new_item_goes_at_the_end_by_default(meeting, three):
    add(meeting, "Any other business")
    assert titles(meeting) == ["Opening", "Work plan", "Close", "Any other business"]
    assert positions(meeting) == [1, 2, 3, 4]


def test_adding_at_a_position_moves_the_items_after_it_down(meeting, three):
    add(meeting, "Welcome", position=1)
    add(meeting, "Lunch", position=4)
    assert titles(meeting) == ["Welcome", "Opening", "Work plan", "Lunch", "Close"]
    assert positions(meeting) == [1, 2, 3, 4, 5]


def test_adding_at_a_position_beyond_the_end_is_refused(meeting, three):
    with pytest.raises(ValidationError) as refused:
        add(meeting, "Lost", position=5)
    assert refused.value.message_dict == {
        "position": ["There is no position 5 on this agenda: choose one from 1 to 4."]
    }
    assert titles(meeting) == ["Opening", "Work plan", "Close"]


def test_deleting_an_item_renumbers_the_rest(meeting, three):
    agenda.item_delete(three[0])
    assert titles(meeting) == ["Work plan", "Close"]
    assert positions(meeting) == [1, 2]


@pytest.mark.parametrize(
    "to, expected",
    [
        (1, ["Close", "Opening", "Work plan"]),
        (2, ["Opening", "Close", "Work plan"]),
        (3, ["Opening", "Work plan", "Close"]),
    ],
)
def test_an_item_moves_to_any_position(meeting, three, to, expected):
    agenda.item_move(three[2], to)
    assert titles(meeting) == expected
    assert positions(meeting) == [1, 2, 3]


def test_moving_an_item_down_shifts_the_ones_in_between_up(meeting, three):
    agenda.item_move(three[0], 3)
    assert titles(meeting) == ["Work plan", "Close", "Opening"]


@pytest.mark.parametrize("to", [0, 4, -1, 1000])
def test_a_move_out_of_range_is_refused_with_the_range_allowed(meeting, three, to):
    with pytest.raises(ValidationError) as refused:
        agenda.item_move(three[1], to)
    assert refused.value.message_dict == {
        "position": [f"There is no position {to} on this agenda: choose one from 1 to 3."]
    }
    assert titles(meeting) == ["Opening", "Work plan", "Close"]


def test_an_item_alone_can_only_be_at_position_1(meeting):
    item = add(meeting, "Only item")
    with pytest.raises(ValidationError, match="the only one is 1"):
        agenda.item_move(item, 2)


# One step of a random sequence: add (at the end or at a position, possibly out of range),
# move the n-th item to a position (possibly out of range), or delete the n-th item.
STEPS = st.one_of(
    st.tuples(st.just("add"), st.none() | st.integers(-1, 10)),
    st.tuples(st.just("move"), st.integers(0, 30), st.integers(-1, 10)),
    st.tuples(st.just("delete"), st.integers(0, 30)),
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEPS, max_size=25))
def test_positions_stay_1_to_n_and_follow_a_list_after_any_sequence_of_changes(steps):
    meeting = MeetingFactory()
    model: list[int] = []  # the item ids in the order a plain Python list gives
    for number, step in enumerate(steps):
        if step[0] == "add":
            position = step[1]
            allowed = position is None or 1 <= position <= len(model) + 1
            try:
                item = add(meeting, f"Item {number}", position=position)
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                model.insert(len(model) if position is None else position - 1, item.pk)
        elif step[0] == "move" and model:
            pk, to = model[step[1] % len(model)], step[2]
            allowed = 1 <= to <= len(model)
            try:
                agenda.item_move(AgendaItem.objects.get(pk=pk), to)
            except ValidationError:
                assert not allowed
            else:
                assert allowed
                model.remove(pk)
                model.insert(to - 1, pk)
        elif step[0] == "delete" and model:
            agenda.item_delete(AgendaItem.objects.get(pk=model.pop(step[1] % len(model))))

        rows = list(meeting.agenda_items.order_by("position").values_list("position", "pk"))
        assert [position for position, _ in rows] == list(range(1, len(model) + 1))
        assert [pk for _, pk in rows] == model  # none lost, none duplicated, same order


# --- The rules of an item -------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"title": "  "}, "title", "Give the agenda item a title."),
        ({"duration_minutes": 4}, "duration_minutes", "Give a duration from 5 to 600 minutes."),
        ({"duration_minutes": 601}, "duration_minutes", "Give a duration from 5 to 600 minutes."),
        ({"duration_minutes": None}, "duration_minutes", "Give a duration from 5 to 600 minutes."),
        (
            {"fixed_start_at": at(2, 9)},
            "fixed_start_at",
            "A fixed start must fall within the meeting's dates (1 June 2012, Asia/Makassar time).",
        ),
    ],
)
def test_an_item_needs_a_title_a_duration_of_5_to_600_minutes_and_a_start_in_the_dates(
    meeting, fields, field, message
):
    values = {"title": "Opening", "duration_minutes": 30} | fields
    with pytest.raises(ValidationError) as refused:
        agenda.item_add(meeting, **values)
    assert refused.value.message_dict == {field: [message]}
    assert not meeting.agenda_items.exists()


def test_the_meetings_dates_are_its_local_days_not_utc_days(meeting):
    # 07:00 in Bali on 1 June is still 31 May in UTC: it is on the meeting's day.
    item = add(meeting, "Breakfast briefing", fixed_start_at=at(1, 7))
    assert item.fixed_start_at == datetime.datetime(2012, 5, 31, 23, tzinfo=UTC)


def test_the_same_rules_hold_when_an_item_changes(meeting, three):
    with pytest.raises(ValidationError) as refused:
        agenda.item_update(three[0], title="", duration_minutes=700)
    assert set(refused.value.message_dict) == {"title", "duration_minutes"}
    three[0].refresh_from_db()
    assert (three[0].title, three[0].duration_minutes) == ("Opening", 30)

    agenda.item_update(three[0], title="Opening and welcome", duration_minutes=45)
    three[0].refresh_from_db()
    assert (three[0].title, three[0].duration_minutes) == ("Opening and welcome", 45)


def test_a_change_of_position_goes_through_a_move_not_an_update(meeting, three):
    with pytest.raises(TypeError, match="use item_move"):
        agenda.item_update(three[0], position=3)


def test_a_speaker_is_a_person_of_the_portal_or_a_name(meeting, three):
    person = UserFactory(first_name="Somchai", last_name="Wong", affiliation=MemberFactory())
    portal_speaker = agenda.speaker_add(three[0], person=person)
    guest = agenda.speaker_add(three[0], name="Dr Ana Cruz", affiliation="University of Manila")

    assert portal_speaker.display_name == "Somchai Wong"
    assert portal_speaker.affiliation == person.affiliation.display_name
    assert (guest.display_name, guest.affiliation) == ("Dr Ana Cruz", "University of Manila")
    with pytest.raises(ValidationError, match="Choose a person of the portal or type a name"):
        agenda.speaker_add(three[0], affiliation="Nobody")
    with pytest.raises(ValidationError, match="not both"):
        agenda.speaker_add(three[0], person=person, name="Somchai")


def test_publishing_sets_the_date_and_unpublishing_clears_it(meeting, three):
    agenda.agenda_publish(meeting)
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None

    agenda.agenda_unpublish(meeting)
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is None


def test_an_empty_agenda_is_not_published(meeting):
    with pytest.raises(ValidationError, match="Add at least one agenda item"):
        agenda.agenda_publish(meeting)


# --- Who reads the agenda -------------------------------------------------------------


def test_a_member_sees_a_draft_agenda_only_once_it_is_published(client, group, meeting, three):
    client.force_login(participant(group))
    url = reverse("meeting_detail", args=[meeting.pk])

    draft = client.get(url).content.decode()
    assert "The agenda has not been published yet." in draft
    assert "Work plan" not in draft and "Build the agenda" not in draft

    agenda.agenda_publish(meeting)
    published = client.get(url).content.decode()
    assert "not been published" not in published
    assert "1. Opening" in published and "2. Work plan" in published and "3. Close" in published


def test_a_co_chair_reads_the_draft_marked_as_such(client, group, meeting, three):
    client.force_login(co_chair(group))
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert '<span class="badge badge-draft">Draft</span>' in page and "2. Work plan" in page
    assert "Build the agenda" not in page


def test_the_meeting_page_links_the_secretariat_to_the_editor(secretariat, meeting):
    page = secretariat.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert f'href="{editor(meeting)}">Build the agenda</a>' in page


# --- Who edits the agenda -------------------------------------------------------------

PAGES = ["agenda_edit", "agenda_item_edit"]
ACTIONS = ["agenda_item_move", "agenda_item_delete", "agenda_publish"]


def url_of(name, item):
    args = [item.meeting_id] if name in ("agenda_edit", "agenda_publish") else None
    return reverse(name, args=args or [item.meeting_id, item.pk])


@pytest.mark.parametrize("name", PAGES)
def test_the_secretariat_opens_every_editor_page(secretariat, three, name):
    assert secretariat.get(url_of(name, three[0])).status_code == 200


@pytest.mark.parametrize("name", ACTIONS)
def test_the_secretariat_acts_and_comes_back_to_the_editor(secretariat, three, name):
    response = secretariat.post(url_of(name, three[0]), {"direction": "down"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith(editor(three[0].meeting))


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_a_member_of_the_group_gets_404_on_every_editor_url(client, group, three, name):
    client.force_login(participant(group))
    url = url_of(name, three[0])
    if name in PAGES:
        assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Mine", "direction": "up"}).status_code == 404
    assert titles(three[0].meeting) == ["Opening", "Work plan", "Close"]


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_a_co_chair_gets_404_on_every_editor_url(client, group, three, name):
    client.force_login(co_chair(group))
    assert client.post(url_of(name, three[0]), {"direction": "up"}).status_code == 404


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_a_stranger_is_sent_to_sign_in_from_every_editor_url(client, three, name):
    url = url_of(name, three[0])
    for response in (client.get(url), client.post(url, {"direction": "up"})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_item_of_another_meeting_is_not_found(secretariat, meeting, three):
    other = bali_meeting()
    assert (
        secretariat.get(reverse("agenda_item_edit", args=[other.pk, three[0].pk])).status_code
        == 404
    )
    assert (
        secretariat.post(reverse("agenda_item_move", args=[other.pk, three[0].pk])).status_code
        == 404
    )


@pytest.mark.parametrize("items", [1, 12])
def test_the_editor_query_count_does_not_grow_with_items(
    secretariat, meeting, django_assert_max_num_queries, items
):
    person = UserFactory(affiliation=MemberFactory())
    for number in range(items):
        item = add(meeting, f"Item {number}")
        agenda.speaker_add(item, person=person)
        agenda.speaker_add(item, name="Guest", affiliation="IOM")
    with django_assert_max_num_queries(5):
        page = secretariat.get(editor(meeting))
    assert page.status_code == 200
    assert page.content.decode().count('class="agenda-item"') == items


# --- The editor, with and without the script ------------------------------------------


def test_the_editor_lists_items_with_times_moves_edit_links_and_speakers(
    secretariat, meeting, three
):
    agenda.speaker_add(three[1], name="Dr Ana Cruz", affiliation="IOM")
    page = secretariat.get(editor(meeting)).content.decode()
    assert "09:00–09:30" in page and "09:30–11:00" in page and "11:00–11:15" in page
    assert "2. Work plan" in page and "Dr Ana Cruz (IOM)" in page
    first = page.split(f'id="item-{three[0].pk}"')[1].split("</li>")[0]
    last = page.split(f'id="item-{three[2].pk}"')[1].split("</li>")[0]
    assert "Move up" not in first and "Move down" in first
    assert "Move up" in last and "Move down" not in last
    assert reverse("agenda_item_edit", args=[meeting.pk, three[1].pk]) in page
    assert 'aria-live="polite"' in page and "js/agenda.js" in page
    assert "Publish the agenda" in page


def test_a_clash_is_shown_in_the_editor(secretariat, meeting):
    add(meeting, "Opening", 60)
    add(meeting, "Minister's address", 20, fixed_start_at=at(1, 9, 45))
    page = secretariat.get(editor(meeting)).content.decode()
    assert page.count("Clash: starts before the previous item ends") == 1


def test_adding_an_item_without_the_script_goes_back_to_the_new_item(secretariat, meeting, three):
    data = {"title": "Any other business", "duration_minutes": "20", "description": ""}
    response = secretariat.post(editor(meeting), data)

    added = meeting.agenda_items.get(title="Any other business")
    assert response.status_code == 302
    assert response.url == f"{editor(meeting)}#item-{added.pk}"
    page = secretariat.get(response.url).content.decode()
    assert "Added item 4, Any other business, 11:15 to 11:35." in page


def test_adding_an_item_with_the_script_answers_with_the_list_and_a_fresh_form(
    secretariat, meeting, three
):
    data = {"title": "Any other business", "duration_minutes": "20"}
    response = secretariat.post(editor(meeting), data, headers=FETCH)

    added = meeting.agenda_items.get(title="Any other business")
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and 'class="agenda-update"' in text
    assert f'data-focus="item-{added.pk}"' in text
    assert 'data-announce="Added item 4, Any other business, 11:15 to 11:35."' in text
    assert 'id="agenda-list"' in text and "4. Any other business" in text
    assert 'id="agenda-add"' in text and 'value="Any other business"' not in text


def test_a_refused_item_shows_the_errors_beside_the_fields(secretariat, meeting, three):
    data = {"title": "", "duration_minutes": "700"}
    response = secretariat.post(editor(meeting), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {
        "title": ["Give the agenda item a title."],
        "duration_minutes": ["Give a duration from 5 to 600 minutes."],
    }
    assert "3. Close" in response.content.decode()
    assert titles(meeting) == ["Opening", "Work plan", "Close"]


def test_a_refused_item_with_the_script_answers_400_with_the_form_and_focus_on_it(
    secretariat, meeting
):
    response = secretariat.post(editor(meeting), {"duration_minutes": "30"}, headers=FETCH)
    text = response.content.decode()
    assert response.status_code == 400
    assert 'data-focus="id_title"' in text and "not added" in text
    assert "Give the agenda item a title." in text


def test_a_fixed_start_is_typed_in_the_meetings_local_time(secretariat, meeting):
    data = {"title": "Lunch", "duration_minutes": "60", "fixed_start_at": "2012-06-01T12:30"}
    secretariat.post(editor(meeting), data)
    lunch = meeting.agenda_items.get()
    assert lunch.fixed_start_at == datetime.datetime(2012, 6, 1, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "data, expected",
    [
        ({"direction": "up"}, ["Opening", "Close", "Work plan"]),
        ({"position": "1"}, ["Close", "Opening", "Work plan"]),
    ],
)
def test_moving_without_the_script_goes_back_to_the_item(
    secretariat, meeting, three, data, expected
):
    response = secretariat.post(move_url(three[2]), data)
    assert response.status_code == 302
    assert response.url == f"{editor(meeting)}#item-{three[2].pk}"
    assert titles(meeting) == expected


def test_moving_down_without_the_script(secretariat, meeting, three):
    secretariat.post(move_url(three[0]), {"direction": "down"})
    assert titles(meeting) == ["Work plan", "Opening", "Close"]


def test_moving_with_the_script_answers_with_the_list_the_focus_and_the_news(
    secretariat, meeting, three
):
    response = secretariat.post(move_url(three[2]), {"position": "1"}, headers=FETCH)
    text = response.content.decode()
    assert response.status_code == 200
    assert f'data-focus="item-{three[2].pk}"' in text
    assert 'data-announce="Moved Close to position 1 of 3; it now runs 09:00 to 09:15."' in text
    assert text.index("1. Close") < text.index("2. Opening") < text.index("3. Work plan")
    assert 'id="agenda-add"' not in text


@pytest.mark.parametrize("headers", [{}, FETCH])
@pytest.mark.parametrize(
    "data, message",
    [
        ({"position": "9"}, "There is no position 9 on this agenda: choose one from 1 to 3."),
        ({"position": "first"}, "Type the number of the position to move the item to."),
        ({"direction": "up"}, "There is no position 0 on this agenda: choose one from 1 to 3."),
    ],
)
def test_a_refused_move_shows_the_reason_beside_the_item(
    secretariat, meeting, three, headers, data, message
):
    response = secretariat.post(move_url(three[0]), data, headers=headers)
    text = response.content.decode()
    assert response.status_code == (400 if headers else 200)
    error = text.split(f'id="move-{three[0].pk}-error"')[1].split("</span>")[0]
    assert message in error
    assert f'aria-describedby="move-{three[0].pk}-error"' in text
    assert titles(meeting) == ["Opening", "Work plan", "Close"]
    if headers:
        assert f'data-focus="move-{three[0].pk}"' in text


def test_deleting_from_the_editor_renumbers_the_rest(secretariat, meeting, three):
    url = reverse("agenda_item_delete", args=[meeting.pk, three[1].pk])
    response = secretariat.post(url, follow=True)
    assert titles(meeting) == ["Opening", "Close"]
    assert "Deleted the item Work plan" in response.content.decode()
    assert "2. Close" in response.content.decode()


def test_publishing_and_unpublishing_from_the_editor(secretariat, meeting, three):
    url = reverse("agenda_publish", args=[meeting.pk])
    page = secretariat.post(url, {"publish": "yes"}, follow=True).content.decode()
    meeting.refresh_from_db()
    assert meeting.agenda_is_published
    assert "Published the agenda" in page and "Unpublish the agenda" in page

    page = secretariat.post(url, {"publish": "no"}, follow=True).content.decode()
    meeting.refresh_from_db()
    assert not meeting.agenda_is_published
    assert "draft again" in page and "Publish the agenda" in page


def test_publishing_an_empty_agenda_is_refused_with_a_message(secretariat, meeting):
    page = secretariat.post(
        reverse("agenda_publish", args=[meeting.pk]), {"publish": "yes"}, follow=True
    ).content.decode()
    meeting.refresh_from_db()
    assert not meeting.agenda_is_published
    assert "Add at least one agenda item" in page


def test_the_editor_refuses_a_get_on_actions(secretariat, three):
    assert secretariat.get(move_url(three[0])).status_code == 405


# --- The item page ------------------------------------------------------------------------


def item_url(item):
    return reverse("agenda_item_edit", args=[item.meeting_id, item.pk])


def test_the_item_page_shows_the_item_in_local_time(secretariat, meeting):
    lunch = add(meeting, "Lunch", 60, fixed_start_at=at(1, 12, 30))
    form = secretariat.get(item_url(lunch)).context["form"]
    assert form.initial["fixed_start_at"] == datetime.datetime(2012, 6, 1, 12, 30)
    assert form.initial["title"] == "Lunch"


def test_the_item_page_saves_with_the_same_rules(secretariat, meeting, three):
    data = {"title": "Work plan", "duration_minutes": "3"}
    refused = secretariat.post(item_url(three[1]), data)
    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "duration_minutes": ["Give a duration from 5 to 600 minutes."]
    }
    data = {"title": "Forward Work Plan", "duration_minutes": "120", "description": "Adopt it."}
    saved = secretariat.post(item_url(three[1]), data)
    assert saved.url == f"{editor(meeting)}#item-{three[1].pk}"
    three[1].refresh_from_db()
    assert (three[1].title, three[1].duration_minutes, three[1].position) == (
        "Forward Work Plan",
        120,
        2,
    )


def test_the_item_page_refuses_a_fixed_start_outside_the_meeting(secretariat, meeting, three):
    data = {"title": "Opening", "duration_minutes": "30", "fixed_start_at": "2012-06-03T09:00"}
    form = secretariat.post(item_url(three[0]), data).context["form"]
    assert "within the meeting's dates" in form.errors["fixed_start_at"][0]


def test_the_item_page_adds_a_person_or_a_free_name_as_speaker(secretariat, meeting, three):
    person = UserFactory(first_name="Somchai", last_name="Wong", affiliation=MemberFactory())
    add_person = {"add_speaker": "1", "person": person.pk}
    response = secretariat.post(item_url(three[0]), add_person)
    assert response.url == item_url(three[0])
    add_guest = {"add_speaker": "1", "name": "Dr Ana Cruz", "affiliation": "IOM"}
    page = secretariat.post(item_url(three[0]), add_guest, follow=True).content.decode()
    assert "Added Dr Ana Cruz as a speaker." in page
    assert "Somchai Wong" in page and "Dr Ana Cruz (IOM)" in page
    assert [s.display_name for s in three[0].speakers.all()] == ["Somchai Wong", "Dr Ana Cruz"]


def test_the_item_page_removes_a_speaker_and_the_history_keeps_them(secretariat, three):
    item, other = three[0], three[1]
    kept = agenda.speaker_add(item, name="Dr Ana Cruz", affiliation="IOM")
    gone = agenda.speaker_add(item, name="Mr Lee", affiliation="UNODC")
    remove = reverse("speaker_remove", args=[item.meeting_id, item.pk, gone.pk])
    page = secretariat.post(remove, follow=True).content.decode()
    assert "Removed Mr Lee from the speakers." in page
    assert [s.display_name for s in item.speakers.all()] == ["Dr Ana Cruz"]
    assert Speaker.history.filter(id=gone.pk, history_type="-").exists()
    # A speaker is removed only through its own item.
    wrong_item = reverse("speaker_remove", args=[item.meeting_id, other.pk, kept.pk])
    assert secretariat.post(wrong_item).status_code == 404
    assert item.speakers.filter(pk=kept.pk).exists()


def test_the_item_page_refuses_a_speaker_with_neither_person_nor_name(secretariat, three):
    response = secretariat.post(item_url(three[0]), {"add_speaker": "1", "affiliation": "IOM"})
    assert response.status_code == 200
    assert response.context["speaker_form"].errors == {
        "person": ["Choose a person of the portal or type a name."]
    }
    assert not three[0].speakers.exists()


def test_a_senior_officials_meeting_gets_an_agenda_too(secretariat):
    som = MeetingFactory(kind=Meeting.Kind.SOM)
    secretariat.post(editor(som), {"title": "Opening", "duration_minutes": "30"})
    assert titles(som) == ["Opening"]

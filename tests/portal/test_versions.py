"""The version an edit form carries, and how a save over a newer one is refused."""

import pytest
from django.urls import reverse

from meetings import agenda
from meetings.models import AgendaItem
from portal.versions import READ_VERSION, EditConflict, check_version, version_of
from tests.factories import MeetingFactory, SecretariatFactory

pytestmark = pytest.mark.django_db

LOST = "This form lost the version of what it edits. Open the page again and repeat your change."


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def item(meeting):
    return agenda.item_add(meeting, title="Opening")


def test_the_version_is_that_of_the_latest_save(item):
    first = version_of(item)
    agenda.item_update(item, title="Welcome")
    assert version_of(item) > first
    assert version_of(AgendaItem(title="Not saved yet")) == 0


@pytest.mark.parametrize("garbled", ["abc", "-1", "9" * 20, "1.5"])
def test_a_garbled_version_is_refused_with_a_message_and_changes_nothing(client, item, garbled):
    client.force_login(SecretariatFactory())
    url = reverse("agenda_item_edit", args=[item.meeting_id, item.pk])
    data = {"title": "Welcome", "duration_minutes": "30", READ_VERSION: garbled}
    response = client.post(url, data)
    assert response.status_code == 200
    assert LOST in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Opening"


def test_a_save_that_left_everything_as_it_was_read_refuses_nothing(item):
    read = version_of(item)
    agenda.item_update(item, title="Opening")  # saved again, unchanged
    assert version_of(item) != read
    agenda.item_update(item, version=read, title="Welcome")
    item.refresh_from_db()
    assert item.title == "Welcome"


def test_a_version_that_was_never_this_objects_is_refused(meeting, item):
    other = agenda.item_add(meeting, title="Close")
    agenda.item_update(item, title="Welcome")
    with pytest.raises(EditConflict) as refused:
        agenda.item_update(item, version=version_of(other) + 1000, title="Opening words")
    assert refused.value.changes == []
    assert refused.value.version == version_of(item)
    item.refresh_from_db()
    assert item.title == "Welcome"


def test_an_object_saved_without_history_before_it_was_read_is_checked_from_then(meeting):
    (item,) = AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, position=1, title="A")])
    assert version_of(item) == 0
    agenda.item_update(item, version=0, title="B")
    with pytest.raises(EditConflict) as refused:
        agenda.item_update(item, version=0, title="C")
    assert refused.value.messages[0].startswith("Someone saved this agenda item on ")


def test_no_version_means_nothing_was_read_and_nothing_is_checked(item):
    agenda.item_update(item, title="Welcome")
    check_version(item, None)
    agenda.item_update(item, version=None, title="Opening words")
    item.refresh_from_db()
    assert item.title == "Opening words"


def test_the_refusal_names_everyone_who_saved_since(client, item):
    rowan = SecretariatFactory(first_name="Rowan", last_name="Ellis")
    kim = SecretariatFactory(first_name="Kim", last_name="Lee")
    read = version_of(item)
    for person, title in ((rowan, "Welcome"), (kim, "Welcome and opening")):
        item._history_user = person
        agenda.item_update(item, title=title)
    with pytest.raises(EditConflict) as refused:
        agenda.item_update(AgendaItem.objects.get(pk=item.pk), version=read, title="Hello")
    assert refused.value.editors == ["Rowan Ellis", "Kim Lee"]
    assert refused.value.messages[0].startswith("Rowan Ellis and Kim Lee saved this agenda item")
    assert refused.value.messages[1] == "Title: “Opening” → “Welcome and opening”"

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import participants, services
from meetings.models import Attendance, Meeting
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    participant,
)

pytestmark = pytest.mark.django_db


def _meeting(group, *, days_ago=2):
    return MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        body="",
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def setting():
    """A meeting held two days ago, nobody invited, and Thailand's expert who walked in."""
    group = WorkingGroupFactory()
    thailand = MemberFactory(name="Thailand", slug="thailand")
    expert = participant(
        group, member=thailand, first_name="Somchai", last_name="Wongsa", username="somchai"
    )
    return {
        "group": group,
        "thailand": thailand,
        "expert": expert,
        "meeting": _meeting(group),
        "secretary": SecretariatFactory(),
    }


def _walk_in(client, meeting, **fields):
    data = {"walk_in": "1"} | {k: v for k, v in fields.items() if v is not None}
    return client.post(reverse("meeting_invitations", args=[meeting.pk]), data)


def test_walk_in_recorded_by_secretariat_is_counted_and_listed(client, setting):
    meeting, expert = setting["meeting"], setting["expert"]
    client.force_login(setting["secretary"])

    response = _walk_in(client, meeting, member=setting["thailand"].pk, person=expert.pk)

    assert response.status_code == 302
    assert meeting.invitations.count() == 0
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "1 from 1 member country" in page
    listing = participants.participants_list(meeting, named=True)
    assert [(s.title, [m.name for m in s.members]) for s in listing.sections] == [
        ("States", ["Thailand"])
    ]
    assert [d.name for d in listing.sections[0].members[0].delegates] == ["Somchai Wongsa"]


def test_walk_in_as_observer_is_listed_among_observers(setting):
    meeting = setting["meeting"]
    canada = MemberFactory(name="Canada", slug="canada", is_observer=True, ahg_joined_on=None)

    services.attendance_add(meeting, member=canada, as_observer=True, by=setting["secretary"])

    listing = participants.participants_list(meeting, named=True)
    assert [s.title for s in listing.sections] == ["Observers"]


def test_duplicate_walk_in_is_refused_beside_the_field(client, setting):
    meeting, expert = setting["meeting"], setting["expert"]
    services.attendance_add(
        meeting, member=setting["thailand"], person=expert, by=setting["secretary"]
    )
    client.force_login(setting["secretary"])

    response = _walk_in(client, meeting, member=setting["thailand"].pk, person=expert.pk)

    assert response.status_code == 200
    assert response.context["walk_in"].errors["person"] == [
        "Somchai Wongsa is already recorded as attending."
    ]
    assert meeting.attendance.count() == 1


def test_member_recorded_twice_without_a_person_is_refused(setting):
    meeting = setting["meeting"]
    services.attendance_add(meeting, member=setting["thailand"], by=setting["secretary"])

    with pytest.raises(services.ValidationError, match="Thailand is already recorded"):
        services.attendance_add(meeting, member=setting["thailand"], by=setting["secretary"])


def test_person_of_another_member_is_refused(client, setting):
    australia = MemberFactory(name="Australia", slug="australia")
    client.force_login(setting["secretary"])

    response = _walk_in(
        client, setting["meeting"], member=australia.pk, person=setting["expert"].pk
    )

    assert response.context["walk_in"].errors["person"] == [
        "Somchai Wongsa is not of Australia: choose their own member."
    ]
    assert not setting["meeting"].attendance.exists()


def test_meeting_that_has_not_begun_refuses_a_walk_in(client, setting):
    future = _meeting(setting["group"], days_ago=-10)
    client.force_login(setting["secretary"])

    response = _walk_in(client, future, member=setting["thailand"].pk)

    assert response.status_code == 200
    assert "Attendance is recorded once the meeting has started." in response.content.decode()
    assert not future.attendance.exists()


def test_uncleared_person_at_a_clearance_group_meeting_is_refused_with_the_reason(client):
    secret = WorkingGroupFactory(short_name="WG-DCN", clearance_required=True)
    thailand = MemberFactory(name="Thailand", slug="thailand")
    expert = participant(
        secret, member=thailand, first_name="Nimal", last_name="Perera", username="nimal"
    )
    meeting = _meeting(secret)
    client.force_login(SecretariatFactory())

    response = _walk_in(client, meeting, member=thailand.pk, person=expert.pk)

    assert response.context["walk_in"].errors["person"] == [
        "Nimal Perera holds no valid clearance for WG-DCN."
    ]
    assert not meeting.attendance.exists()


def test_member_posting_a_walk_in_or_a_removal_gets_404_and_nothing_changes(client, setting):
    meeting, expert = setting["meeting"], setting["expert"]
    row = services.attendance_add(meeting, member=setting["thailand"], by=setting["secretary"])
    client.force_login(expert)

    added = _walk_in(client, meeting, member=setting["thailand"].pk, person=expert.pk)
    removed = client.post(reverse("attendance_remove", args=[meeting.pk]), {"attendance": row.pk})

    assert (added.status_code, removed.status_code) == (404, 404)
    assert list(meeting.attendance.all()) == [row]


def test_removal_takes_the_attendance_off_and_keeps_its_history(client, setting):
    meeting, secretary = setting["meeting"], setting["secretary"]
    row = services.attendance_add(
        meeting, member=setting["thailand"], person=setting["expert"], by=secretary
    )
    client.force_login(secretary)

    assert client.get(reverse("attendance_remove", args=[meeting.pk])).status_code == 405
    response = client.post(reverse("attendance_remove", args=[meeting.pk]), {"attendance": row.pk})

    assert response.status_code == 302
    assert not meeting.attendance.exists()
    history = Attendance.history.filter(id=row.pk).order_by("history_date")
    assert [(h.history_type, h.history_user) for h in history] == [
        ("+", secretary),
        ("-", secretary),
    ]


def test_removing_an_attendance_of_another_meeting_answers_404(client, setting):
    other = _meeting(setting["group"])
    row = services.attendance_add(other, member=setting["thailand"], by=setting["secretary"])
    client.force_login(setting["secretary"])

    response = client.post(
        reverse("attendance_remove", args=[setting["meeting"].pk]), {"attendance": row.pk}
    )

    assert response.status_code == 404
    assert other.attendance.count() == 1


def test_invitations_page_queries_stay_bounded_with_many_attendances(
    client, setting, django_assert_max_num_queries
):
    meeting, secretary = setting["meeting"], setting["secretary"]
    for n in range(12):
        member = MemberFactory(name=f"Member {n}", slug=f"member-{n}")
        person = participant(setting["group"], member=member, username=f"delegate-{n}")
        services.attendance_add(meeting, member=member, person=person, by=secretary)
    client.force_login(secretary)

    with django_assert_max_num_queries(25):
        response = client.get(reverse("meeting_invitations", args=[meeting.pk]))

    assert response.status_code == 200
    assert response.content.decode().count("from the attendance</span>") == 12


def test_cancelled_meeting_refuses_a_walk_in(setting):
    meeting = setting["meeting"]
    meeting.status = Meeting.Status.CANCELLED
    services.meeting_save(meeting)

    with pytest.raises(services.ValidationError, match="A cancelled meeting has no attendance"):
        services.attendance_add(meeting, member=setting["thailand"], by=setting["secretary"])
    assert not meeting.attendance.exists()


def test_recording_attendance_from_the_invitations_keeps_the_walk_ins(setting):
    meeting, secretary = setting["meeting"], setting["secretary"]
    indonesia = MemberFactory(name="Indonesia", slug="indonesia")
    services.attendance_add(
        meeting, member=setting["thailand"], person=setting["expert"], by=secretary
    )
    [invitation] = services.invitations_send(meeting, members=[indonesia])

    services.attendance_record(meeting, [invitation])
    services.attendance_record(meeting, [invitation])  # recorded again: replaced, not doubled

    recorded = sorted((a.member.name, a.person_id) for a in meeting.attendance.all())
    assert recorded == [("Indonesia", None), ("Thailand", setting["expert"].pk)]

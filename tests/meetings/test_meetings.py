import datetime
import html
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import Participation
from meetings import services
from meetings.models import Invitation, Meeting
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    participant,
)

pytestmark = pytest.mark.django_db
MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")


def group_meeting(group, **fields):
    return MeetingFactory(kind="working_group", group=group, body="", **fields)


def page(client, meeting):
    return client.get(reverse("meeting_detail", args=[meeting.pk]))


@pytest.fixture
def world():
    group = WorkingGroupFactory(short_name="WG-TIP")
    secret = WorkingGroupFactory(short_name="WG-DCN", clearance_required=True)
    observer_state = MemberFactory(name="Canada", ahg_joined_on=None, is_observer=True)
    return {
        "group": group,
        "meeting": group_meeting(group),
        "secret_meeting": group_meeting(secret),
        "som": MeetingFactory(),
        "member": participant(group),
        "other": participant(WorkingGroupFactory()),
        "uncleared": participant(secret),
        "observer": UserFactory(affiliation=observer_state),
        "observer_state": observer_state,
    }


@pytest.mark.parametrize(
    "who, meeting, status",
    [
        ("secretariat", "meeting", 200),
        ("secretariat", "secret_meeting", 200),
        ("member", "meeting", 200),
        ("member", "som", 200),  # meetings of Bali Process bodies: for every group member
        ("other", "meeting", 404),
        ("uncleared", "secret_meeting", 404),
        ("observer", "meeting", 404),
        ("observer", "som", 404),
    ],
)
def test_who_sees_which_meeting(client, world, who, meeting, status):
    person = SecretariatFactory() if who == "secretariat" else world[who]
    client.force_login(person)
    assert page(client, world[meeting]).status_code == status


def test_an_observer_sees_the_meetings_their_state_is_invited_to_and_no_other(client, world):
    services.invitations_send(world["meeting"], members=[world["observer_state"]])
    client.force_login(world["observer"])
    assert page(client, world["meeting"]).status_code == 200
    assert page(client, world["som"]).status_code == 404
    listed = client.get(reverse("meeting_list")).context["meetings"]
    assert list(listed) == [world["meeting"]]


def test_an_invitation_does_not_open_a_clearance_meeting_without_clearance(client, world):
    # An uncleared person cannot be invited (see tests/portal/test_audience.py); their member can.
    services.invitations_send(world["secret_meeting"], members=[world["observer_state"]])
    client.force_login(world["observer"])
    assert page(client, world["secret_meeting"]).status_code == 404


def test_stranger_is_sent_to_sign_in(client, world):
    response = page(client, world["meeting"])
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_times_show_in_the_meetings_zone_and_the_readers(client, world):
    meeting = group_meeting(
        world["group"],
        time_zone="Asia/Makassar",
        starts_at=datetime.datetime(2012, 6, 1, 9, tzinfo=MAKASSAR),
        ends_at=datetime.datetime(2012, 6, 1, 17, tzinfo=MAKASSAR),
    )
    reader = world["member"]
    reader.time_zone = "Europe/London"
    reader.save()
    client.force_login(reader)
    text = page(client, meeting).content.decode()
    assert "Friday 1 June 2012, 09:00 to 1 June 2012, 17:00" in text  # Bali time
    assert "Friday 1 June 2012, 02:00 to 1 June 2012, 10:00" in text  # London, BST


def test_the_form_takes_local_times_in_the_meetings_own_zone(client, world):
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("meeting_create"),
        {
            "title": "Workshop in Bali",
            "kind": "workshop",
            "body": "ahg",
            "status": "planned",
            "time_zone": "Asia/Makassar",
            "starts_at": "2027-06-01T09:00",
            "ends_at": "2027-06-01T17:00",
            "city": "Bali",
            "country": "ID",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    meeting = Meeting.objects.get(title="Workshop in Bali")
    assert meeting.starts_at == datetime.datetime(2027, 6, 1, 1, tzinfo=datetime.UTC)
    edit = client.get(reverse("meeting_edit", args=[meeting.pk])).content.decode()
    assert 'value="2027-06-01T09:00"' in edit


def test_a_meeting_ending_before_it_starts_is_refused(client):
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("meeting_create"),
        {
            "title": "Backwards",
            "kind": "workshop",
            "body": "ahg",
            "status": "planned",
            "time_zone": "Asia/Bangkok",
            "starts_at": "2027-06-02T09:00",
            "ends_at": "2027-06-01T17:00",
        },
    )
    assert "cannot end before it starts" in str(response.context["form"].errors["ends_at"])
    assert not Meeting.objects.filter(title="Backwards").exists()


def focal_point(group, member, **fields):
    return participant(group, role=Participation.Role.FOCAL_POINT, member=member, **fields)


def test_a_change_of_dates_reopens_answers_and_tells_the_invited(
    world, django_capture_on_commit_callbacks
):
    meeting = world["meeting"]
    thailand = MemberFactory(name="Thailand")
    focal = focal_point(world["group"], thailand, email="focal@th.example")
    services.invitations_send(meeting, members=[thailand])
    invitation = meeting.invitations.get()
    services.invitation_answer(invitation, "accepted", focal)
    mail.outbox.clear()

    meeting.title = "Renamed only"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_save(meeting) == 0
    assert mail.outbox == []

    meeting.starts_at += datetime.timedelta(days=7)
    meeting.ends_at += datetime.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meeting_save(meeting) == 1
    invitation.refresh_from_db()
    assert invitation.response == "pending" and invitation.responded_by is None
    assert [m.to for m in mail.outbox] == [["focal@th.example"]]
    assert mail.outbox[0].subject == "Changed: Renamed only"


def test_the_invitation_links_to_the_meeting_page_when_the_portal_knows_its_address(
    world, django_capture_on_commit_callbacks, settings
):
    thailand = MemberFactory(name="Thailand")
    focal_point(world["group"], thailand, email="focal@th.example")
    settings.PORTAL_URL = "https://portal.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(world["meeting"], members=[thailand])
    page = "https://portal.example.org" + reverse("meeting_detail", args=[world["meeting"].pk])
    assert f"Please answer the invitation in the Secretariat Portal: {page}" in mail.outbox[0].body


def test_the_focal_point_answers_for_the_member_and_an_expert_cannot(client, world):
    meeting, thailand = world["meeting"], MemberFactory(name="Thailand")
    focal = focal_point(world["group"], thailand)
    expert = participant(world["group"], member=thailand)
    services.invitations_send(meeting, members=[thailand])
    invitation = meeting.invitations.get()
    url = reverse("invitation_answer", args=[meeting.pk, invitation.pk])

    client.force_login(expert)
    assert client.post(url, {"response": "declined"}).status_code == 404
    client.force_login(focal)
    assert "Will attend" in page(client, meeting).content.decode()
    client.post(url, {"response": "accepted"})
    invitation.refresh_from_db()
    assert (invitation.response, invitation.responded_by) == ("accepted", focal)


def test_who_attends_is_shown_to_the_meetings_participants_only(client, world):
    meeting = world["meeting"]
    invited = world["member"]
    services.invitations_send(meeting, persons=[invited])
    client.force_login(invited)
    assert "Invited and attending" in page(client, meeting).content.decode()
    client.force_login(participant(world["group"]))  # a member of the group, not invited
    assert "Invited and attending" not in page(client, meeting).content.decode()


def test_attendance_is_recorded_after_the_meeting_and_counts_follow_it(client, world):
    meeting = world["meeting"]
    thailand, iom = (
        MemberFactory(name="Thailand"),
        MemberFactory(name="IOM", kind="organisation", country=""),
    )
    services.invitations_send(meeting, members=[thailand, iom, world["observer_state"]])
    client.force_login(SecretariatFactory())
    url = reverse("meeting_invitations", args=[meeting.pk])
    chosen = [i.pk for i in meeting.invitations.all()]
    client.post(url, {"attendance": "1", "attended": chosen})
    meeting.refresh_from_db()
    assert meeting.status == "held" and meeting.attendance.count() == 3
    text = page(client, meeting).content.decode()
    assert "3 from 1 member country and 1 international organisation" in text


def test_attendance_of_a_future_meeting_is_refused(client, world):
    meeting = group_meeting(
        world["group"],
        starts_at=timezone.now() + datetime.timedelta(days=30),
        ends_at=timezone.now() + datetime.timedelta(days=31),
    )
    services.invitations_send(meeting, members=[MemberFactory()])
    client.force_login(SecretariatFactory())
    response = client.post(
        reverse("meeting_invitations", args=[meeting.pk]),
        {"attendance": "1", "attended": [meeting.invitations.get().pk]},
    )
    assert "once the meeting has started" in response.content.decode()
    assert meeting.attendance.count() == 0


def test_totals_stand_in_for_attendance_at_large_events(client, world):
    forum = group_meeting(
        world["group"], participants_total=88, member_countries_total=30, organisations_total=5
    )
    client.force_login(world["member"])
    text = page(client, forum).content.decode()
    assert "88 from 30 member countries and 5 international organisations" in text


def test_outcomes_are_numbered_and_stay_numbered_after_a_removal(client, world):
    meeting = world["meeting"]
    client.force_login(SecretariatFactory())
    url = reverse("meeting_outcomes", args=[meeting.pk])
    for text in ["First.", "Second.", "Third."]:
        client.post(url, {"kind": "agreed", "text": text})
    second = meeting.outcomes.get(number=2)
    client.post(reverse("outcome_delete", args=[meeting.pk, second.pk]))
    assert list(meeting.outcomes.values_list("number", "text")) == [(1, "First."), (2, "Third.")]


def test_inviting_twice_creates_one_invitation_and_marks_observers(world):
    meeting = world["meeting"]
    services.invitations_send(meeting, members=[world["observer_state"]])
    services.invitations_send(meeting, members=[world["observer_state"]])
    [invitation] = meeting.invitations.all()
    assert invitation.as_observer


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"group": "GROUP"}, ["Tip meeting"]),
        ({"kind": "workshop"}, ["Workshop in Bali"]),
        ({"year": "2012"}, ["Workshop in Bali"]),
        ({"status": "cancelled"}, ["Cancelled SOM"]),
        ({"location": "Indonesia"}, ["Workshop in Bali"]),
        ({"location": "bangkok"}, ["Tip meeting"]),
        ({"q": "money"}, ["Tip meeting"]),
    ],
)
def test_meeting_list_filters(client, world, query, expected):
    Meeting.objects.all().delete()
    group_meeting(
        world["group"], title="Tip meeting", city="Bangkok", objectives="Follow the money."
    )
    MeetingFactory(
        title="Workshop in Bali",
        kind="workshop",
        city="Bali",
        country="ID",
        starts_at=datetime.datetime(2012, 7, 23, 2, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2012, 7, 26, 10, tzinfo=datetime.UTC),
    )
    MeetingFactory(title="Cancelled SOM", status="cancelled")
    client.force_login(SecretariatFactory())
    query = {k: (world["group"].pk if v == "GROUP" else v) for k, v in query.items()}
    found = client.get(reverse("meeting_list"), query).context["meetings"]
    assert [m.title for m in found] == expected


@pytest.mark.parametrize("extra", [1, 15])
def test_meeting_list_and_page_query_counts_do_not_grow(
    client, world, django_assert_max_num_queries, extra
):
    meeting = world["meeting"]
    for i in range(extra):
        group_meeting(world["group"])
        services.invitations_send(meeting, members=[MemberFactory()])
        services.outcome_add(meeting, kind="agreed", text=f"Outcome {i}.")
    for person in [SecretariatFactory(), world["member"]]:
        client.force_login(person)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("meeting_list")).status_code == 200
        with django_assert_max_num_queries(14):
            assert page(client, meeting).status_code == 200


def test_invitations_page_is_for_the_secretariat(client, world):
    url = reverse("meeting_invitations", args=[world["meeting"].pk])
    client.force_login(world["member"])
    assert client.get(url).status_code == 404
    client.force_login(SecretariatFactory())
    assert client.get(url).status_code == 200


def test_demo_meetings_carry_the_facts_of_the_source_documents(demo, client):
    som = Meeting.objects.get(title="Sixth Ad Hoc Group Senior Officials Meeting")
    assert som.attendance.filter(as_observer=False).count() == 15
    assert {
        a.member.short_name or a.member.name for a in som.attendance.filter(as_observer=True)
    } == {
        "Canada",
        "UNODC",
    }
    assert som.local_start.date() == datetime.date(2012, 6, 1) and som.city == "Bali"
    forum = Meeting.objects.get(title="Bali Process Following the Money Forum")
    assert (forum.participants_total, forum.member_countries_total, forum.organisations_total) == (
        88,
        30,
        5,
    )
    assert forum.outcomes.count() == 6
    upcoming = Meeting.objects.get(title="WG-TIP annual meeting 2027")
    assert upcoming.status == "planned" and not upcoming.agenda_is_published
    assert upcoming.agenda_items.count() >= 3
    assert Meeting.objects.filter(kind="workshop", starts_at__year=2012).count() == 3
    observer_invitation = upcoming.invitations.get(member__name="Canada")
    assert (
        observer_invitation.as_observer
        and observer_invitation.response == Invitation.Response.PENDING
    )
    client.login(username="expert.th", password="demo-password-1")
    text = html.unescape(client.get(reverse("meeting_detail", args=[upcoming.pk])).content.decode())
    assert "The agenda has not been published yet." in text


def test_an_agenda_item_lists_only_the_papers_the_reader_may_open(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings import agenda, papers

    meeting = world["meeting"]
    item = agenda.item_add(meeting, title="Regional priorities")
    agenda.agenda_publish(meeting)
    for title, access in [("Discussion paper", "participants"), ("Budget note", "secretariat")]:
        papers.document_add(
            meeting,
            title=title,
            access=access,
            upload=SimpleUploadedFile(f"{access}.txt", b"Text of the paper."),
            uploaded_by=SecretariatFactory(),
            agenda_item=item,
        )
    client.force_login(world["member"])
    agenda_html = page(client, meeting).content.decode().split('id="agenda-heading"')[1]
    agenda_html = agenda_html.split("</section>")[0]
    assert "Discussion paper</a>" in agenda_html and "Budget note" not in agenda_html

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from meetings import participants, services
from meetings.models import Meeting
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    held_chatham_house_meeting,
    participant,
)

pytestmark = pytest.mark.django_db

INTERNAL = ("participants_list", "participants_list_csv", "participants_list_pdf")
PUBLIC = ("participants_public", "participants_public_csv", "participants_public_pdf")


def _state(name):
    return MemberFactory(name=name, slug=name.lower().replace(" ", "-"))


def _organisation(name, short_name):
    return MemberFactory(
        name=name, short_name=short_name, slug=short_name.lower(), kind="organisation", country=""
    )


def _observer(name):
    return MemberFactory(
        name=name, slug=name.lower(), country="CA", ahg_joined_on=None, is_observer=True
    )


def _held_meeting(group, **fields):
    return MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        body="",
        starts_at=timezone.now() - datetime.timedelta(days=30),
        **fields,
    )


def _record(meeting, *, persons=(), members=()):
    """Invite them, then record attendance from every invitation of the meeting."""
    services.invitations_send(meeting, persons=list(persons), members=list(members))
    invitations = list(meeting.invitations.select_related("member", "person"))
    return services.attendance_record(meeting, invitations)


def _delegate(group, member, first_name, last_name, job_title=""):
    return participant(
        group,
        member=member,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
        username=f"{first_name}.{last_name}".lower(),
    )


@pytest.fixture
def held():
    """A held WG meeting: Thailand (two delegates), Australia, IOM and observer Canada."""
    group = WorkingGroupFactory()
    thailand, australia = _state("Thailand"), _state("Australia")
    iom = _organisation("International Organization for Migration", "IOM")
    canada = _observer("Canada")
    people = [
        _delegate(group, thailand, "Somchai", "Wongsa", "Director, Anti-Trafficking Division"),
        _delegate(group, thailand, "Areerat", "Chaiyo", "First Secretary"),
        _delegate(group, australia, "Joan", "Smith", "Assistant Secretary"),
        _delegate(group, iom, "Pedro", "Alvarez", "Regional Thematic Specialist"),
    ]
    observer = UserFactory(
        first_name="Claire", last_name="Tremblay", job_title="Counsellor", affiliation=canada
    )
    meeting = _held_meeting(group, title="WG-TIP annual meeting 2026")
    _record(meeting, persons=[*people, observer])
    return {"group": group, "meeting": meeting, "people": [*people, observer]}


def _pdf_text(response) -> str:
    pages = PdfReader(io.BytesIO(response.getvalue())).pages
    return "\n".join(page.extract_text() for page in pages)


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_list_gives_states_then_organisations_then_observers_alphabetically(held):
    listing = participants.participants_list(held["meeting"], named=True)

    assert [(s.title, [m.name for m in s.members]) for s in listing.sections] == [
        ("States", ["Australia", "Thailand"]),
        ("International organisations", ["International Organization for Migration (IOM)"]),
        ("Observers", ["Canada"]),
    ]
    thailand = listing.sections[0].members[1]
    assert [(d.name, d.title) for d in thailand.delegates] == [
        ("Areerat Chaiyo", "First Secretary"),
        ("Somchai Wongsa", "Director, Anti-Trafficking Division"),
    ]


def test_internal_page_and_files_name_delegates_in_that_order(client, held):
    client.force_login(held["people"][0])
    meeting = held["meeting"]

    page = client.get(reverse("participants_list", args=[meeting.pk])).content.decode()
    assert (
        page.index("Australia") < page.index("Thailand") < page.index("IOM") < page.index("Canada")
    )
    assert "Areerat Chaiyo" in page and "First Secretary" in page
    rows = _csv_rows(client.get(reverse("participants_list_csv", args=[meeting.pk])))
    assert rows[0] == ["section", "member", "name", "title", "attended"]
    assert rows[1] == ["States", "Australia", "Joan Smith", "Assistant Secretary", "in person"]
    assert [row[2] for row in rows[1:]] == [
        "Joan Smith",
        "Areerat Chaiyo",
        "Somchai Wongsa",
        "Pedro Alvarez",
        "Claire Tremblay",
    ]
    text = _pdf_text(client.get(reverse("participants_list_pdf", args=[meeting.pk])))
    assert "LIST OF PARTICIPANTS" in text and "Claire Tremblay" in text


def test_public_version_names_members_and_no_person(client, held):
    client.force_login(participant(held["group"]))
    meeting = held["meeting"]

    page = client.get(reverse("participants_public", args=[meeting.pk])).content.decode()
    rows = _csv_rows(client.get(reverse("participants_public_csv", args=[meeting.pk])))
    text = _pdf_text(client.get(reverse("participants_public_pdf", args=[meeting.pk])))

    assert rows[0] == ["section", "member"]
    assert rows[1:] == [
        ["States", "Australia"],
        ["States", "Thailand"],
        ["International organisations", "International Organization for Migration (IOM)"],
        ["Observers", "Canada"],
    ]
    for content in (page, "\n".join(",".join(row) for row in rows), text):
        assert "Thailand" in content and "Canada" in content
        for person in held["people"]:
            assert person.last_name not in content
            assert person.first_name not in content
            assert person.job_title not in content


def test_counts_give_people_members_and_observers(client, held):
    _record(held["meeting"], members=[_state("Viet Nam")])

    listing = participants.participants_list(held["meeting"], named=False)

    assert (listing.counts.participants, listing.members, listing.observers) == (6, 4, 1)
    assert (listing.counts.member_countries, listing.counts.organisations) == (3, 1)
    client.force_login(participant(held["group"]))
    page = client.get(reverse("participants_public", args=[held["meeting"].pk])).content.decode()
    assert "6 participants" in page and "from 4 members" in page and "1 observer" in page


def test_member_recorded_without_names_is_listed_with_delegates_not_named(client, held):
    meeting = _held_meeting(held["group"])
    _record(meeting, members=[held["people"][0].affiliation])
    client.force_login(SecretariatFactory())

    page = client.get(reverse("participants_list", args=[meeting.pk])).content.decode()
    rows = _csv_rows(client.get(reverse("participants_list_csv", args=[meeting.pk])))

    assert "Delegates not named" in page
    assert rows[1:] == [["States", "Thailand", "", "", ""]]


def test_internal_list_is_404_for_a_group_member_not_taking_part_and_for_a_stranger(client, held):
    meeting = held["meeting"]
    client.force_login(participant(held["group"]))
    for name in INTERNAL:
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404, name
    for name in PUBLIC:
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200, name

    # The public list of a meeting held is public: a stranger reads it, never the other.
    client.force_login(UserFactory())
    assert meeting.status == Meeting.Status.HELD
    for name in INTERNAL:
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404, name
    for name in PUBLIC:
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 200, name
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CONFIRMED)
    for name in INTERNAL + PUBLIC:
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404, name


def test_meeting_page_links_the_internal_list_only_for_those_who_see_attendance(client, held):
    meeting = held["meeting"]
    internal = f'href="{reverse("participants_list", args=[meeting.pk])}"'
    public = f'href="{reverse("participants_public", args=[meeting.pk])}"'

    client.force_login(held["people"][0])
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert internal in page and public in page

    client.force_login(participant(held["group"]))
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert internal not in page and public in page


def test_chatham_house_meeting_lists_carry_the_rule_and_no_speaker(client):
    group = WorkingGroupFactory()
    meeting = held_chatham_house_meeting(
        group, "Roundtable on visa fraud", timezone.now() - datetime.timedelta(days=3)
    )
    _record(meeting, persons=[_delegate(group, _state("Thailand"), "Somchai", "Wongsa")])
    client.force_login(SecretariatFactory())

    for name in ("participants_list", "participants_public"):
        page = client.get(reverse(name, args=[meeting.pk])).content.decode()
        assert "Chatham House Rule" in page and "Ms Speaker" not in page
    text = _pdf_text(client.get(reverse("participants_list_pdf", args=[meeting.pk])))
    assert "Chatham House Rule" in text and "Ms Speaker" not in text


def test_formula_looking_name_is_neutralised_in_the_csv(client):
    group = WorkingGroupFactory()
    meeting = _held_meeting(group)
    member = _state('=HYPERLINK("http://x")')
    _record(meeting, persons=[_delegate(group, member, "=cmd|' /C calc'!A0", "@Sum", "+1")])
    client.force_login(SecretariatFactory())

    internal = _csv_rows(client.get(reverse("participants_list_csv", args=[meeting.pk])))
    public = _csv_rows(client.get(reverse("participants_public_csv", args=[meeting.pk])))

    assert internal[1] == [
        "States",
        '\'=HYPERLINK("http://x")',
        "'=cmd|' /C calc'!A0 @Sum",
        "'+1",
        "in person",
    ]
    assert public[1] == ["States", '\'=HYPERLINK("http://x")']


@pytest.mark.parametrize("name", INTERNAL + PUBLIC)
def test_list_queries_do_not_grow_with_the_delegates(client, django_assert_max_num_queries, name):
    group = WorkingGroupFactory()
    counts = []
    for size in (2, 20):
        meeting = _held_meeting(group)
        members = [_state(f"State {size}-{n}") for n in range(size // 2)]
        people = [
            _delegate(group, members[n // 2], f"First{size}x{n}", f"Last{size}x{n}")
            for n in range(size)
        ]
        _record(meeting, persons=people)
        client.force_login(people[0])
        url = reverse(name, args=[meeting.pk])
        if name.endswith("_pdf"):
            # Printed in-process (no broker): read, printed from a second reading, kept.
            with django_assert_max_num_queries(24) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        with django_assert_max_num_queries(8) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[: len(counts) // 2] == counts[len(counts) // 2 :], counts


def test_the_internal_list_says_who_attended_online_and_the_public_one_does_not(client, held):
    meeting = held["meeting"]
    meeting.attendance.filter(person__last_name="Chaiyo").update(online=True)
    client.force_login(held["people"][0])
    page = client.get(reverse("participants_list", args=[meeting.pk])).content.decode()
    assert "(online)" in page.split("Areerat Chaiyo")[1].split("</li>")[0]
    assert page.count("(online)") == 1
    rows = _csv_rows(client.get(reverse("participants_list_csv", args=[meeting.pk])))
    attended = {row[2]: row[4] for row in rows[1:]}
    assert attended["Areerat Chaiyo"] == "online" and attended["Joan Smith"] == "in person"
    text = _pdf_text(client.get(reverse("participants_list_pdf", args=[meeting.pk])))
    assert "Areerat Chaiyo (online)" in text
    public = client.get(reverse("participants_public", args=[meeting.pk])).content.decode()
    assert "online" not in public

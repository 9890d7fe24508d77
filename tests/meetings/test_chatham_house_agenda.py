"""The Chatham House Rule on agendas: neither the identity nor the affiliation of a speaker
may be revealed, so a meeting under the rule names its speakers only to those who prepare
the programme (the secretariat and the group's co-chairs); everyone else, on every page and
in every PDF they take away, reads how many speak and not who."""

import io

import pypdf
import pytest
from django.urls import reverse

from groups.models import Participation
from meetings import agenda, pack, services
from portal import permissions
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

NAMES = ("Ms Ani Wibowo", "Indonesian National Police", "Somchai Rattanakul")


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP", name="Working Group on Trafficking")


def meeting_with_speakers(group, *, chatham_house=True, items=2, published=True):
    """A meeting whose first item has two speakers (a guest and a person of the portal) and
    whose other items have none."""
    meeting = MeetingFactory(
        kind="working_group",
        group=group,
        body="",
        title="Second meeting of WG-TIP",
        chatham_house=chatham_house,
    )
    opening = agenda.item_add(meeting, title="Opening and welcome", duration_minutes=20)
    agenda.speaker_add(opening, name="Ms Ani Wibowo", affiliation="Indonesian National Police")
    agenda.speaker_add(opening, person=UserFactory(first_name="Somchai", last_name="Rattanakul"))
    for number in range(1, items):
        agenda.item_add(meeting, title=f"Country statements {number}")
    if published:
        agenda.agenda_publish(meeting)
    return meeting


@pytest.fixture
def meeting(group):
    return meeting_with_speakers(group)


@pytest.fixture
def people(group, meeting):
    observer = UserFactory(affiliation=MemberFactory(is_observer=True, ahg_joined_on=None))
    services.invitations_send(meeting, persons=[observer])
    return {
        "secretariat": SecretariatFactory(),
        "co-chair": co_chair(group),
        "expert": participant(group),
        "focal point": participant(group, role=Participation.Role.FOCAL_POINT),
        "observer": observer,
    }


ORGANISERS = ("secretariat", "co-chair")
READERS = ("expert", "focal point", "observer")


def agenda_section(client, meeting) -> str:
    page = client.get(reverse("meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200
    return page.content.decode().split('id="agenda-heading"')[1].split("</section>")[0]


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def agenda_pdf_text(client, meeting) -> str:
    response = client.get(reverse("agenda_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    return text_of(response.getvalue())


def pack_text(person, meeting) -> str:
    made = pack.pack_run(pack.pack_request(meeting, person).pk)
    return text_of(made.pdf.read())


def assert_names_none(text: str) -> None:
    for name in NAMES:
        assert name not in text


# --- The rule -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ORGANISERS + READERS)
def test_only_the_secretariat_and_the_co_chairs_see_who_speaks(meeting, people, who):
    assert permissions.can_see_speakers(people[who], meeting) is (who in ORGANISERS)
    assert permissions.meeting_access(people[who], meeting).sees_speakers is (who in ORGANISERS)


def test_everyone_sees_who_speaks_at_a_meeting_not_under_the_rule(group, people):
    meeting = meeting_with_speakers(group, chatham_house=False)
    for person in people.values():
        assert permissions.can_see_speakers(person, meeting)


def test_a_co_chair_of_another_group_does_not_see_who_speaks(meeting):
    other_co_chair = co_chair(WorkingGroupFactory(short_name="WG-DCN"))
    services.invitations_send(meeting, persons=[other_co_chair])
    assert not permissions.can_see_speakers(other_co_chair, meeting)


# --- The meeting page ---------------------------------------------------------------


@pytest.mark.parametrize("who", ORGANISERS)
def test_the_organisers_read_the_speakers_names_and_affiliations(client, meeting, people, who):
    client.force_login(people[who])
    section = agenda_section(client, meeting)
    assert "Speakers: Ms Ani Wibowo (Indonesian National Police); Somchai Rattanakul" in section
    assert "named only to the secretariat and the co-chairs" in section


@pytest.mark.parametrize("who", READERS)
def test_members_and_observers_read_how_many_speak_not_who(client, meeting, people, who):
    client.force_login(people[who])
    section = agenda_section(client, meeting)
    assert_names_none(section)
    assert "2 speakers" in section and "1. Opening and welcome" in section
    assert "the speakers are not named" in section


def test_members_read_the_speakers_of_a_meeting_not_under_the_rule(client, group, people):
    meeting = meeting_with_speakers(group, chatham_house=False)
    client.force_login(people["expert"])
    section = agenda_section(client, meeting)
    assert "Speakers: Ms Ani Wibowo (Indonesian National Police); Somchai Rattanakul" in section
    assert "2 speakers" not in section and "Chatham House" not in section


def test_a_co_chair_reads_the_speakers_of_a_draft_agenda(client, group):
    meeting = meeting_with_speakers(group, published=False)
    client.force_login(co_chair(group))
    assert "Ms Ani Wibowo (Indonesian National Police)" in agenda_section(client, meeting)


@pytest.mark.parametrize("who", ["expert", "secretariat"])
def test_the_meeting_page_asks_as_many_queries_however_many_items(
    client, group, people, who, django_assert_max_num_queries
):
    counts = []
    for items in (2, 12):
        meeting = meeting_with_speakers(group, items=items)
        client.force_login(people[who])
        with django_assert_max_num_queries(30) as captured:
            agenda_section(client, meeting)
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- The printed agenda -------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_the_printed_agenda_of_a_reader_names_no_speaker(client, meeting, people, who):
    client.force_login(people[who])
    text = agenda_pdf_text(client, meeting)
    assert_names_none(text)
    assert "2 speakers" in text and "Opening and welcome" in text
    assert "The speakers are therefore not named on this agenda." in text


@pytest.mark.parametrize("who", ORGANISERS)
def test_the_printed_agenda_of_an_organiser_names_the_speakers_and_says_keep_it(
    client, meeting, people, who
):
    client.force_login(people[who])
    text = agenda_pdf_text(client, meeting)
    assert "Ms Ani Wibowo (Indonesian National Police); Somchai Rattanakul" in text
    assert "do not pass it on" in text


def test_the_printed_agenda_of_a_meeting_not_under_the_rule_names_the_speakers(
    client, group, people
):
    meeting = meeting_with_speakers(group, chatham_house=False)
    client.force_login(people["expert"])
    text = agenda_pdf_text(client, meeting)
    assert "Ms Ani Wibowo (Indonesian National Police); Somchai Rattanakul" in text


# --- The meeting pack ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["expert", "observer"])
def test_a_readers_meeting_pack_names_no_speaker(meeting, people, who):
    text = pack_text(people[who], meeting)
    assert_names_none(text)
    assert "2 speakers" in text and "The speakers are therefore not named in this pack." in text


def test_an_organisers_meeting_pack_names_the_speakers(meeting, people):
    text = pack_text(people["co-chair"], meeting)
    assert "Ms Ani Wibowo (Indonesian National Police)" in text
    assert "This pack names the speakers" in text


def test_a_pack_made_before_the_agenda_named_nobody_differs_from_an_organisers(meeting, people):
    # The contents hash sums up the agenda as its reader sees it: an organiser's pack is
    # never handed to a reader, whose agenda names nobody.
    readers = pack.current_contents_hash(meeting, people["expert"])
    organisers = pack.current_contents_hash(meeting, people["secretariat"])
    assert readers != organisers


# --- The agenda editor --------------------------------------------------------------


def test_the_editor_names_the_speakers_and_tells_the_secretariat_who_sees_them(
    client, meeting, people
):
    client.force_login(people["secretariat"])
    page = client.get(reverse("agenda_edit", args=[meeting.pk])).content.decode()
    assert "Speakers: Ms Ani Wibowo (Indonesian National Police); Somchai Rattanakul" in page
    assert "named only to the secretariat and the group's co-chairs" in page

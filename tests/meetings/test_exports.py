import datetime
import io
import socket
import zoneinfo

import icalendar
import pytest
import weasyprint
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError, path2url

from meetings import agenda, calendar, pdf
from meetings.models import Document, Meeting
from portal import pdf as printing
from tests.factories import (
    MeetingFactory,
    ParticipationFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)

pytestmark = pytest.mark.django_db
MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
DAY = datetime.timedelta(days=1)
CHATHAM_HOUSE = "neither the identity nor the affiliation of the speakers"


def group_meeting(group, **fields):
    return MeetingFactory(kind="working_group", group=group, body="", **fields)


def parsed(response) -> icalendar.Calendar:
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(b"".join(response))


def pdf_text(data: bytes) -> str:
    """The PDF's text on every page, with runs of white space made one space."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def sign_in_url(url: str) -> str:
    return f"{reverse('login')}?{REDIRECT_FIELD_NAME}={url}"


@pytest.fixture
def world():
    """WG-TIP meeting in Makassar, a hidden group's meeting and a clearance group's meeting."""
    group = WorkingGroupFactory(name="Working Group on Trafficking in Persons")
    secret = WorkingGroupFactory(clearance_required=True)
    meeting = group_meeting(
        group,
        title="Second meeting of WG-TIP",
        starts_at=datetime.datetime(2030, 3, 25, 9, 0, tzinfo=MAKASSAR),
        ends_at=datetime.datetime(2030, 3, 26, 17, 0, tzinfo=MAKASSAR),
        time_zone="Asia/Makassar",
        venue="Bali Nusa Dua Convention Center",
        city="Bali",
        country="ID",
        objectives="Agree the Forward Work Plan.",
        status=Meeting.Status.CONFIRMED,
    )
    member = participant(group)
    # Also a participant of the clearance group, but without a clearance.
    ParticipationFactory(person=member, group=secret, member=member.affiliation)
    return {
        "group": group,
        "meeting": meeting,
        "secret_meeting": group_meeting(secret, title="Meeting of the clearance group"),
        "other_meeting": group_meeting(WorkingGroupFactory(), title="Meeting of another group"),
        "som": MeetingFactory(title="Senior Officials Meeting 2030"),
        "member": member,
        "stranger": participant(WorkingGroupFactory()),
    }


@pytest.fixture
def agenda_meeting(world):
    """The WG-TIP meeting with three agenda items, speakers and papers."""
    meeting = world["meeting"]
    opening = agenda.item_add(
        meeting, title="Opening and adoption of the agenda", duration_minutes=15
    )
    agenda.speaker_add(opening, name="Ms Ani Wibowo", affiliation="Indonesia")
    plan = agenda.item_add(meeting, title="Forward Work Plan 2030-32", duration_minutes=90)
    agenda.speaker_add(plan, person=world["member"])
    agenda.item_add(meeting, title="Any other business", duration_minutes=30)
    Document.objects.create(meeting=meeting, agenda_item=plan, title="Draft Forward Work Plan")
    Document.objects.create(
        meeting=meeting,
        agenda_item=plan,
        title="Secretariat costing notes",
        access=Document.Access.SECRETARIAT,
    )
    return meeting


# --- One meeting as a calendar file ------------------------------------------------------


def test_meeting_calendar_file_holds_the_meeting_at_its_local_time(client, world):
    meeting = world["meeting"]
    client.force_login(world["member"])
    response = client.get(reverse("meeting_calendar", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="second-meeting-of-wg-tip.ics"' in response["Content-Disposition"]
    ical = parsed(response)
    [event] = ical.events
    assert str(event["UID"]) == f"meeting-{meeting.pk}@secretariat-portal"
    assert str(event["SUMMARY"]) == "Second meeting of WG-TIP"
    assert str(event["LOCATION"]) == "Bali Nusa Dua Convention Center, Bali, Indonesia"
    # 09:00 in Makassar is 01:00 UTC, and the event keeps the meeting's own zone.
    assert event.start == datetime.datetime(2030, 3, 25, 9, 0, tzinfo=MAKASSAR)
    assert event.start.astimezone(datetime.UTC).hour == 1
    assert event["DTSTART"].params["TZID"] == "Asia/Makassar"
    assert [tz.tz_name for tz in ical.timezones] == ["Asia/Makassar"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Agree the Forward Work Plan." in str(event["DESCRIPTION"])
    page_url = f"http://testserver/meetings/{meeting.pk}/"
    assert page_url in str(event["DESCRIPTION"]) and str(event["URL"]) == page_url
    assert event["LAST-MODIFIED"] and event["DTSTAMP"]


@pytest.mark.parametrize(
    "status, event_status",
    [
        (Meeting.Status.PLANNED, "TENTATIVE"),
        (Meeting.Status.CONFIRMED, "CONFIRMED"),
        (Meeting.Status.HELD, "CONFIRMED"),
        (Meeting.Status.CANCELLED, "CANCELLED"),
    ],
)
def test_event_status_follows_the_meeting_status(status, event_status):
    event = calendar.meeting_event(MeetingFactory(status=status))
    assert str(event["STATUS"]) == event_status


def test_the_uid_of_a_meeting_stays_the_same_from_one_export_to_the_next(world):
    meeting = world["meeting"]
    first = icalendar.Calendar.from_ical(calendar.calendar_for([meeting]))
    meeting.title = "Second meeting of WG-TIP (moved)"
    second = icalendar.Calendar.from_ical(calendar.calendar_for([meeting]))
    assert first.events[0]["UID"] == second.events[0]["UID"]


# --- Who may download what ---------------------------------------------------------------


@pytest.mark.parametrize("view", ["meeting_calendar", "agenda_pdf"])
def test_a_person_who_cannot_see_the_meeting_gets_404(client, world, view):
    client.force_login(world["stranger"])
    assert client.get(reverse(view, args=[world["meeting"].pk])).status_code == 404
    client.force_login(world["member"])
    for hidden in ("secret_meeting", "other_meeting"):
        assert client.get(reverse(view, args=[world[hidden].pk])).status_code == 404


@pytest.mark.parametrize("view", ["meeting_calendar", "agenda_pdf"])
def test_a_stranger_is_sent_to_sign_in(client, world, view):
    url = reverse(view, args=[world["meeting"].pk])
    response = client.get(url)
    assert response.status_code == 302 and response.url == sign_in_url(url)


def test_meeting_page_offers_the_calendar_file_and_the_pdf_once_the_agenda_is_visible(
    client, world, agenda_meeting
):
    meeting_url = reverse("meeting_detail", args=[agenda_meeting.pk])
    ics_url = reverse("meeting_calendar", args=[agenda_meeting.pk])
    pdf_url = reverse("agenda_pdf", args=[agenda_meeting.pk])
    client.force_login(world["member"])
    page = client.get(meeting_url).content.decode()
    assert f'href="{ics_url}"' in page and "Add to your calendar (.ics)" in page
    assert pdf_url not in page  # a draft agenda is not the member's to print
    agenda.agenda_publish(agenda_meeting)
    page = client.get(meeting_url).content.decode()
    assert f'href="{pdf_url}"' in page and "Print the agenda (PDF)" in page


# --- Personal feeds -----------------------------------------------------------------------


def feed_url(feed) -> str:
    return reverse("calendar_feed", args=[feed.token])


def uids(response) -> set[str]:
    return {str(event["UID"]) for event in parsed(response).events}


def test_feed_lists_exactly_the_meetings_the_person_may_see_without_signing_in(client, world):
    cancelled = group_meeting(
        world["group"], status=Meeting.Status.CANCELLED, starts_at=timezone.now() - 30 * DAY
    )
    # The feed reaches twelve months back: world["som"] ended 400 days ago, this one did not.
    som = MeetingFactory(title="Senior Officials Meeting", starts_at=timezone.now() - 300 * DAY)
    feed = calendar.feed_create(world["member"])
    response = client.get(feed_url(feed))
    assert response.status_code == 200
    assert {"private", "no-cache"} <= set(response["Cache-Control"].replace(" ", "").split(","))
    ical = parsed(response)
    assert ical.refresh_interval == calendar.REFRESH_INTERVAL
    assert str(ical["UID"]) == f"calendar-of-person-{world['member'].pk}@secretariat-portal"
    expected = [world["meeting"], som, cancelled]
    assert uids(response) == {calendar.meeting_uid(m) for m in expected}
    statuses = {str(e["UID"]): str(e["STATUS"]) for e in ical.events}
    assert statuses[calendar.meeting_uid(cancelled)] == "CANCELLED"
    assert "sessionid" not in response.cookies


def test_a_revoked_address_answers_404(client, world):
    feed = calendar.feed_create(world["member"])
    calendar.feed_revoke(feed)
    assert client.get(feed_url(feed)).status_code == 404


def test_a_replaced_address_answers_404_and_the_new_one_works(client, world):
    old = calendar.feed_create(world["member"])
    new = calendar.feed_create(world["member"])
    assert old.token != new.token and len(new.token) >= 40
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    assert calendar.active_feed(world["member"]) == new


def test_the_address_of_an_inactive_person_answers_404(client, world):
    feed = calendar.feed_create(world["member"])
    world["member"].is_active = False
    world["member"].save()
    assert client.get(feed_url(feed)).status_code == 404
    assert calendar.feed_person(feed.token) is None


def test_an_unknown_address_answers_404(client, world):
    assert client.get(reverse("calendar_feed", args=["no-such-token"])).status_code == 404


def test_feed_queries_do_not_grow_with_the_number_of_meetings(
    client, world, django_assert_max_num_queries
):
    feed = calendar.feed_create(world["member"])
    with django_assert_max_num_queries(3):
        assert len(parsed(client.get(feed_url(feed))).events) == 1
    for day in range(15):
        group_meeting(world["group"], starts_at=world["meeting"].starts_at + day * 3 * DAY)
    with django_assert_max_num_queries(3):
        assert len(parsed(client.get(feed_url(feed))).events) == 16


def test_secretariat_feed_lists_every_meeting_of_the_last_twelve_months_on(client, world):
    feed = calendar.feed_create(SecretariatFactory())
    recent = Meeting.objects.filter(ends_at__gte=calendar.feed_since(timezone.now()))
    assert len(uids(client.get(feed_url(feed)))) == recent.count()


# --- The calendar page --------------------------------------------------------------------


def test_calendar_page_creates_replaces_and_turns_off_the_address(client, world):
    client.force_login(world["member"])
    page = client.get(reverse("calendar"))
    assert page.status_code == 200
    assert "without a password" in page.content.decode()
    assert page.context["feed"] is None

    response = client.post(reverse("calendar"), {"action": "create"}, follow=True)
    first = calendar.active_feed(world["member"])
    address = f"http://testserver/calendar/{first.token}.ics"
    content = response.content.decode()
    assert "Your calendar address is ready." in content
    assert (
        f">{address}</textarea>" in content
        and f"webcal://testserver/calendar/{first.token}" in content
    )

    response = client.post(reverse("calendar"), {"action": "create"}, follow=True)
    second = calendar.active_feed(world["member"])
    assert second != first and "the old one no longer works" in response.content.decode()
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200

    response = client.post(reverse("calendar"), {"action": "turn_off"}, follow=True)
    assert "turned off" in response.content.decode()
    assert calendar.active_feed(world["member"]) is None
    assert client.get(feed_url(second)).status_code == 404


def test_calendar_page_never_shows_another_person_s_address(client, world):
    theirs = calendar.feed_create(world["stranger"])
    client.force_login(world["member"])
    page = client.get(reverse("calendar"))
    assert theirs.token not in page.content.decode()
    client.post(reverse("calendar"), {"action": "turn_off"})
    assert calendar.active_feed(world["stranger"]) == theirs


def test_calendar_page_sends_a_stranger_to_sign_in(client):
    for response in [client.get(reverse("calendar")), client.post(reverse("calendar"))]:
        assert response.status_code == 302
        assert response.url == sign_in_url(reverse("calendar"))


def test_profile_links_to_the_calendar_page(client, world):
    client.force_login(world["member"])
    page = client.get(reverse("profile")).content.decode()
    assert f'href="{reverse("calendar")}"' in page


# --- The printable agenda -------------------------------------------------------------------


def test_agenda_pdf_prints_the_items_the_meeting_and_the_chatham_house_notice(
    world, agenda_meeting
):
    items = pdf.printable_agenda(world["member"], agenda_meeting)
    text = pdf_text(pdf.agenda_pdf(agenda_meeting, scheduled_items=items))
    assert "Second meeting of WG-TIP" in text
    assert "Working Group on Trafficking in Persons" in text
    for title in [
        "Opening and adoption of the agenda",
        "Forward Work Plan 2030-32",
        "Any other business",
    ]:
        assert title in text
    assert "09:00–09:15" in text and "09:15–10:45" in text and "90 min" in text
    # Under the Chatham House Rule a member's agenda says how many speak, never who.
    assert "Ms Ani Wibowo" not in text and "(Indonesia)" not in text
    assert str(world["member"]) not in text and text.count("1 speaker") == 2
    assert "The speakers are therefore not named on this agenda." in text
    assert "Draft Forward Work Plan" in text
    assert "Secretariat costing notes" not in text  # not a paper the member may open
    assert "Chatham House Rule" in text and CHATHAM_HOUSE in text
    assert "page 1 of" in text.lower()
    assert "Makassar" in text and "Bali Nusa Dua Convention Center" in text


def test_agenda_pdf_has_no_notice_when_the_rule_is_off(world, agenda_meeting):
    agenda_meeting.chatham_house = False
    items = pdf.printable_agenda(SecretariatFactory(), agenda_meeting)
    text = pdf_text(pdf.agenda_pdf(agenda_meeting, scheduled_items=items))
    assert "Secretariat costing notes" in text
    assert "Chatham House" not in text and CHATHAM_HOUSE not in text
    # Without the rule, a member's agenda names the speakers, as it always did.
    items = pdf.printable_agenda(world["member"], agenda_meeting)
    text = pdf_text(pdf.agenda_pdf(agenda_meeting, scheduled_items=items))
    assert "Ms Ani Wibowo (Indonesia)" in text and str(world["member"]) in text


def test_agenda_pdf_runs_its_header_and_page_numbers_over_every_page(world):
    meeting = world["meeting"]
    for n in range(40):
        agenda.item_add(meeting, title=f"Country statement {n + 1}", description="Statement. " * 30)
    items = pdf.printable_agenda(SecretariatFactory(), meeting)
    reader = PdfReader(io.BytesIO(pdf.agenda_pdf(meeting, scheduled_items=items)))
    pages = len(reader.pages)
    assert pages > 1
    last = " ".join(reader.pages[-1].extract_text().split())
    assert f"Page {pages} of {pages}" in last and "Second meeting of WG-TIP" in last
    assert "agenda has not been published" in pdf_text(
        pdf.agenda_pdf(meeting, scheduled_items=items)
    )


def test_rendering_the_agenda_pdf_runs_no_query(world, agenda_meeting, django_assert_num_queries):
    items = pdf.printable_agenda(world["member"], agenda_meeting)
    with django_assert_num_queries(0):
        assert pdf.agenda_pdf(agenda_meeting, scheduled_items=items).startswith(b"%PDF-")


def test_agenda_pdf_is_404_for_a_member_while_the_agenda_is_a_draft(client, world, agenda_meeting):
    url = reverse("agenda_pdf", args=[agenda_meeting.pk])
    client.force_login(world["member"])
    assert client.get(url).status_code == 404
    agenda.agenda_publish(agenda_meeting)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="second-meeting-of-wg-tip-agenda.pdf"'
    )
    assert "Forward Work Plan 2030-32" in pdf_text(response.getvalue())


def test_co_chairs_and_the_secretariat_print_the_draft_agenda(client, world, agenda_meeting):
    url = reverse("agenda_pdf", args=[agenda_meeting.pk])
    for person in [co_chair(world["group"]), SecretariatFactory()]:
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert "agenda has not been published" in pdf_text(response.getvalue())


# --- The PDF fetches nothing but static files --------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or look up a host fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("The PDF tried to reach the network.")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.css",
        "https://example.org/x.css",
        "file:///etc/passwd",
        "file://example.org/x.css",
        "data:text/css,body{color:red}",
    ],
)
def test_fetcher_refuses_anything_but_the_static_folder(no_network, url):
    with pytest.raises(printing.ResourceRefused):
        printing.StaticFilesOnly().fetch(url)


def test_fetcher_refuses_a_path_escaping_the_static_folder(no_network, settings):
    static = path2url(printing.static_folder())
    for escape in ["../pyproject.toml", "css/../../pyproject.toml", "../../../../etc/passwd"]:
        with pytest.raises(printing.ResourceRefused):
            printing.StaticFilesOnly().fetch(static + escape)
    with pytest.raises(printing.ResourceRefused):
        printing.StaticFilesOnly().fetch(static + "css/no-such-file.css")


def test_fetcher_serves_the_print_stylesheet(no_network):
    fetcher = printing.StaticFilesOnly()
    response = fetcher.fetch(path2url(printing.static_folder()) + "css/print-base.css")
    assert response.content_type == "text/css"
    assert b"counter(pages)" in response.read()


def test_a_pdf_that_asks_for_an_outside_resource_is_not_rendered(no_network):
    fetcher = printing.StaticFilesOnly()
    html = weasyprint.HTML(
        string='<p>Agenda</p><img src="http://example.org/logo.png" alt="">',
        base_url=path2url(fetcher.folder),
        url_fetcher=fetcher,
    )
    with pytest.raises(FatalURLFetchingError):
        html.write_pdf()

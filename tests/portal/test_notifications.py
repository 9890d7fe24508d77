"""The list of a person's notifications, opening one, the header's count, and how each
person chooses to be told."""

import html
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.notifications import services
from portal.notifications.models import Notification, NotificationPreference
from tests.factories import MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

KIND = Notification.Kind.AGENDA
TEMPLATE = "meetings/email/agenda_published"


def tell(person, key, *, kind=KIND, meeting=None):
    """A notification made as the services make them, linking to a meeting's page."""
    meeting = meeting or MeetingFactory()
    made = services.notify(
        [person],
        kind,
        key=key,
        template=TEMPLATE,
        context={"meeting": meeting},
        link=reverse("meeting_detail", args=[meeting.pk]),
    )
    return made[0] if made else None


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def alice():
    return UserFactory(first_name="Alice", last_name="Ng")


@pytest.fixture
def bob():
    return UserFactory(first_name="Bob", last_name="Tan")


# --- The list, opening one, marking all read -----------------------------------------------


def test_the_owner_sees_their_notifications_newest_first_with_the_unread_marked(client, alice):
    first = tell(alice, "one")
    second = tell(alice, "two")
    services.notification_read(first)
    client.force_login(alice)
    response = client.get(reverse("notification_list"))
    assert response.status_code == 200
    page = text_of(response)
    assert page.index(second.subject) < page.index(first.subject)
    assert page.count("Unread:") == 1
    assert reverse("notification_open", args=[second.pk]) in page


def test_opening_a_notification_marks_it_read_and_leads_to_its_page(client, alice):
    notification = tell(alice, "one")
    client.force_login(alice)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == notification.link
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_another_persons_notification_answers_404_and_stays_unread(client, alice, bob):
    notification = tell(alice, "one")
    client.force_login(bob)
    assert client.get(reverse("notification_open", args=[notification.pk])).status_code == 404
    assert client.get(reverse("notification_open", args=[99999])).status_code == 404
    assert notification.subject not in text_of(client.get(reverse("notification_list")))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_visitor_is_sent_to_sign_in(client, alice):
    notification = tell(alice, "one")
    for url in [
        reverse("notification_list"),
        reverse("notification_open", args=[notification.pk]),
        reverse("notification_preferences"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    response = client.post(reverse("notifications_read_all"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_reads_only_ones_own_and_is_a_post(client, alice, bob):
    tell(alice, "one")
    tell(alice, "two")
    theirs = tell(bob, "one")
    client.force_login(alice)
    assert client.get(reverse("notifications_read_all")).status_code == 405
    response = client.post(reverse("notifications_read_all"), follow=True)
    assert "2 notifications marked read." in text_of(response)
    assert not Notification.objects.filter(person=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_header_counts_the_unread_for_every_signed_in_person(client, alice):
    client.force_login(alice)
    page = text_of(client.get(reverse("home")))
    assert ">Notifications</a>" in page  # nothing unread: no count
    tell(alice, "one")
    tell(alice, "two")
    tell(alice, "three")
    page = text_of(client.get(reverse("profile")))
    # Read aloud as "Notifications (3 unread)".
    assert 'Notifications (3<span class="visually-hidden"> unread</span>)' in page
    client.post(reverse("notifications_read_all"))
    assert ">Notifications</a>" in text_of(client.get(reverse("profile")))


def test_the_header_count_comes_with_the_signed_in_person_at_no_extra_query(client, alice):
    client.force_login(alice)
    tell(alice, "one")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("profile"))
    for n in range(19):
        tell(alice, f"more-{n}")
    with CaptureQueriesContext(connection) as twenty:
        page = text_of(client.get(reverse("profile")))
    assert "Notifications (20" in page
    # Counted inside the query that loads the signed-in person, however many there are.
    assert len(one) == len(twenty)
    assert sum("notifications_notification" in q["sql"] for q in twenty.captured_queries) == 1


def test_the_list_asks_the_same_queries_for_2_notifications_as_for_20(
    client, alice, django_assert_max_num_queries
):
    for n in range(2):
        tell(alice, f"k{n}")
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("notification_list")).status_code == 200
    for n in range(2, 20):
        tell(alice, f"k{n}")
    with django_assert_max_num_queries(len(few)):
        page = text_of(client.get(reverse("notification_list")))
    assert page.count("Unread:") == 20


def test_a_long_list_is_paged(client, alice):
    for n in range(30):
        tell(alice, f"k{n}")
    client.force_login(alice)
    page = text_of(client.get(reverse("notification_list")))
    assert "Notifications 1–25 of 30" in page
    assert "Notifications 26–30 of 30" in text_of(
        client.get(reverse("notification_list") + "?page=2")
    )


# --- Preferences ----------------------------------------------------------------------------


def test_the_profile_links_to_the_preferences_which_offer_a_choice_per_kind(client, alice):
    client.force_login(alice)
    assert reverse("notification_preferences") in text_of(client.get(reverse("profile")))
    page = text_of(client.get(reverse("notification_preferences")))
    for _, label in Notification.Kind.choices:
        assert label in page
    assert page.count('type="radio"') == 2 * len(Notification.Kind.choices)


def choices(**changed):
    values = {kind: "both" for kind in Notification.Kind.values}
    values.update(changed)
    return values


def test_portal_only_makes_a_notification_without_an_email(
    client, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    response = client.post(reverse("notification_preferences"), choices(agenda="portal"))
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        notification = tell(alice, "one")
    assert notification.emailed_at is None
    assert mail.outbox == []
    assert services.preferences_of(alice)[KIND] is False
    page = text_of(client.get(reverse("notification_preferences")))
    assert re.search(r'name="agenda" value="portal"[^>]*checked', page)


def test_by_default_a_notification_is_also_emailed_with_a_text_and_an_html_part(
    alice, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_URL = "https://portal.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        notification = tell(alice, "one")
    assert notification.emailed_at is not None
    [message] = mail.outbox
    assert message.to == [alice.email] and message.subject == notification.subject
    assert f"https://portal.example.org{notification.link}" in message.body
    [(html_part, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="https://portal.example.org{notification.link}"' in html_part
    assert "Dear Alice Ng" in html_part


def test_a_bad_choice_is_refused_with_a_clear_error_and_nothing_changes(client, alice):
    client.force_login(alice)
    response = client.post(reverse("notification_preferences"), choices(agenda="pigeon"))
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(response)
    assert not NotificationPreference.objects.exists()


def test_the_same_key_tells_a_person_once(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert tell(alice, "once") is not None
        assert tell(alice, "once") is None
    assert Notification.objects.filter(person=alice).count() == 1
    assert len(mail.outbox) == 1

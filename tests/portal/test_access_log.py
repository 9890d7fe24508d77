"""The access log: who signed in, who was refused, who downloaded restricted material."""

import datetime

import pytest
from axes.signals import user_locked_out
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from meetings import calendar, papers
from meetings.models import Document
from portal.audit import services
from portal.audit.models import AccessRecord
from portal.audit.tasks import purge_access_log
from tests.factories import (
    MeetingFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    participant,
)

pytestmark = pytest.mark.django_db

Event = AccessRecord.Event
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PASSWORD = "correct horse battery staple"


def paper(meeting, access, title="Concept note"):
    upload = SimpleUploadedFile(f"{title}.pdf", PDF, content_type="application/pdf")
    return papers.document_add(meeting, title=title, access=access, upload=upload, uploaded_by=None)


def download(client, document):
    response = client.get(reverse("document_download", args=[document.meeting_id, document.pk, 1]))
    if response.status_code == 200:
        b"".join(response.streaming_content)
    return response


def sign_in(client, person):
    """Signed in, the second factor passed (the secretariat must use one)."""
    device = TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    client.force_login(person)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    # The line of this sign-in itself is not what the tests look at.
    AccessRecord.objects.filter(event=Event.SIGNED_IN, person=person).delete()


def lines(event=None):
    records = AccessRecord.objects.order_by("pk")
    return list(records.filter(event=event) if event else records)


# --- Recording ------------------------------------------------------------------------


def test_a_sign_in_and_a_sign_out_are_recorded_with_the_address(client):
    person = UserFactory(username="somchai")
    response = client.post(
        reverse("login"),
        {"username": "somchai", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    (signed_in,) = lines(Event.SIGNED_IN)
    assert (signed_in.person, signed_in.username, signed_in.address) == (
        person,
        "somchai",
        "203.0.113.7",
    )
    assert signed_in.path == reverse("login")
    client.post(reverse("logout"))
    (signed_out,) = lines(Event.SIGNED_OUT)
    assert signed_out.person == person


def test_a_failed_sign_in_keeps_the_name_typed_and_never_the_password(client):
    UserFactory(username="somchai")
    client.post(
        reverse("login") + "?next=/secret-token-here/",
        {"username": "somchai", "password": "wrong-password-123"},
    )
    (failed,) = lines(Event.SIGN_IN_FAILED)
    assert failed.person is None and failed.username == "somchai"
    # Neither the password nor the query string is stored anywhere in the line.
    stored = " ".join(str(value) for value in AccessRecord.objects.values_list().get(pk=failed.pk))
    assert "wrong-password-123" not in stored
    assert "secret-token-here" not in stored and failed.path == reverse("login")


def test_a_lock_out_by_the_throttle_is_recorded_as_refused(rf):
    request = rf.post(reverse("login"), REMOTE_ADDR="198.51.100.4")
    user_locked_out.send("axes", request=request, username="somchai", ip_address="198.51.100.4")
    (refused,) = lines()
    assert (refused.event, refused.username, refused.address) == (
        Event.SIGN_IN_REFUSED,
        "somchai",
        "198.51.100.4",
    )


def test_the_forwarded_address_counts_only_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.AUDIT_TRUST_X_FORWARDED_FOR = False
    assert services.client_address(request) == "10.0.0.2"
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    # The last hop is the one the proxy added; the first is whatever the client wrote.
    assert services.client_address(request) == "203.0.113.9"
    garbled = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    assert services.client_address(garbled) is None


def test_behind_two_trusted_proxies_the_client_is_two_hops_back(rf, settings):
    # The TLS proxy added the client (203.0.113.9), the compose file's proxy the TLS one.
    settings.AUDIT_TRUST_X_FORWARDED_FOR = True
    settings.AXES_IPWARE_PROXY_COUNT = 2
    forwarded = "1.2.3.4, 203.0.113.9, 172.18.0.5"
    request = rf.get("/", REMOTE_ADDR="172.18.0.7", HTTP_X_FORWARDED_FOR=forwarded)
    assert services.client_address(request) == "203.0.113.9"
    # Fewer hops than proxies: the header proves nothing; the connection's address counts.
    short = rf.get("/", REMOTE_ADDR="172.18.0.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert services.client_address(short) == "172.18.0.7"


def test_a_page_hidden_from_the_person_is_recorded_as_refused_with_the_usual_404(client):
    hidden = WorkingGroupFactory(clearance_required=True, slug="wg-hidden")
    person = participant(WorkingGroupFactory())
    sign_in(client, person)
    response = client.get(reverse("group_detail", args=[hidden.slug]) + "?page=2")
    assert response.status_code == 404
    (refused,) = lines(Event.REFUSED)
    assert (refused.person, refused.path, refused.object_label) == (
        person,
        "/groups/wg-hidden/",
        "No such working group",
    )


def test_a_404_that_is_no_refusal_is_not_recorded(client):
    sign_in(client, UserFactory())
    assert client.get("/no-such-page/").status_code == 404
    assert lines() == []


def test_the_calendar_feeds_token_never_reaches_the_log(rf):
    person = UserFactory()
    token = calendar.feed_create(person).token
    request = rf.get(reverse("calendar_feed", args=[token]))
    request.user = person
    request.resolver_match = resolve(request.path)
    line = services.record(Event.REFUSED, request=request)
    assert token not in line.path
    assert line.path == "/calendar/<feed_token>.ics"


# --- Downloads ----------------------------------------------------------------------


@pytest.fixture
def open_group():
    return WorkingGroupFactory()


@pytest.fixture
def open_meeting(open_group):
    return MeetingFactory(kind="working_group", group=open_group, body="", title="First meeting")


def test_a_paper_for_participants_is_recorded_and_a_public_one_is_not(
    client, open_group, open_meeting
):
    restricted = paper(open_meeting, Document.Access.PARTICIPANTS)
    public = paper(open_meeting, Document.Access.PUBLIC, title="Press release")
    person = participant(open_group)
    sign_in(client, person)
    assert download(client, public).status_code == 200
    assert lines(Event.DOWNLOADED) == []
    assert download(client, restricted).status_code == 200
    (line,) = lines(Event.DOWNLOADED)
    assert (line.person, line.object_kind, line.object_id, line.object_label) == (
        person,
        "paper",
        str(restricted.pk),
        str(restricted),
    )


def test_every_paper_of_a_clearance_group_is_recorded_even_a_public_one(client):
    group = WorkingGroupFactory(clearance_required=True)
    meeting = MeetingFactory(kind="working_group", group=group, body="")
    public = paper(meeting, Document.Access.PUBLIC)
    sign_in(client, SecretariatFactory())
    assert download(client, public).status_code == 200
    assert [line.object_kind for line in lines(Event.DOWNLOADED)] == ["paper"]


def test_the_agenda_pdf_of_a_clearance_group_is_recorded(client):
    group = WorkingGroupFactory(clearance_required=True)
    meeting = MeetingFactory(kind="working_group", group=group, body="")
    sign_in(client, SecretariatFactory())
    assert client.get(reverse("agenda_pdf", args=[meeting.pk])).status_code == 200
    (line,) = lines(Event.DOWNLOADED)
    assert (line.object_kind, line.object_id) == ("agenda PDF", str(meeting.pk))


def test_the_agenda_pdf_of_an_open_group_is_not_recorded(client, open_meeting):
    sign_in(client, SecretariatFactory())
    assert client.get(reverse("agenda_pdf", args=[open_meeting.pk])).status_code == 200
    assert lines(Event.DOWNLOADED) == []


# --- The secretariat's list -----------------------------------------------------------


def test_the_secretariat_reads_the_log_newest_first(client):
    person = UserFactory(username="grace", first_name="Grace", last_name="Ng")
    services.record(Event.SIGN_IN_FAILED, username="nobody-typed")
    services.record(Event.SIGNED_IN, person=person)
    sign_in(client, SecretariatFactory())
    response = client.get(reverse("access_log"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Grace Ng (grace)") < page.index("“nobody-typed”")


@pytest.mark.parametrize("who", ["member", "stranger"])
def test_anyone_but_the_secretariat_gets_404(client, who):
    group = WorkingGroupFactory()
    person = participant(group) if who == "member" else UserFactory()
    sign_in(client, person)
    assert client.get(reverse("access_log")).status_code == 404
    # The refusal is itself in the log.
    assert [line.person for line in lines(Event.REFUSED)] == [person]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("access_log"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_filters_by_event_person_days_and_kind(client, open_meeting):
    grace = UserFactory(username="grace")
    ali = UserFactory(username="ali")
    services.record(Event.SIGNED_IN, person=grace)
    services.record(Event.SIGNED_IN, person=ali)
    services.record(Event.DOWNLOADED, person=ali, obj=open_meeting, object_kind="agenda PDF")
    old = services.record(Event.SIGNED_OUT, person=grace)
    AccessRecord.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=30))
    sign_in(client, SecretariatFactory(username="secretary"))

    def found(**query):
        response = client.get(reverse("access_log"), query)
        assert response.status_code == 200
        return [(r.event, r.username) for r in response.context["listing"].rows]

    assert found(event="downloaded") == [("downloaded", "ali")]
    assert found(person="grac") == [("signed_in", "grace"), ("signed_out", "grace")]
    assert found(object_kind="agenda PDF") == [("downloaded", "ali")]
    since = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert ("signed_out", "grace") not in found(since=since)
    until = (timezone.localdate() - datetime.timedelta(days=29)).isoformat()
    assert found(until=until) == [("signed_out", "grace")]


def test_a_bad_filter_says_so_and_lists_nothing(client):
    services.record(Event.SIGNED_IN, person=UserFactory())
    sign_in(client, SecretariatFactory())
    response = client.get(reverse("access_log"), {"since": "3000-01-01", "event": "nonsense"})
    assert response.status_code == 200
    errors = response.context["filter"].form.errors
    assert "since" in errors and "event" in errors
    assert list(response.context["listing"].rows) == []


def test_a_long_log_is_paged(client):
    for _ in range(30):
        services.record(Event.SIGN_IN_FAILED, username="someone")
    sign_in(client, SecretariatFactory())
    first = client.get(reverse("access_log"))
    assert "Lines 1–25 of 30" in first.content.decode()
    second = client.get(reverse("access_log"), {"page": 2, "event": "sign_in_failed"})
    assert len(second.context["listing"].rows) == 5


def test_the_list_asks_the_same_queries_for_2_lines_as_for_20(
    client, open_meeting, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            services.record(Event.SIGNED_IN, person=UserFactory())
            services.record(
                Event.DOWNLOADED, person=UserFactory(), obj=open_meeting, object_kind="agenda PDF"
            )

    add(1)
    sign_in(client, SecretariatFactory())
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("access_log"), {"event": "signed_in"}).status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("access_log"), {"event": "signed_in"})
    assert len(response.context["listing"].rows) == 11


def test_the_secretariats_home_links_to_the_log(client):
    sign_in(client, SecretariatFactory())
    assert reverse("access_log") in client.get(reverse("home")).content.decode()


# --- Retention ------------------------------------------------------------------------


def test_lines_past_their_retention_are_purged_daily_and_newer_ones_kept(settings):
    settings.AUDIT_RETENTION_DAYS = 400
    old = services.record(Event.SIGNED_IN, person=UserFactory())
    recent = services.record(Event.SIGNED_IN, person=UserFactory())
    now = timezone.now()
    AccessRecord.objects.filter(pk=old.pk).update(at=now - datetime.timedelta(days=401))
    AccessRecord.objects.filter(pk=recent.pk).update(at=now - datetime.timedelta(days=399))
    assert purge_access_log.delay().get() == 1
    assert lines() == [recent]
    assert settings.CELERY_BEAT_SCHEDULE["purge-access-log"]["task"] == (
        "portal.audit.tasks.purge_access_log"
    )

"""A session ends when it is idle, when it is old, and when it is ended from elsewhere."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.accounts import services
from portal.accounts.models import User
from portal.middleware import SESSION_SEEN_AT, SESSION_SIGNED_IN_AT
from tests.factories import SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase"


@pytest.fixture
def person():
    person = UserFactory()
    person.set_password(PASSWORD)
    person.save()
    return person


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def assert_sent_to_sign_in(response, path):
    assert response.status_code == 302, response
    assert response.url.startswith(reverse("login")) and path in response.url


def message_on_sign_in(client) -> str:
    return client.get(reverse("login")).content.decode()


def move_session_clock(client, **stamps):
    """Make the session's stamps read as that long ago (a clock that cannot be moved)."""
    session = client.session
    for key, ago in stamps.items():
        session[key] = (timezone.now() - ago).timestamp()
    session.save()


def test_signing_in_through_the_form_gives_a_new_session_key(client, person):
    session = client.session
    session["visited"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value and cookie.value != before
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # The cookie lasts no longer than the longest session.
    assert int(cookie["max-age"]) <= settings.SESSION_MAX_HOURS * 3600
    assert client.get(reverse("profile")).status_code == 200


def test_signing_out_ends_the_persons_session_in_another_browser(person):
    first, second = signed_in(person), signed_in(person)
    assert second.get(reverse("profile")).status_code == 200
    first.post(reverse("logout"))
    assert_sent_to_sign_in(second.get(reverse("profile")), reverse("profile"))
    assert "signed out of this session from elsewhere" in message_on_sign_in(second)
    # Signing in again afterwards works as before.
    assert signed_in(person).get(reverse("profile")).status_code == 200


def test_a_password_change_keeps_this_session_and_ends_the_others(person):
    changing, other = signed_in(person), signed_in(person)
    response = changing.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase, quite new",
            "new_password2": "another long passphrase, quite new",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert changing.get(reverse("profile")).status_code == 200
    assert_sent_to_sign_in(other.get(reverse("profile")), reverse("profile"))


def test_a_new_password_from_a_reset_link_ends_every_session(client, person):
    theirs = signed_in(person)
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    form = client.get(reverse("password_reset_confirm", args=[uid, token]))
    new_password = "a fresh passphrase after a reset"
    response = client.post(form.url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    assert_sent_to_sign_in(theirs.get(reverse("profile")), reverse("profile"))


def test_deactivating_a_person_in_the_back_office_ends_their_sessions(person):
    theirs = signed_in(person)
    secretary = signed_in(SecretariatFactory())
    response = secretary.post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "username": person.username,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "job_title": "",
            "clearance_level": "",
            "clearance_expires_on": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()
    person.refresh_from_db()
    assert not person.is_active and person.sessions_valid_from is not None
    assert_sent_to_sign_in(theirs.get(reverse("profile")), reverse("profile"))
    # Activated again, the person signs in afresh; the old session stays ended.
    User.objects.filter(pk=person.pk).update(is_active=True)
    assert_sent_to_sign_in(theirs.get(reverse("profile")), reverse("profile"))


def test_sessions_end_all_keeps_only_the_session_it_is_given(person, rf):
    kept, ended = signed_in(person), signed_in(person)
    session = kept.session
    services.sessions_end_all(person, keep=session)
    session.save()
    assert kept.get(reverse("profile")).status_code == 200
    assert_sent_to_sign_in(ended.get(reverse("profile")), reverse("profile"))


def test_31_minutes_without_activity_end_the_session(person):
    client = signed_in(person)
    move_session_clock(client, **{SESSION_SEEN_AT: datetime.timedelta(minutes=31)})
    assert_sent_to_sign_in(client.get(reverse("profile")), reverse("profile"))
    assert (
        "Your session ended after 30 minutes without activity; please sign in again"
        in message_on_sign_in(client)
    )
    assert client.get(reverse("profile")).status_code == 302


def test_29_minutes_without_activity_leave_the_session_open(person):
    client = signed_in(person)
    move_session_clock(client, **{SESSION_SEEN_AT: datetime.timedelta(minutes=29)})
    assert client.get(reverse("profile")).status_code == 200
    # The request counts as activity: the idle time starts again.
    assert (
        client.session[SESSION_SEEN_AT]
        > (timezone.now() - datetime.timedelta(seconds=5)).timestamp()
    )


def test_the_last_activity_is_written_at_most_once_a_minute(person):
    client = signed_in(person)
    move_session_clock(client, **{SESSION_SEEN_AT: datetime.timedelta(seconds=30)})
    seen = client.session[SESSION_SEEN_AT]
    response = client.get(reverse("profile"))
    assert client.session[SESSION_SEEN_AT] == seen
    # Nothing changed in the session, so no new cookie is sent either.
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_idle_time_comes_from_the_settings(person, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client = signed_in(person)
    move_session_clock(client, **{SESSION_SEEN_AT: datetime.timedelta(minutes=6)})
    assert_sent_to_sign_in(client.get(reverse("profile")), reverse("profile"))
    assert "after 5 minutes without activity" in message_on_sign_in(client)


def test_a_session_ends_12_hours_after_signing_in_even_when_busy(person):
    client = signed_in(person)
    move_session_clock(
        client,
        **{
            SESSION_SIGNED_IN_AT: datetime.timedelta(hours=12, seconds=1),
            SESSION_SEEN_AT: datetime.timedelta(seconds=10),
        },
    )
    assert_sent_to_sign_in(client.get(reverse("profile")), reverse("profile"))
    assert "Your session ended after 12 hours" in message_on_sign_in(client)


def test_a_session_begun_with_a_valid_clearance_ends_once_it_has_expired(person):
    today = timezone.localdate()
    User.objects.filter(pk=person.pk).update(
        clearance_level="Negative Vetting 1", clearance_expires_on=today
    )
    client = signed_in(person)
    assert client.get(reverse("profile")).status_code == 200
    # Signed in two days ago, while the clearance (to yesterday) was valid.
    move_session_clock(client, **{SESSION_SIGNED_IN_AT: datetime.timedelta(days=2)})
    User.objects.filter(pk=person.pk).update(
        clearance_expires_on=today - datetime.timedelta(days=1)
    )
    assert_sent_to_sign_in(client.get(reverse("profile")), reverse("profile"))
    assert "Your security clearance expired on" in message_on_sign_in(client)
    # Signing in again after the expiry is not refused here: the group pages decide.
    assert signed_in(person).get(reverse("profile")).status_code == 200


def test_a_session_from_before_the_stamps_counts_from_the_last_sign_in(person):
    client = signed_in(person)
    session = client.session
    for key in list(session.keys()):
        if key.startswith("portal_"):
            del session[key]
    session.save()
    assert client.get(reverse("profile")).status_code == 200
    assert SESSION_SIGNED_IN_AT in client.session
    # Ended since that sign-in, it stays ended.
    for key in list(session.keys()):
        if key.startswith("portal_"):
            del session[key]
    session.save()
    services.sessions_end_all(person)
    assert_sent_to_sign_in(client.get(reverse("profile")), reverse("profile"))


def test_anonymous_visitors_are_untouched(client):
    assert client.get(reverse("login")).status_code == 200

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_sign_in_with_the_right_password_opens_the_home_page(client):
    UserFactory(username="malee")
    response = client.post(
        reverse("login"), {"username": "malee", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"].username == "malee"


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="malee")
    response = client.post(reverse("login"), {"username": "malee", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_sign_out_needs_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_password_change_keeps_the_person_signed_in_with_the_new_password(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-Long-pass-9",
            "new_password2": "a-new-Long-pass-9",
        },
    )
    assert response.url == reverse("password_change_done")
    person.refresh_from_db()
    assert person.check_password("a-new-Long-pass-9")


def test_password_reset_mails_a_link_that_sets_a_new_password(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="malee@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "malee@example.org"})
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["malee@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]

    form_url = client.get(link).url  # Django swaps the token for a session marker
    client.post(
        form_url, {"new_password1": "Brand-new-pass-42", "new_password2": "Brand-new-pass-42"}
    )
    person.refresh_from_db()
    assert person.check_password("Brand-new-pass-42")


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_profile_shows_clearance_and_its_expiry(client):
    person = UserFactory(clearance_level="NV1", clearance_expires_on="2020-01-31")
    client.force_login(person)
    page = client.get(reverse("profile")).content.decode()
    assert "NV1" in page and "expired on 31 January 2020" in page


def test_a_person_sets_the_time_zone_meeting_times_are_also_shown_in(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("profile"), {"time_zone": "Pacific/Auckland"}, follow=True)
    assert "now also shown in Pacific/Auckland" in response.content.decode()
    person.refresh_from_db()
    assert person.time_zone == "Pacific/Auckland"
    bad = client.post(reverse("profile"), {"time_zone": "Mars/Olympus"})
    assert "time_zone" in bad.context["form"].errors

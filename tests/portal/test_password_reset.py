"""A password reset answers the same, in the same way, whatever the address."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.accounts import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ask(client, email):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("password_reset"), {"email": email})
    return response, len(queries.captured_queries)


def test_a_known_and_an_unknown_address_get_the_same_answer_and_queries(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="malee@example.org")
    with django_capture_on_commit_callbacks(execute=False) as handed_over:
        known, known_queries = ask(client, "malee@example.org")
        unknown, unknown_queries = ask(client, "nobody@example.org")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("password_reset_done")
    assert known_queries == unknown_queries
    # Nothing is looked up or sent in the request: each is handed over, after the commit.
    assert mail.outbox == []
    assert len(handed_over) == 2
    for callback in handed_over:
        callback()
    [message] = mail.outbox
    assert message.to == ["malee@example.org"]
    assert "/accounts/password/reset/" in message.body


def test_the_mail_carries_a_link_that_sets_a_new_password(
    client, django_capture_on_commit_callbacks
):
    person = UserFactory(email="malee@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "malee@example.org"})
    [message] = mail.outbox
    link = next(word for word in message.body.split() if "/accounts/password/reset/" in word)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {
            "new_password1": "river otter lantern tuesday",
            "new_password2": "river otter lantern tuesday",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("river otter lantern tuesday")


def test_mail_down_gives_the_same_page_and_no_500(
    client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    UserFactory(email="malee@example.org")

    def down(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(services, "email_send", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "malee@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "malee@example.org" not in caplog.text


def test_an_inactive_account_gets_no_mail():
    UserFactory(email="malee@example.org", is_active=False)
    assert services.password_reset_send("malee@example.org", portal_url="https://p") == 0
    assert mail.outbox == []


def test_a_bad_address_is_a_form_error(client):
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()

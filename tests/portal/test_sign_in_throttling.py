"""Failed sign-ins are throttled per account and per address (django-axes)."""

import logging

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def attempt(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_eleventh_failure_is_refused_with_a_clear_page_and_logged(client, caplog):
    UserFactory(username="malee")
    for _ in range(10):
        assert attempt(client, "malee", "wrong").status_code == 200
    with caplog.at_level(logging.WARNING):
        response = attempt(client, "malee", "wrong")
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "after repeated login failures" in caplog.text


def test_the_right_password_after_thirty_wrong_ones_is_refused_while_locked(client):
    UserFactory(username="malee")
    for _ in range(30):
        attempt(client, "malee", "wrong")
    response = attempt(client, "malee", PASSWORD)
    assert response.status_code == 429
    assert not client.get(reverse("login")).context["user"].is_authenticated


def test_the_account_stays_locked_from_another_address(client):
    UserFactory(username="malee")
    for index in range(11):
        attempt(client, "malee", "wrong", address=f"198.51.100.{index}")
    assert attempt(client, "malee", PASSWORD, address="192.0.2.1").status_code == 429


def test_a_spray_over_many_accounts_from_one_address_is_refused(client):
    UserFactory(username="malee")
    for index in range(11):
        attempt(client, f"guess{index}", "Summer2026!")
    assert attempt(client, "malee", PASSWORD).status_code == 429
    # Another address is not held back by the spray.
    assert attempt(client, "malee", PASSWORD, address="192.0.2.1").status_code == 302


def test_a_forwarded_address_does_not_escape_the_lock(client):
    UserFactory(username="malee")
    for index in range(11):
        client.post(
            reverse("login"),
            {"username": f"guess{index}", "password": "wrong"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{index}",
        )
    assert attempt(client, "malee", PASSWORD).status_code == 429


def test_a_few_failures_do_not_stop_the_right_password(client):
    UserFactory(username="malee")
    for _ in range(3):
        attempt(client, "malee", "wrong")
    assert attempt(client, "malee", PASSWORD).status_code == 302

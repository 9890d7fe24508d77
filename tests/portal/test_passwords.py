"""Passwords: 12 to 128 characters, not a common one, no composition rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["elevenchars", "x7" * 64 + "y", "password1234"],
    ids=["11-characters", "129-characters", "common"],
)
def test_a_short_a_too_long_or_a_common_password_is_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, UserFactory())


@pytest.mark.parametrize(
    "password",
    ["river otter lantern tuesday", "twelve chars", "x" * 12 + "7" * 116],
    ids=["passphrase", "12-characters-no-digit", "128-characters"],
)
def test_a_passphrase_without_digits_or_capitals_is_accepted(password):
    validate_password(password, UserFactory())


def test_the_password_change_page_refuses_a_short_password_with_a_form_error(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery staple",
            "new_password1": "short-pw-11",
            "new_password2": "short-pw-11",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password("correct horse battery staple")


def test_the_demo_passwords_satisfy_the_rules(settings):
    # make run's generated password: secrets.token_urlsafe(12) is 16 characters.
    import secrets

    validate_password(secrets.token_urlsafe(12))
    for password in [
        "demo-password-1",
        "browser-demo-password-1",
        "pictures-only",
        "pw-one-Long-9",
    ]:
        validate_password(password)

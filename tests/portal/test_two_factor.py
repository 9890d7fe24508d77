"""The second step at sign-in: who must take it, setting it up, passing it, recovery codes."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import permissions
from portal.accounts import services, two_factor
from tests.factories import (
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)

pytestmark = [pytest.mark.django_db, pytest.mark.password_only]
PASSWORD = "correct horse battery staple"


def sign_in_with_password(client, person):
    response = client.post(reverse("login"), {"username": person.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


def set_up_app(person) -> tuple[TOTPDevice, list[str]]:
    device = services.second_factor_start(person)
    return device, services.second_factor_confirm(person, device, two_factor.current_code(device))


# --- Who must --------------------------------------------------------------------------


def test_secretariat_co_chairs_and_clearance_group_members_must_use_a_second_factor():
    group = WorkingGroupFactory()
    cleared_group = WorkingGroupFactory(clearance_required=True)
    assert permissions.must_use_second_factor(SecretariatFactory())
    assert permissions.must_use_second_factor(co_chair(group))
    assert permissions.must_use_second_factor(participant(cleared_group))
    assert not permissions.must_use_second_factor(participant(group))
    assert not permissions.must_use_second_factor(UserFactory())


# --- The guard -------------------------------------------------------------------------


def test_secretariat_signed_in_with_a_password_only_is_taken_to_the_set_up_page(client):
    person = SecretariatFactory()
    response = sign_in_with_password(client, person)
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == reverse("two_factor_setup") + "?next=%2F"
    for url in ["/groups/", reverse("profile"), "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("two_factor_setup"))
    assert client.get(reverse("healthz")).status_code == 200


def test_a_person_with_an_app_is_asked_for_a_code_and_then_reaches_the_page_asked(client):
    person = SecretariatFactory()
    device, _ = set_up_app(person)
    sign_in_with_password(client, person)
    response = client.get("/groups/")
    assert response.url == reverse("two_factor_verify") + "?next=%2Fgroups%2F"
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Enter your code" in page.content.decode()
    device.refresh_from_db()
    response = client.post(
        reverse("two_factor_verify"),
        {"code": two_factor.current_code(device), "next": "/groups/"},
    )
    assert response.url == "/groups/"
    assert client.get("/groups/").status_code == 200


def test_a_member_who_need_not_reaches_the_portal_with_a_password(client):
    person = participant(WorkingGroupFactory())
    sign_in_with_password(client, person)
    assert client.get(reverse("home")).status_code == 200


def test_a_member_who_chose_a_second_factor_must_pass_it_too(client):
    person = participant(WorkingGroupFactory())
    set_up_app(person)
    sign_in_with_password(client, person)
    response = client.get(reverse("home"))
    assert response.url.startswith(reverse("two_factor_verify"))


def test_sign_out_stays_open_before_the_second_factor(client):
    sign_in_with_password(client, SecretariatFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not client.get(reverse("login")).context["user"].is_authenticated


def test_next_pointing_elsewhere_is_ignored(client):
    person = SecretariatFactory()
    device, _ = set_up_app(person)
    sign_in_with_password(client, person)
    device.refresh_from_db()
    response = client.post(
        reverse("two_factor_verify"),
        {"code": two_factor.current_code(device), "next": "https://evil.example/"},
    )
    assert response.url == reverse("home")


# --- Setting up -----------------------------------------------------------------------


def test_set_up_page_shows_the_qr_code_and_the_key_in_groups_of_four(client):
    person = SecretariatFactory()
    sign_in_with_password(client, person)
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert '<svg role="img" aria-label="The set-up key as a QR image' in page
    assert "<script" not in page.split("</header>")[-1] and 'style="' not in page
    key = re.search(r'<p class="secret-key"><code>([A-Z2-7 ]+)</code>', page)[1]
    assert all(len(group) == 4 for group in key.split())


def test_a_right_code_finishes_the_set_up_and_shows_ten_recovery_codes_once(client):
    person = SecretariatFactory()
    sign_in_with_password(client, person)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    response = client.post(
        reverse("two_factor_setup"), {"code": two_factor.current_code(device), "next": "/"}
    )
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(codes) == 10
    assert "I have kept them" in response.content.decode()
    assert client.get(reverse("home")).status_code == 200
    # Shown once: the profile counts them but does not show them again.
    profile = client.get(reverse("profile")).content.decode()
    assert "10 unused recovery codes" in profile
    assert codes[0] not in profile


def test_a_wrong_code_at_set_up_is_refused_and_changes_nothing(client):
    person = SecretariatFactory()
    sign_in_with_password(client, person)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()
    assert not services.uses_second_factor(person)
    assert client.get(reverse("home")).status_code == 302


def test_a_person_with_an_app_cannot_replace_it_before_passing_it(client):
    person = SecretariatFactory()
    set_up_app(person)
    sign_in_with_password(client, person)
    response = client.get(reverse("two_factor_setup"))
    assert response.url.startswith(reverse("two_factor_verify"))


# --- Passing it -------------------------------------------------------------------------


def test_a_recovery_code_works_once(client):
    person = SecretariatFactory()
    _, codes = set_up_app(person)
    sign_in_with_password(client, person)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
    assert response.url == reverse("home")
    assert services.recovery_codes_left(person) == 9
    client.post(reverse("logout"))
    sign_in_with_password(client, person)
    response = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()


def test_an_app_code_works_once(client):
    person = SecretariatFactory()
    device, _ = set_up_app(person)
    device.refresh_from_db()
    # The code that confirmed the app, still the app's current one: a second use is refused.
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    while totp.t() > device.last_t:
        totp.time -= device.step
    sign_in_with_password(client, person)
    response = client.post(reverse("two_factor_verify"), {"code": f"{totp.token():06d}"})
    assert response.status_code == 200
    assert "That code is not right." in response.content.decode()


def test_wrong_codes_are_throttled_even_before_a_right_one(client):
    person = SecretariatFactory()
    device, _ = set_up_app(person)
    sign_in_with_password(client, person)
    client.post(reverse("two_factor_verify"), {"code": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Each wrong code doubles the wait before the next is even checked.
    response = client.post(reverse("two_factor_verify"), {"code": two_factor.current_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_the_code_page_sends_a_person_without_an_app_to_set_up(client):
    sign_in_with_password(client, SecretariatFactory())
    response = client.get(reverse("two_factor_verify"))
    assert response.url == reverse("two_factor_setup")


def test_anonymous_visitor_is_sent_to_sign_in_from_the_second_factor_pages(client):
    for name in ["two_factor_setup", "two_factor_verify"]:
        response = client.get(reverse(name))
        assert response.url.startswith(reverse("login"))
    for name in ["recovery_codes_new", "two_factor_off"]:
        assert client.post(reverse(name)).url.startswith(reverse("login"))


# --- The profile ------------------------------------------------------------------------


def passed(client, person):
    """Sign in through the form and pass the second factor."""
    sign_in_with_password(client, person)
    device = services.app_device(person)
    client.post(reverse("two_factor_verify"), {"code": two_factor.current_code(device)})


def test_new_recovery_codes_replace_the_old_ones(client):
    person = SecretariatFactory()
    _, old = set_up_app(person)
    passed(client, person)
    response = client.post(reverse("recovery_codes_new"))
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "Your earlier recovery codes no longer work." in response.content.decode()


def test_a_member_may_turn_the_second_factor_off(client):
    person = participant(WorkingGroupFactory())
    set_up_app(person)
    passed(client, person)
    profile = client.get(reverse("profile")).content.decode()
    assert "Turn off the second step" in profile
    response = client.post(reverse("two_factor_off"), follow=True)
    assert "no longer asks for a code" in response.content.decode()
    assert not services.uses_second_factor(person)


def test_the_secretariat_cannot_turn_it_off(client):
    person = SecretariatFactory()
    set_up_app(person)
    passed(client, person)
    profile = client.get(reverse("profile")).content.decode()
    assert "Turn off the second step" not in profile
    response = client.post(reverse("two_factor_off"), follow=True)
    assert "cannot be turned off" in response.content.decode()
    assert services.uses_second_factor(person)


def test_a_member_without_one_is_offered_to_set_it_up(client):
    person = participant(WorkingGroupFactory())
    sign_in_with_password(client, person)
    profile = client.get(reverse("profile")).content.decode()
    assert "Set up an authenticator app" in profile
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_before_the_second_factor_the_header_offers_only_signing_out(client):
    person = SecretariatFactory()
    device, _ = set_up_app(person)
    sign_in_with_password(client, person)
    page = client.get(reverse("two_factor_verify")).content.decode()
    assert "Sign out" in page
    for hidden in ["Notifications", "Working groups", 'role="search"', "Back office"]:
        assert hidden not in page, hidden
    device.refresh_from_db()
    client.post(reverse("two_factor_verify"), {"code": two_factor.current_code(device)})
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert "Notifications" in page.content.decode() and "Working groups" in page.content.decode()


def test_the_code_page_asks_the_same_few_queries(client, django_assert_max_num_queries):
    person = SecretariatFactory()
    set_up_app(person)
    sign_in_with_password(client, person)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("two_factor_verify")).status_code == 200


# --- The demo ---------------------------------------------------------------------------


def test_demo_code_prints_the_code_of_a_demo_persons_app(demo):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("demo_code", "secretariat", stdout=out)
    device = TOTPDevice.objects.get(user__username="secretariat")
    assert out.getvalue().strip() == two_factor.current_code(device)
    assert not TOTPDevice.objects.filter(user__username="expert.th").exists()

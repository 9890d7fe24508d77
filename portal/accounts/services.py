"""Everything that changes an account or talks to its owner."""

import re

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import loader
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import permissions, versions
from portal.accounts.models import User
from portal.text import single_line


def email_send(subject: str, body: str, to: str, html: str = "") -> None:
    """Send one e-mail from the portal's address: plain text, with an HTML part if given."""
    # Every subject is built from titles and names; a line break in one would make the
    # header invalid and the mail would never leave, so it is kept on one line here.
    message = EmailMultiAlternatives(
        single_line(subject).strip(), body, settings.DEFAULT_FROM_EMAIL, [to]
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@transaction.atomic
def time_zone_set(person: User, time_zone: str, *, version: int | None = None) -> User:
    """Show meeting times also in this zone to the person; refused when their account was
    saved elsewhere (another tab, the back office) after `version` was read."""
    locked = User.objects.select_for_update().get(pk=person.pk)
    versions.check_version(
        locked, version, fields=["time_zone"], what="profile", saving={"time_zone": time_zone}
    )
    locked.time_zone = time_zone
    locked.save(update_fields=["time_zone"])
    person.time_zone = time_zone
    return locked


# The moment a session was last confirmed as the person's own, as a POSIX timestamp: set
# at sign-in (portal.middleware.session_start) and when sessions_end_all keeps a session.
SESSION_CONFIRMED_AT = "portal_confirmed_at"


@transaction.atomic
def sessions_end_all(person: User, *, keep=None) -> User:
    """End every session of the person at its next request, but ``keep`` (a request's
    session, e.g. the one that just changed the password)."""
    locked = User.objects.select_for_update().get(pk=person.pk)
    now = timezone.now()
    locked.sessions_valid_from = now
    locked.save(update_fields=["sessions_valid_from"])
    person.sessions_valid_from = now
    if keep is not None:
        keep[SESSION_CONFIRMED_AT] = now.timestamp()
    return locked


# --- Password reset -------------------------------------------------------------------------


def password_reset_send(email: str, *, portal_url: str) -> int:
    """E-mail a link to choose a new password to each active account using this address;
    how many were sent. Run by the worker, so the page answers the same whoever asked."""
    sent = 0
    for person in PasswordResetForm().get_users(email):
        context = {
            "user": person,
            "portal_url": portal_url,
            "uid": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        }
        subject = loader.render_to_string("registration/password_reset_subject.txt", context)
        body = loader.render_to_string("registration/password_reset_email.html", context)
        email_send(subject, body, getattr(person, person.get_email_field_name()))
        sent += 1
    return sent


# --- Second factor ------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# An authenticator app's code: six digits, spaces allowed between them.
APP_CODE = re.compile(r"\d{6}")


def app_device(person: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=person, confirmed=True).order_by("-pk").first()


def uses_second_factor(person: User) -> bool:
    """Whether the person has a second factor set up (then they must pass it to sign in)."""
    return TOTPDevice.objects.filter(user=person, confirmed=True).exists()


def second_factor_start(person: User) -> TOTPDevice:
    """The authenticator app being set up: a new secret, kept unconfirmed until the person
    enters a code from it (the same one while they reload the page)."""
    device = TOTPDevice.objects.filter(user=person, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=APP_DEVICE_NAME, confirmed=False)
    return device


def second_factor_confirm(person: User, device: TOTPDevice, code: str) -> list[str]:
    """Take the app into use once it gives a right code; its fresh recovery codes, to be
    shown once. Any earlier app of the person stops working."""
    # A wrong code is counted (and makes the next try wait), so it is kept, not rolled back.
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=person)
        refusal = _code_refusal(device, code)
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
            codes = _recovery_codes_set(person)
    if refusal is not None:
        raise refusal
    return codes


@transaction.atomic
def recovery_codes_renew(person: User) -> list[str]:
    """New recovery codes for a person with a second factor; the earlier ones stop working."""
    if not uses_second_factor(person):
        raise ValidationError("Set up an authenticator app first.", code="no_second_factor")
    return _recovery_codes_set(person)


def _recovery_codes_set(person: User) -> list[str]:
    device, _ = StaticDevice.objects.select_for_update().get_or_create(
        user=person, defaults={"name": RECOVERY_DEVICE_NAME}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(person: User) -> int:
    """How many unused recovery codes the person has."""
    return StaticToken.objects.filter(device__user=person).count()


def second_factor_pass(person: User, code: str) -> TOTPDevice | StaticDevice:
    """The device that accepts the code: a code of the person's app, or one of their
    recovery codes (which then stops working). Wrong codes make the next try wait longer."""
    code = "".join(code.split()).lower()
    devices = (
        TOTPDevice.objects.filter(user=person, confirmed=True)
        if APP_CODE.fullmatch(code)
        else StaticDevice.objects.filter(user=person)
    )
    # A wrong code is counted (and makes the next try wait), so it is kept, not rolled back.
    with transaction.atomic():
        device = devices.select_for_update().order_by("-pk").first()
        refusal = _wrong_code() if device is None else _code_refusal(device, code)
    if refusal is not None:
        raise refusal
    return device


def _wrong_code() -> ValidationError:
    return ValidationError("That code is not right.", code="wrong_code")


def _code_refusal(device, code: str) -> ValidationError | None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return ValidationError(
            "Too many wrong codes: wait a moment, then try again "
            "(each wrong code doubles the wait).",
            code="throttled",
        )
    if not device.verify_token("".join(code.split()).lower()):
        return _wrong_code()
    return None


@transaction.atomic
def second_factor_remove(person: User, *, keep=None) -> None:
    """Stop asking the person for a second factor (their app and recovery codes removed);
    refused to anyone who must use one."""
    if permissions.must_use_second_factor(person):
        raise ValidationError(
            "Your role requires a second factor: it cannot be turned off.", code="required"
        )
    second_factor_reset(person, keep=keep)


@transaction.atomic
def second_factor_reset(person: User, *, keep=None) -> None:
    """Forget the person's authenticator app and recovery codes (a lost phone): one who
    must use a second factor sets up a new app at their next sign-in. Every session that
    passed the removed app ends, since a session's passing is read from the session alone."""
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    sessions_end_all(person, keep=keep)

"""Everything that changes an account or talks to its owner."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from portal import versions
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

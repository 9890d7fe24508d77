"""Everything that changes an account or talks to its owner."""

from django.conf import settings
from django.core.mail import EmailMessage


def email_send(subject: str, body: str, to: str) -> None:
    """Send one plain-text e-mail from the portal's address."""
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()

"""Addresses of the portal's pages for e-mails, which are sent without a request."""

from django.conf import settings


def absolute(path: str) -> str:
    """The page's full address, or "" when PORTAL_URL is not set."""
    return f"{settings.PORTAL_URL}{path}" if settings.PORTAL_URL else ""

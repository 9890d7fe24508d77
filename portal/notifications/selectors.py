"""Reads of a person's notifications, shared by the list and the header."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from portal.notifications.models import Notification


def notifications_of(person) -> QuerySet[Notification]:
    """The person's notifications, newest first."""
    return Notification.objects.filter(person=person).order_by("-created_at", "-pk")


def unread_count_subquery() -> Coalesce:
    """How many unread notifications the user row of the outer query has, as an expression
    to annotate the signed-in user with (the header's count, in the same query)."""
    unread = (
        Notification.objects.filter(person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(n=Count("pk", filter=Q(read_at__isnull=True)))
        .values("n")
    )
    return Coalesce(Subquery(unread), 0)

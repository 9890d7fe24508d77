"""Telling people things: in the portal's list of notifications, and by e-mail unless a
person chose the portal only for that kind. Who is told is never decided here: callers
pass the people that portal.permissions chose."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from portal import links
from portal.accounts.tasks import send_email
from portal.notifications.models import Notification, NotificationPreference


def emailed_kinds_off(people) -> set[tuple[int, str]]:
    """(person, kind) pairs for which the person chose the portal only."""
    return set(
        NotificationPreference.objects.filter(person__in=people, by_email=False).values_list(
            "person_id", "kind"
        )
    )


def notify(
    people: Iterable,
    kind: str,
    *,
    key: str,
    template: str,
    context: dict,
    link: str = "",
) -> list[Notification]:
    """Tell each person once per key: a notification in the portal, and an e-mail made
    from the template (``<template>_subject.txt``, ``<template>.txt``, ``<template>.html``)
    after the commit, unless they chose the portal only for this kind. A person already
    told under this key is not told again. Returns the notifications made now.

    The templates receive the context with ``person`` and ``page`` (the link's full
    address, or "" when the portal's address is not configured)."""
    people = [p for p in {p.pk: p for p in people}.values() if p.is_active]
    if not people:
        return []
    portal_only = emailed_kinds_off(people)
    page = links.absolute(link) if link else ""
    made = []
    for person in people:
        values = {**context, "person": person, "page": page}
        subject = " ".join(render_to_string(f"{template}_subject.txt", values).split())
        body = render_to_string(f"{template}.txt", values)
        by_email = bool(person.email) and (person.pk, kind) not in portal_only
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    person=person,
                    kind=kind,
                    key=key,
                    subject=subject[:300],
                    text=body.strip(),
                    link=link,
                    emailed_at=timezone.now() if by_email else None,
                )
        except IntegrityError:
            continue  # told already under this key
        made.append(notification)
        if by_email:
            html = render_to_string(f"{template}.html", values)
            send_email.delay_on_commit(subject, body, person.email, html)
    return made

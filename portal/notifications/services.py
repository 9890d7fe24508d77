"""Telling people things: in the portal's list of notifications, and by e-mail unless a
person chose the portal only for that kind. Who is told is never decided here: callers
pass the people that portal.permissions chose."""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal import links, permissions
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
    # A repeated run finds everyone told already in one query, and renders nothing.
    told = set(
        Notification.objects.filter(person__in=people, key=key).values_list("person_id", flat=True)
    )
    people = [p for p in people if p.pk not in told]
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


# --- Reading one's notifications ---------------------------------------------------------


def notification_read(notification: Notification) -> Notification:
    """Mark a notification read (the first time it is opened); its link is what to open."""
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_read_all(person) -> int:
    """Mark every unread notification of the person read; returns how many."""
    return Notification.objects.filter(person=person, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- How a person wants to be told --------------------------------------------------------


def preferences_of(person) -> dict[str, bool]:
    """For each kind of notification, whether the person is also told by e-mail."""
    chosen = dict(
        NotificationPreference.objects.filter(person=person).values_list("kind", "by_email")
    )
    return {kind: chosen.get(kind, True) for kind in Notification.Kind.values}


@transaction.atomic
def preferences_save(person, by_email: dict[str, bool]) -> None:
    """Record, for each kind given, whether the person is told by e-mail and in the portal
    (True) or in the portal only (False)."""
    unknown = set(by_email) - set(Notification.Kind.values)
    if unknown:
        raise ValueError(f"No such kind of notification: {', '.join(sorted(unknown))}")
    for kind, wanted in by_email.items():
        NotificationPreference.objects.update_or_create(
            person=person, kind=kind, defaults={"by_email": bool(wanted)}
        )


# --- The daily reminders -------------------------------------------------------------------


def daily_reminders_send(today: datetime.date | None = None) -> dict[str, int]:
    """Everything told once a day: the reminders of unanswered invitations, co-chair terms
    ending with no successor, and actions with no update for six months. Each is keyed so
    that a second run on the same day, or the next day for the same state, tells nobody
    again. Returns how many notifications of each were made (invitations reminded, for
    the reminders)."""
    from meetings import services as meeting_services

    today = today or timezone.localdate()
    return {
        "reminders": meeting_services.reminders_send(today),
        "terms_ending": terms_ending_tell(today),
        "stale_actions": stale_actions_tell(today),
    }


def terms_ending_tell(today: datetime.date) -> int:
    """Tell the secretariat of each co-chair term ending within six months with nobody to
    follow in the seat, once per term and planned end (a term extended is told again)."""
    from groups.selectors import terms_ending_without_successor

    terms = terms_ending_without_successor(today)
    if not terms:
        return 0
    people = permissions.secretariat_people()
    made = 0
    for term in terms:
        made += len(
            notify(
                people,
                Notification.Kind.TERM_ENDING,
                key=f"term-ending:{term.pk}:{term.planned_end_on.isoformat()}",
                template="notifications/email/term_ending",
                context={"term": term, "group": term.group},
                link=reverse("roster", args=[term.group.slug]),
            )
        )
    return made


def _stretches_without_update(last: datetime.date | None, today: datetime.date) -> int:
    """How many whole six-month stretches have passed since the last update (1 for an
    action never updated): a stale action is told again once each new stretch begins."""
    from workplans.selectors import STALE_AFTER_MONTHS, months_before

    if last is None:
        return 1
    stretches = 1
    # Bounded: an action last updated decades ago is told for the stretch it is in.
    while stretches < 200 and months_before(today, STALE_AFTER_MONTHS * (stretches + 1)) >= last:
        stretches += 1
    return stretches


def stale_actions_tell(today: datetime.date) -> int:
    """Tell the people of each stale action's lead members (the home's rule of "no update
    for six months", on adopted plans) once per six-month stretch without an update."""
    from workplans.models import Action, WorkPlan
    from workplans.selectors import stale

    actions = (
        stale(Action.objects.exclude(plan__status=WorkPlan.Status.DRAFT), today)
        .select_related("plan__group")
        .annotate(last_update=Max("updates__reported_on"))
        .order_by("pk")
    )
    made = 0
    for action in actions:
        last = action.last_update
        stretch = _stretches_without_update(last, today)
        key = f"action-stale:{action.pk}:{last.isoformat() if last else 'never'}:{stretch}"
        plan = action.plan
        made += len(
            notify(
                permissions.stale_action_recipients(action),
                Notification.Kind.ACTION_STALE,
                key=key,
                template="notifications/email/action_stale",
                context={"action": action, "plan": plan, "last_update": last},
                link=reverse("action_detail", args=[plan.group.slug, plan.slug, action.number]),
            )
        )
    return made

"""The rules of an agenda: when each item starts and ends, and keeping the order whole.

Positions are always exactly 1..n. The database refuses two items at one position at any
moment (the constraint is not deferrable), so every change of order first moves the items
it renumbers out of the way, then writes their final numbers, inside one transaction that
holds the meeting's row, so two officers' changes never interleave.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Meeting, Speaker
from portal import permissions, versions
from portal.notifications.models import Notification
from portal.notifications.services import notify

MIN_DURATION = 5
MAX_DURATION = 600
# Far above any real agenda's length: positions shifted by it never meet a real one.
_OUT_OF_THE_WAY = 1_000_000
_CHANGEABLE = ("title", "description", "duration_minutes", "fixed_start_at")


@dataclass
class ScheduledItem:
    """An agenda item with its number and its times in the meeting's zone."""

    item: AgendaItem
    number: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    overlaps_previous: bool
    # Whether this reader may see who speaks (``permissions.can_see_speakers``).
    speakers_named: bool = False

    @property
    def speaker_count(self) -> int:
        return len(getattr(self.item, "speaker_list", ()))

    @property
    def speakers(self) -> list[str]:
        """The speakers as "Name (Affiliation)", or none when they are not to be named."""
        if not self.speakers_named:
            return []
        return [speaker_label(s) for s in getattr(self.item, "speaker_list", ())]

    @property
    def speakers_unnamed(self) -> str:
        """How many speak, in words ("2 speakers"), for a reader who may not see who."""
        return speakers_counted(self.speaker_count)


def speaker_label(speaker: Speaker) -> str:
    """A speaker as an agenda names them: "Name (Affiliation)"."""
    name = speaker.display_name
    return f"{name} ({speaker.affiliation})" if speaker.affiliation else name


def speakers_counted(count: int) -> str:
    """How many speak, in words: "1 speaker", "2 speakers"; empty for none."""
    if not count:
        return ""
    return f"{count} speaker{'' if count == 1 else 's'}"


def schedule(
    meeting: Meeting, items: Iterable[AgendaItem], *, speakers_named: bool = False
) -> list[ScheduledItem]:
    """Items in order, numbered from 1; each starts when the previous ends unless fixed.

    Times are in the meeting's own time zone. An item fixed to start before the previous
    one ends is flagged, so the secretariat sees the clash. The speakers are named only
    when ``speakers_named`` says this reader may see them (``permissions.can_see_speakers``).
    """
    zone = meeting.zone
    clock = meeting.starts_at.astimezone(zone)
    scheduled = []
    for number, item in enumerate(sorted(items, key=lambda i: i.position), start=1):
        fixed = item.fixed_start_at.astimezone(zone) if item.fixed_start_at else None
        starts = fixed or clock
        ends = starts + datetime.timedelta(minutes=item.duration_minutes)
        scheduled.append(
            ScheduledItem(
                item,
                number,
                starts,
                ends,
                bool(fixed and number > 1 and fixed < clock),
                speakers_named=speakers_named,
            )
        )
        clock = ends
    return scheduled


def items_with_speakers(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's items in order with their speakers (and the speakers' people)."""
    speakers = Speaker.objects.select_related("person").order_by("pk")
    return list(
        meeting.agenda_items.order_by("position").prefetch_related(
            Prefetch("speakers", speakers, to_attr="speaker_list")
        )
    )


# --- Changing the agenda ------------------------------------------------------------


def _locked_items(meeting: Meeting) -> list[AgendaItem]:
    """Hold the meeting's row for the rest of the transaction; its items in order."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk").get()
    return list(meeting.agenda_items.order_by("position"))


def _write_positions(numbered: Iterable[tuple[int, AgendaItem]]) -> None:
    """Give each item its number, moving those that change out of the way first."""
    changing = [(number, item) for number, item in numbered if item.position != number]
    if not changing:
        return
    AgendaItem.objects.filter(pk__in=[item.pk for _, item in changing]).update(
        position=F("position") + _OUT_OF_THE_WAY
    )
    for number, item in changing:
        item.position = number
        item.save(update_fields=["position"])


def _check(meeting: Meeting, values: dict) -> dict:
    """The item's values made plain, or ValidationError keyed by field."""
    errors = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = "Give the agenda item a title."
    duration = values.get("duration_minutes")
    if duration is None or not MIN_DURATION <= duration <= MAX_DURATION:
        errors["duration_minutes"] = (
            f"Give a duration from {MIN_DURATION} to {MAX_DURATION} minutes."
        )
    fixed = values.get("fixed_start_at")
    if fixed is not None:
        zone = meeting.zone
        if timezone.is_naive(fixed):
            fixed = fixed.replace(tzinfo=zone)
        first = meeting.starts_at.astimezone(zone).date()
        last = meeting.ends_at.astimezone(zone).date()
        if not first <= fixed.astimezone(zone).date() <= last:
            days = f"{first:%-d %B %Y}" + ("" if first == last else f" to {last:%-d %B %Y}")
            errors["fixed_start_at"] = (
                f"A fixed start must fall within the meeting's dates ({days}, "
                f"{meeting.time_zone} time)."
            )
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": (values.get("description") or "").strip(),
        "duration_minutes": duration,
        "fixed_start_at": fixed,
    }


def _tell(meeting: Meeting, what: str, occasion: str) -> None:
    """Tell the invited who may see the agenda that it was published or changed (who, in
    portal.permissions), once per occasion: its publication, or the day of a change."""
    notify(
        permissions.agenda_recipients(meeting),
        Notification.Kind.AGENDA,
        key=f"agenda-{what}:{meeting.pk}:{occasion}",
        template=f"meetings/email/agenda_{what}",
        context={"meeting": meeting},
        link=reverse("meeting_detail", args=[meeting.pk]),
    )


def _changed(meeting: Meeting) -> None:
    """A change to a published agenda is told at most once a day to each person: the
    first change of the day tells them to read it, the later ones would only repeat it."""
    if meeting.agenda_published_at is not None:
        _tell(meeting, "changed", timezone.localdate().isoformat())


def _out_of_range(position, highest: int) -> ValidationError:
    allowed = "the only one is 1" if highest == 1 else f"choose one from 1 to {highest}"
    message = f"There is no position {position} on this agenda: {allowed}."
    return ValidationError({"position": message})


def item_add(
    meeting: Meeting,
    *,
    title: str,
    description: str = "",
    duration_minutes: int = 30,
    fixed_start_at: datetime.datetime | None = None,
    position: int | None = None,
) -> AgendaItem:
    """Add an item at the end of the agenda, or at a position, moving the rest down."""
    values = _check(
        meeting,
        {
            "title": title,
            "description": description,
            "duration_minutes": duration_minutes,
            "fixed_start_at": fixed_start_at,
        },
    )
    with transaction.atomic():
        items = _locked_items(meeting)
        if position is None:
            position = len(items) + 1
        if not 1 <= position <= len(items) + 1:
            raise _out_of_range(position, len(items) + 1)
        after = items[position - 1 :]
        _write_positions(enumerate(after, start=position + 1))
        item = AgendaItem(meeting=meeting, position=position, **values)
        item.full_clean(validate_unique=False, validate_constraints=False)
        item.save()
        _changed(meeting)
    return item


def item_update(item: AgendaItem, *, version: int | None = None, **fields) -> AgendaItem:
    """Change an item's title, description, duration or fixed start (not its position);
    refused when someone saved the item after `version` was read."""
    unknown = set(fields) - set(_CHANGEABLE)
    if unknown:
        raise TypeError(f"item_update cannot change {', '.join(sorted(unknown))}; use item_move.")
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
        versions.check_version(locked, version, fields=_CHANGEABLE, saving=fields)
        current = {name: getattr(locked, name) for name in _CHANGEABLE}
        values = _check(item.meeting, current | fields)
        for name in _CHANGEABLE:
            setattr(item, name, values[name])
        item.full_clean(validate_unique=False, validate_constraints=False)
        item.save(update_fields=list(_CHANGEABLE))
        _changed(item.meeting)
    return item


def item_delete(item: AgendaItem) -> None:
    """Remove an item; the items after it move up so the numbers stay 1..n."""
    with transaction.atomic():
        items = [i for i in _locked_items(item.meeting) if i.pk != item.pk]
        AgendaItem.objects.filter(pk=item.pk).delete()
        _write_positions(enumerate(items, start=1))
        _changed(item.meeting)


def item_move(item: AgendaItem, to_position: int) -> AgendaItem:
    """Put an item at another position (1..n); the items in between shift by one."""
    with transaction.atomic():
        items = _locked_items(item.meeting)
        current = next((i for i in items if i.pk == item.pk), None)
        if current is None:
            raise ValidationError("This agenda item no longer exists.")
        if not 1 <= to_position <= len(items):
            raise _out_of_range(to_position, len(items))
        items.remove(current)
        items.insert(to_position - 1, current)
        _write_positions(enumerate(items, start=1))
        _changed(item.meeting)
    item.position = to_position
    return item


def speaker_add(item: AgendaItem, *, person=None, name: str = "", affiliation: str = "") -> Speaker:
    """A speaker to an item: a person of the portal, or a free name with an affiliation."""
    name, affiliation = (name or "").strip(), (affiliation or "").strip()
    if person is None and not name:
        raise ValidationError({"person": "Choose a person of the portal or type a name."})
    if person is not None and name:
        raise ValidationError({"name": "Choose a person or type a name, not both."})
    if person is not None and not affiliation and person.affiliation_id:
        affiliation = person.affiliation.display_name
    speaker = Speaker(item=item, person=person, name=name, affiliation=affiliation)
    speaker.full_clean()
    speaker.save()
    _changed(item.meeting)
    return speaker


def speaker_remove(speaker: Speaker) -> None:
    """Take a speaker off an item; the history keeps who was listed."""
    speaker.delete()
    _changed(speaker.item.meeting)


def agenda_publish(meeting: Meeting) -> Meeting:
    """Members of the group see the agenda from now on."""
    if not meeting.agenda_items.exists():
        raise ValidationError("Add at least one agenda item before publishing the agenda.")
    if meeting.agenda_published_at is None:
        meeting.agenda_published_at = timezone.now()
        meeting.save(update_fields=["agenda_published_at"])
        _tell(meeting, "published", meeting.agenda_published_at.isoformat())
    return meeting


def agenda_unpublish(meeting: Meeting) -> Meeting:
    """Back to a draft: only the secretariat and the co-chairs see it."""
    if meeting.agenda_published_at is not None:
        meeting.agenda_published_at = None
        meeting.save(update_fields=["agenda_published_at"])
    return meeting

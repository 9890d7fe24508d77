"""The rules of an agenda: when each item starts and ends, and keeping the order whole."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from meetings.models import AgendaItem, Meeting


@dataclass
class ScheduledItem:
    """An agenda item with its number and its times in the meeting's zone."""

    item: AgendaItem
    number: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    overlaps_previous: bool


def schedule(meeting: Meeting, items: Iterable[AgendaItem]) -> list[ScheduledItem]:
    """Items in order, numbered from 1; each starts when the previous ends unless fixed.

    Times are in the meeting's own time zone. An item fixed to start before the previous
    one ends is flagged, so the secretariat sees the clash.
    """
    zone = meeting.zone
    clock = meeting.starts_at.astimezone(zone)
    scheduled = []
    for number, item in enumerate(sorted(items, key=lambda i: i.position), start=1):
        fixed = item.fixed_start_at.astimezone(zone) if item.fixed_start_at else None
        starts = fixed or clock
        ends = starts + datetime.timedelta(minutes=item.duration_minutes)
        scheduled.append(
            ScheduledItem(item, number, starts, ends, bool(fixed and number > 1 and fixed < clock))
        )
        clock = ends
    return scheduled

"""Loading demo data without fighting the people who use it.

Each demo row is known by a natural key (a slug, a group and a number, a meeting's first
title). The loader creates a row only when no row ever had that key: once created, a row
belongs to the people who use the portal, and the loader never changes or deletes it. A
row whose key was changed since (a meeting renamed, an agenda item moved) is found again
through its history, and a row a person deleted stays deleted.
"""

import datetime
import zoneinfo

from django.db import models


def find(model: type[models.Model], **key) -> tuple[bool, models.Model | None]:
    """Whether a row ever had ``key``, and that row today (None once a person deleted it)."""
    row = model.objects.filter(**key).first()
    if row is not None:
        return True, row
    history = getattr(model, "history", None)
    if history is None:
        return False, None
    # The earliest record under the key is the row the demo created, whatever it is now.
    past = history.filter(**key).order_by("history_date", "history_id").first()
    if past is None:
        return False, None
    return True, model.objects.filter(pk=getattr(past, model._meta.pk.attname)).first()


def ensure(
    model: type[models.Model], key: dict, *, many: dict | None = None, **values
) -> models.Model | None:
    """The demo row known by ``key``, created with ``values`` (and the many-to-many
    ``many``) only when it never existed; None when a person has deleted it."""
    existed, row = find(model, **key)
    if existed:
        return row
    row = model.objects.create(**key, **values)
    for field, items in (many or {}).items():
        getattr(row, field).set(items)
    return row


def local(day: datetime.date, hour: int, zone: str) -> datetime.datetime:
    """An aware datetime at the given hour of a day in a time zone."""
    return datetime.datetime.combine(day, datetime.time(hour), zoneinfo.ZoneInfo(zone))

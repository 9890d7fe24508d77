"""Loading demo data idempotently: a second run finds everything in place and writes nothing."""

import datetime
import zoneinfo

from django.db import models


def upsert(model: type[models.Model], lookup: dict, **values) -> models.Model:
    """The row matching ``lookup``, created or brought up to ``values``; saved only on change."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def set_many(obj: models.Model, field: str, items) -> None:
    """Set a many-to-many field only when its content differs."""
    manager = getattr(obj, field)
    wanted = {item.pk for item in items}
    if set(manager.values_list("pk", flat=True)) != wanted:
        manager.set(items)


def local(day: datetime.date, hour: int, zone: str) -> datetime.datetime:
    """An aware datetime at the given hour of a day in a time zone."""
    return datetime.datetime.combine(day, datetime.time(hour), zoneinfo.ZoneInfo(zone))

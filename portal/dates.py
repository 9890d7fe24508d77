"""The dates the portal accepts: years 1900 to 2100, wherever a date enters.

A date far outside the working groups' life is a typing mistake, and one near the ends of
Python's calendar (year 1 or 9999) cannot even be converted between time zones, so a page
that reads it back would fail. Forms refuse such dates beside their field and the services
refuse them again, so that no path stores one.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
DATE_RANGE_MESSAGE = f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}."
DATE_RANGE_CODE = "date_out_of_range"
YEAR_RANGE_MESSAGE = f"Enter a year between {EARLIEST_YEAR} and {LATEST_YEAR}."


# Instants that are a real date in every time zone (zones lie within 14 hours of UTC), with
# a margin: a stored meeting outside them was saved before dates were bounded.
SHOWABLE_FROM = datetime.datetime(EARLIEST_YEAR - 1, 12, 30, tzinfo=datetime.UTC)
SHOWABLE_UNTIL = datetime.datetime(LATEST_YEAR + 1, 1, 2, tzinfo=datetime.UTC)


def showable(queryset, *fields: str):
    """The rows of a queryset whose instants in these fields every page can show: rows
    saved before dates were bounded (year 1, 9999) are left out."""
    return queryset.filter(**{f"{name}__range": (SHOWABLE_FROM, SHOWABLE_UNTIL) for name in fields})


def is_showable(*instants: datetime.datetime | None) -> bool:
    """Whether every page can show these stored instants (see ``showable``)."""
    return all(v is None or SHOWABLE_FROM <= v <= SHOWABLE_UNTIL for v in instants)


def in_range(value: datetime.date | datetime.datetime | None) -> bool:
    """Whether a date, or a datetime in the zone it was typed in, falls in 1900-2100."""
    return value is None or EARLIEST_YEAR <= value.year <= LATEST_YEAR


def check_date(value: datetime.date | datetime.datetime | None) -> None:
    """A validator: refuse a date or datetime outside 1900-2100 with the message that says so.

    For a datetime, pass it in the zone its year matters in (a meeting's own zone)."""
    if not in_range(value):
        raise ValidationError(DATE_RANGE_MESSAGE, code=DATE_RANGE_CODE)


def year_in_range(year: int) -> bool:
    """Whether a year (of a page's address or query) is one the portal has dates in."""
    return EARLIEST_YEAR <= year <= LATEST_YEAR


def check_year(value: int | None) -> None:
    """A validator: refuse a year outside 1900-2100 with the message that says so."""
    if value is not None and not year_in_range(value):
        raise ValidationError(YEAR_RANGE_MESSAGE, code=DATE_RANGE_CODE)


_RANGE_ATTRS = {
    "date": (f"{EARLIEST_YEAR}-01-01", f"{LATEST_YEAR}-12-31"),
    "datetime-local": (f"{EARLIEST_YEAR}-01-01T00:00", f"{LATEST_YEAR}-12-31T23:59"),
}


def _range_attrs(widget: forms.Widget) -> dict[str, str]:
    """The browser picker's own min and max, so the bound shows before a round trip."""
    bounds = _RANGE_ATTRS.get(getattr(widget, "input_type", None))
    return {"min": bounds[0], "max": bounds[1]} if bounds else {}


class DateField(forms.DateField):
    """A date field that accepts years 1900 to 2100 and says so."""

    default_validators = [check_date]

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), **_range_attrs(widget)}


class DateTimeField(forms.DateTimeField):
    """A date and time field that accepts years 1900 to 2100 (as typed) and says so."""

    default_validators = [check_date]

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), **_range_attrs(widget)}


class YearField(forms.IntegerField):
    """A year (of a search, of a report) from 1900 to 2100; any other number is a form error."""

    default_validators = [check_year]

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "min": EARLIEST_YEAR, "max": LATEST_YEAR}


def bound_dates(form: forms.BaseForm) -> None:
    """Give every date and datetime field of a form (a ModelForm's too) the 1900-2100 bound."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField | forms.DateTimeField):
            if check_date not in field.validators:
                field.validators.append(check_date)
            field.widget.attrs.update(_range_attrs(field.widget))

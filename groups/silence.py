"""The clock of a silence procedure: its notice, and its deadline read in each zone."""

import datetime
import zoneinfo

# The shortest notice members get to read a text and object to it.
MIN_NOTICE = datetime.timedelta(hours=72)
MIN_NOTICE_TEXT = "at least 72 hours"


def in_zone(moment: datetime.datetime, zone_name: str) -> datetime.datetime:
    """The moment as a clock in that zone shows it (the zone's name is trusted valid)."""
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name))


def wall_clock(moment: datetime.datetime, zone_name: str) -> datetime.datetime:
    """The moment as that zone's clock shows it, without its zone: templates show it as is,
    not converted to the portal's zone."""
    return in_zone(moment, zone_name).replace(tzinfo=None)


def fmt(moment: datetime.datetime, zone_name: str) -> str:
    """ "17:00 on Friday 4 December 2026 (Asia/Bangkok)": a deadline read in a zone."""
    local = in_zone(moment, zone_name)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y} ({zone_name})"


def adopted_on(deadline: datetime.datetime, zone_name: str) -> datetime.date:
    """The day of adoption: the deadline's date where it was set."""
    return in_zone(deadline, zone_name).date()


def adoption_label(day: datetime.date) -> str:
    """The words the record keeps: "Adopted by silence procedure on 4 December 2026"."""
    return f"Adopted by silence procedure on {day.day} {day:%B %Y}"

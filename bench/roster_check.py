"""How long the co-chair rules take on a long roster (no database needed).

DJANGO_SETTINGS_MODULE=portal.settings_test python bench/roster_check.py
"""

import datetime
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django  # noqa: E402

django.setup()

from groups import roster  # noqa: E402
from groups.models import CoChairTerm, Member, WorkingGroup  # noqa: E402
from meetings.models import Meeting  # noqa: E402


def long_roster(years: int) -> tuple[WorkingGroup, list[CoChairTerm]]:
    """A group whose seats rotate every year in turn for the given number of years."""
    group = WorkingGroup(pk=1, short_name="WG-BENCH", co_chair_max_years=2)
    som = Meeting(
        pk=1,
        kind=Meeting.Kind.SOM,
        title="SOM",
        starts_at=datetime.datetime(1999, 1, 1, tzinfo=datetime.UTC),
        time_zone="UTC",
    )
    terms = []
    for year in range(years):
        member = Member(pk=year + 1, name=f"Member {year}", ahg_joined_on=datetime.date(1990, 1, 1))
        start = datetime.date(2000 + year, 1 if year % 2 else 7, 1)
        terms.append(
            CoChairTerm(
                group=group,
                member=member,
                seat=1 + year % 2,
                starts_on=start,
                planned_end_on=roster.last_day_of_tenure(start, 2),
                decided_at=som,
            )
        )
    return group, terms


if __name__ == "__main__":
    for years in (10, 50, 200):
        group, terms = long_roster(years)
        runs = 20
        seconds = timeit.timeit(
            lambda group=group, terms=terms: roster.check(group, terms, datetime.date(2010, 1, 1)),
            number=runs,
        )
        print(f"{years:4d} terms: {seconds / runs * 1000:8.2f} ms per check")

"""How fast the long lists answer with twenty groups and ten years of data: the action list
(unfiltered and filtered) side by side with the back office's change list of the same
actions, the meeting list and the personal calendar feed.

DJANGO_SETTINGS_MODULE=portal.settings_test python bench/lists.py

Runs on a throw-away SQLite database in a temporary folder; prints the median of several
requests made with the test client, the queries and the size of each answer.
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
folder = tempfile.mkdtemp(prefix="portal-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from groups.models import Member, Participation, WorkingGroup  # noqa: E402
from meetings import calendar  # noqa: E402
from meetings.models import Meeting  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from workplans.models import Action, ProgressUpdate, WorkPlan  # noqa: E402

GROUPS = 20
YEARS = 10
# A plan covers three years: four plans over ten years, the last adopted.
PLAN_YEARS = 3
ACTIONS_PER_PLAN = 40
UPDATES_PER_ACTION = 4
MEETINGS_PER_YEAR = 3
REQUESTS = 7
STATUSES = Action.Status.values


def ten_years_of_data() -> tuple[User, User]:
    """Twenty groups with ten years of plans, actions, updates and meetings; returns the
    secretariat and an expert taking part in three groups."""
    today = timezone.localdate()
    first_year = today.year - YEARS + 1
    members = Member.objects.bulk_create(
        [
            Member(name=f"State {n:02d}", slug=f"state-{n}", kind=Member.Kind.STATE, country="TH")
            for n in range(45)
        ]
    )
    groups = WorkingGroup.objects.bulk_create(
        [
            WorkingGroup(
                name=f"Working Group {n:02d}",
                short_name=f"WG-{n:02d}",
                slug=f"wg-{n}",
                established_on=datetime.date(first_year, 1, 1),
            )
            for n in range(GROUPS)
        ]
    )
    secretariat = User.objects.create(
        username="secretariat", is_secretariat=True, is_staff=True, is_superuser=True
    )
    expert = User.objects.create(username="expert", affiliation=members[0])
    Participation.objects.bulk_create(
        [
            Participation(
                person=expert, group=group, member=members[0], started_on=datetime.date(2015, 1, 1)
            )
            for group in groups[:3]
        ]
    )
    plans = []
    for group in groups:
        for start in range(first_year, today.year + 1, PLAN_YEARS):
            latest = start + PLAN_YEARS > today.year
            plans.append(
                WorkPlan(
                    group=group,
                    title=f"Forward Work Plan {start}-{start + PLAN_YEARS - 1}",
                    period=f"{start}-{str(start + PLAN_YEARS - 1)[2:]}",
                    slug=f"{start}",
                    status=WorkPlan.Status.ADOPTED if latest else WorkPlan.Status.SUPERSEDED,
                )
            )
    plans = WorkPlan.objects.bulk_create(plans)
    actions = Action.objects.bulk_create(
        [
            Action(
                plan=plan,
                number=number,
                description=f"Deliver regional output {number} of {plan.title} with members.",
                status=STATUSES[number % len(STATUSES)],
                target_period=plan.period,
            )
            for plan in plans
            for number in range(1, ACTIONS_PER_PLAN + 1)
        ]
    )
    Action.lead_members.through.objects.bulk_create(
        [
            Action.lead_members.through(action=action, member=members[n % len(members)])
            for n, action in enumerate(actions)
        ]
    )
    ProgressUpdate.objects.bulk_create(
        [
            ProgressUpdate(
                action=action,
                reported_on=datetime.date(int(action.plan.slug), 3 * k + 1, 15),
                text=f"Progress on output {action.number}, quarter {k + 1}.",
                author=secretariat,
            )
            for action in actions
            for k in range(UPDATES_PER_ACTION)
        ]
    )
    meetings = []
    for group in groups:
        for year in range(first_year, today.year + 2):
            for k in range(MEETINGS_PER_YEAR):
                starts = timezone.make_aware(datetime.datetime(year, 4 * k + 2, 10, 9))
                meetings.append(
                    Meeting(
                        kind=Meeting.Kind.WORKING_GROUP,
                        group=group,
                        title=f"Meeting {k + 1} of {group.short_name} in {year}",
                        starts_at=starts,
                        ends_at=starts + datetime.timedelta(hours=8),
                        time_zone="Asia/Bangkok",
                        status=Meeting.Status.HELD,
                    )
                )
    bulk_create_with_history(meetings, Meeting)
    return secretariat, expert


def measure(client: Client, url: str) -> tuple[float, int, int]:
    """Median milliseconds over several requests (after one to warm up), the queries and
    the size of one answer."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    size = len(b"".join(response)) if response.streaming else len(response.content)
    return statistics.median(times), len(queries), size


if __name__ == "__main__":
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    secretariat, expert = ten_years_of_data()
    print(
        f"{GROUPS} groups, {WorkPlan.objects.count()} plans, {Action.objects.count()} actions, "
        f"{ProgressUpdate.objects.count()} updates, {Meeting.objects.count()} meetings "
        f"(made in {time.perf_counter() - started:.0f}s)"
    )
    staff, person = Client(), Client()
    staff.force_login(secretariat)
    person.force_login(expert)
    rows = [
        ("action list, secretariat", staff, "/actions/"),
        ("back office actions", staff, "/admin/workplans/action/"),
        ("action list, ongoing", staff, "/actions/?status=ongoing"),
        ("back office, ongoing", staff, "/admin/workplans/action/?status__exact=ongoing"),
        ("action list, search", staff, "/actions/?q=output+7"),
        ("back office, search", staff, "/admin/workplans/action/?q=output+7"),
        ("action list, page 40", staff, "/actions/?page=40"),
        ("action list, expert", person, "/actions/"),
        ("meeting list, secretariat", staff, "/meetings/"),
        ("meeting list, expert", person, "/meetings/"),
    ]
    for who, user in [("secretariat", secretariat), ("expert", expert)]:
        url = f"/calendar/{calendar.feed_create(user).token}.ics"
        rows.append((f"calendar feed, {who}", Client(), url))
    print(f"{'request':<28} {'median':>9} {'queries':>8} {'size':>8}")
    for name, client, url in rows:
        median, queries, size = measure(client, url)
        print(f"{name:<28} {median:7.1f}ms {queries:8d} {size / 1024:6.0f}KB")
    print(f"({time.perf_counter() - started:.0f}s in all)")

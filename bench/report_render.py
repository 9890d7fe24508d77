"""How long an annual report takes to assemble and to render as a PDF, and how many
queries the assembly makes, as a group's work plan grows.

DJANGO_SETTINGS_MODULE=portal.settings_test python bench/report_render.py

Runs on a throw-away SQLite database in a temporary folder.
"""

import datetime
import os
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from groups.models import CoChairTerm, Member, WorkingGroup  # noqa: E402
from meetings.models import Meeting, Outcome  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from reports import assembly, pdf  # noqa: E402
from reports.models import Report  # noqa: E402
from workplans.models import Action, ProgressUpdate, WorkPlan  # noqa: E402

STATUSES = Action.Status.values


def group_with_actions(count: int, author: User) -> Report:
    """A group whose 2016 plan has `count` actions with three updates each, and whose
    2016 meetings recorded a dozen outcomes."""
    group = WorkingGroup.objects.create(
        short_name=f"WG-{count}", slug=f"wg-{count}", name=f"Working Group {count}"
    )
    members = [
        Member.objects.create(
            name=f"Organisation {count}-{i}", slug=f"org-{count}-{i}", kind=Member.Kind.ORGANISATION
        )
        for i in range(10)
    ]
    for seat, member in enumerate(members[:2], start=1):
        CoChairTerm.objects.create(
            group=group,
            member=member,
            seat=seat,
            starts_on=datetime.date(2015, 1, 1),
            planned_end_on=datetime.date(2016, 12, 31),
        )
    plan = WorkPlan.objects.create(
        group=group,
        title="Forward Work Plan 2015-17",
        period="2015-17",
        slug="2015-17",
        status=WorkPlan.Status.ADOPTED,
    )
    for number in range(1, count + 1):
        action = Action.objects.create(
            plan=plan,
            number=number,
            description=f"Deliver the regional output number {number} with the members.",
            status=STATUSES[number % len(STATUSES)],
            target_period="2016/17",
        )
        action.lead_members.add(members[number % 10])
        for month in (3, 6, 9):
            ProgressUpdate.objects.create(
                action=action,
                reported_on=datetime.date(2016, month, 1),
                text=f"Progress reported in month {month} on output {number}.",
                author=author,
            )
    for day in (5, 6):
        starts = timezone.make_aware(datetime.datetime(2016, 5, day, 9))
        meeting = Meeting.objects.create(
            kind=Meeting.Kind.WORKING_GROUP,
            group=group,
            title=f"Meeting of {group.short_name} on {day} May",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=8),
            status=Meeting.Status.HELD,
        )
        for number in range(1, 7):
            Outcome.objects.create(meeting=meeting, number=number, text=f"Outcome {number}.")
    return Report.objects.create(group=group, kind=Report.Kind.ANNUAL, year=2016)


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    author = User.objects.create(username="secretariat", is_secretariat=True)
    print(f"{'actions':>8} {'queries':>8} {'assemble':>10} {'render':>10} {'PDF':>9}")
    for count in (20, 100, 400):
        report = group_with_actions(count, author)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            content = assembly.report_content(report)
            assembled = time.perf_counter() - started
        started = time.perf_counter()
        data = pdf.report_pdf(report, content)
        rendered = time.perf_counter() - started
        print(
            f"{count:8d} {len(queries):8d} {assembled * 1000:8.1f}ms {rendered:9.2f}s"
            f" {len(data) / 1024:7.0f}KB"
        )

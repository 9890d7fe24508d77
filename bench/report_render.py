"""How long an annual report takes to assemble and to print, against bare WeasyPrint on the
same HTML and stylesheets, for a group with 300 actions and 20 meetings.

DJANGO_SETTINGS_MODULE=portal.settings_test python bench/report_render.py

The portal lays the body out once, counts its pages and, for a long report, lays out a
small cover and contents and puts them in front; bare WeasyPrint writes the same body HTML
in one call (with and without the tagging for PDF/UA the portal asks for). The merge must
stay within 1.2× of bare WeasyPrint with the same tagging. Median of 5 runs after one to
warm up, run in turns. Runs on a throw-away SQLite database in a temporary folder.
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
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.urls import path2url  # noqa: E402

from groups.models import CoChairTerm, Member, WorkingGroup  # noqa: E402
from meetings.models import Attendance, Meeting, Outcome  # noqa: E402
from portal import pdf as portal_pdf  # noqa: E402
from portal.accounts.models import User  # noqa: E402
from reports import assembly, pdf  # noqa: E402
from reports.models import Report  # noqa: E402
from workplans.models import Action, ProgressUpdate, WorkPlan  # noqa: E402

STATUSES = Action.Status.values
ACTIONS, MEETINGS, RUNS = 300, 20, 5
WITHIN = 1.2


def group_with_actions(count: int, meetings: int, author: User) -> Report:
    """A group whose 2016 plan has `count` actions with a status note and three updates
    each, and `meetings` meetings in 2016 with eight members attending and six outcomes."""
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
            status_note=f"Output {number} is on track for the annual meeting.",
            target_period="2016/17",
        )
        action.lead_members.add(members[number % 10])
        action.funding_members.add(members[(number + 1) % 10])
        for month in (3, 6, 9):
            ProgressUpdate.objects.create(
                action=action,
                reported_on=datetime.date(2016, month, 1),
                text=f"Progress reported in month {month} on output {number}.",
                author=author,
            )
    for day in range(1, meetings + 1):
        starts = timezone.make_aware(datetime.datetime(2016, 1 + day % 12, 1 + day, 9))
        meeting = Meeting.objects.create(
            kind=Meeting.Kind.WORKING_GROUP,
            group=group,
            title=f"Meeting {day} of {group.short_name}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=8),
            status=Meeting.Status.HELD,
        )
        for member in members[:8]:
            Attendance.objects.create(meeting=meeting, member=member)
        for number in range(1, 7):
            Outcome.objects.create(meeting=meeting, number=number, text=f"Outcome {number}.")
    return Report.objects.create(group=group, kind=Report.Kind.ANNUAL, year=2016)


def medians(works: dict) -> dict:
    """The median seconds of each piece of work, run in turns (the machine is shared: a
    busy moment then falls on all of them alike)."""
    times = {name: [] for name in works}
    for round_ in range(RUNS + 1):
        for name, work in works.items():
            started = time.perf_counter()
            work()
            if round_:  # the first round warms up
                times[name].append(time.perf_counter() - started)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    author = User.objects.create(username="secretariat", is_secretariat=True)
    report = group_with_actions(ACTIONS, MEETINGS, author)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        content = assembly.report_content(report)
        assembled = time.perf_counter() - started
    html = render_to_string(pdf.TEMPLATE, pdf._context(report, content, preview=False))
    static = portal_pdf.static_folder()

    def bare(**options):
        return HTML(string=html, base_url=path2url(static)).write_pdf(**options)

    pages = len(portal_pdf.layout(html).pages)
    seconds = medians(
        {
            "portal": lambda: pdf.report_pdf(report, content),
            "tagged": lambda: bare(pdf_variant=portal_pdf.PDF_VARIANT, pdf_tags=True),
            "plain": bare,
        }
    )
    portal, tagged, plain = seconds["portal"], seconds["tagged"], seconds["plain"]
    size = len(pdf.report_pdf(report, content)) / 1024
    print(f"{ACTIONS} actions, {MEETINGS} meetings: {pages} body pages, {size:.0f} KB")
    print(f"assembly: {len(queries)} queries, {assembled * 1000:.0f} ms")
    print(f"portal (body, cover and contents, merged): {portal:6.2f} s")
    print(f"bare WeasyPrint, tagged PDF/UA as the portal: {tagged:6.2f} s")
    print(f"bare WeasyPrint, untagged: {plain:6.2f} s")
    ratio = portal / tagged
    print(f"portal / bare tagged: {ratio:.2f}× (at most {WITHIN}×)")
    sys.exit(0 if ratio <= WITHIN else 1)

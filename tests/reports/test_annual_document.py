"""The annual report and the outcome record as documents a Steering Group accepts: the
year-end facts of every action, the members that attended each meeting (never a person),
the roster ahead, an approval block; a title block or, for a long report, a cover and
contents with the right page numbers; and no heading alone at the foot of a page. The real
assembly and renderer are used here (the fakes of this folder's conftest are switched off)."""

import datetime
import io
import re

import pypdf
import pytest
from django.utils import timezone

from groups.models import Member
from meetings import services as meeting_services
from meetings.models import Meeting, Outcome
from portal import pdf as portal_pdf
from reports import assembly, pdf, selectors
from reports.models import Approval, Report
from tests import printed
from tests.factories import (
    ActionFactory,
    CoChairTermFactory,
    MemberFactory,
    NominationFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    approved_outcome_record,
    held_chatham_house_meeting,
    participant,
)
from workplans.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendering():
    """The real assembly and renderer, not the fakes the approval tests use."""
    return None


def pages_text(data: bytes) -> list[str]:
    """Each page's words, with the line breaks of table cells read as spaces."""
    return [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(data)).pages
    ]


def words(text: str) -> str:
    return " ".join(text.split())


def printed_report(report: Report) -> tuple[dict, bytes, str]:
    """The content the report shows, its PDF and the HTML of its body."""
    content = selectors.content_to_show(report)
    return content, pdf.report_pdf(report, content), pdf.report_html(report, content, preview=False)


# --- The demo's WG-TIP 2016 annual report ---------------------------------------------


@pytest.fixture
def tip_2016(demo):
    return Report.objects.get(
        group__short_name="WG-TIP", kind=Report.Kind.ANNUAL, year=2016, meeting=None
    )


def test_the_demo_annual_report_states_each_action_as_the_year_ended(tip_2016):
    content, data, _ = printed_report(tip_2016)
    assert content["format"] == assembly.FORMAT
    text = " ".join(pages_text(data))
    actions = [a for group in content["actions_by_status"] for a in group["actions"]]
    assert len(actions) == 10
    for action in actions:
        assert action["status_note"], action["number"]
        assert words(action["status_note"]) in text
    # Action 3 was endorsed in May 2015: its note says so, and no update came in 2016.
    assert "The guides were endorsed at the May 2015 AHG SOM." in text
    assert "No update reported in 2016." in text
    assert "Develop a regional training module on disrupting the financial incentives" in text
    assert "17 May 2016" in text


def test_the_demo_annual_report_gives_the_members_of_each_meeting_and_the_roster_ahead(
    tip_2016,
):
    content, data, _ = printed_report(tip_2016)
    text = " ".join(pages_text(data))
    forum, second = content["meetings"]
    # The Forum, a large event, by its counts; the second meeting by its members.
    assert not forum["members"]["listed"]
    assert "88 participants: 30 member countries, 5 organisations." in text
    assert second["members"]["listed"] and second["participants"] == 10
    sections = {s["title"]: s["members"] for s in second["members"]["sections"]}
    assert "Thailand" in sections["States"]
    assert any("Organization for Migration" in m for m in sections["International organisations"])
    for meeting in content["meetings"]:
        for section in meeting["members"]["sections"]:
            assert words(", ".join(section["members"])) in text
    # Thailand's nomination is pending for the seat that rotates next.
    assert "Thailand, for seat 1, for the term from 6 August 2027" in text
    assert "Seat 1 rotates next, from 6 August 2027, when the term of Australia ends." in text
    assert "Thailand: nominated, eligible under the Terms of Reference." in text


def test_the_demo_annual_report_ends_with_who_approved_it_and_its_fingerprint(tip_2016):
    content, data, _ = printed_report(tip_2016)
    last_page = pages_text(data)[-1]
    assert "Approved by the co-chairs" in last_page
    approvals = Approval.objects.filter(report=tip_2016, decision=Approval.Decision.APPROVED)
    assert approvals.count() == 2
    for approval in approvals.select_related("member", "person"):
        day = timezone.localtime(approval.decided_at).date()
        line = f"{approval.member} {approval.person.get_full_name()} {day.day} {day:%B %Y}"
        assert line in last_page
    assert tip_2016.approved_content_hash == assembly.content_hash(content)
    assert tip_2016.approved_content_hash in last_page.replace(" ", "")


def test_no_page_of_the_demo_reports_and_outcome_records_ends_with_a_heading(demo):
    reports = Report.objects.filter(group__short_name="WG-TIP").exclude(kind=Report.Kind.BRIEF)
    assert reports.filter(kind=Report.Kind.OUTCOME_RECORD).count() >= 4
    for report in reports:
        _, data, html = printed_report(report)
        assert printed.pages_ending_with_a_heading(data, html) == [], str(report)


def test_the_check_for_a_heading_at_the_foot_of_a_page_finds_one():
    html = (
        '<!doctype html><html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="css/print-base.css"></head><body>'
        '<div style="height: 235mm"></div><h2>Left alone</h2>'
        '<p style="break-before: page">Its text.</p></body></html>'
    )
    data = portal_pdf.html_to_pdf(html)
    assert printed.last_lines(data)[0] == "Left alone"
    assert printed.pages_ending_with_a_heading(data, html) == [(1, "Left alone")]


# --- A short and a long report ----------------------------------------------------------


def group_with_plan(
    actions: int, *, note: str = "", description: str = "", short_name: str = "WG-X"
) -> Report:
    group = WorkingGroupFactory(short_name=short_name, name=f"Working Group {short_name}")
    CoChairTermFactory(
        group=group,
        member=Member.objects.filter(name="Thailand").first() or MemberFactory(name="Thailand"),
        starts_on=datetime.date(2015, 3, 1),
        planned_end_on=datetime.date(2017, 8, 31),
    )
    plan = WorkPlanFactory(group=group, period="2015-17")
    statuses = Action.Status.values
    for number in range(1, actions + 1):
        ActionFactory(
            plan=plan,
            number=number,
            status=statuses[number % len(statuses)],
            description=description or f"Deliver the item {number}.",
            status_note=note,
        )
    return Report.objects.create(
        group=group, kind=Report.Kind.ANNUAL, year=2016, summary="A short year."
    )


def test_a_short_report_opens_with_a_title_block_and_its_summary():
    report = group_with_plan(3)
    _, data, html = printed_report(report)
    pages = pages_text(data)
    assert len(pages) < pdf.LONG_REPORT_PAGES
    assert 'class="title-block"' in html and 'class="cover"' not in html
    assert "Annual report to the Steering Group 2016" in pages[0]
    assert "Summary A short year." in pages[0]
    assert "Contents" not in pages[0]
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "Draft: not yet approved by the co-chairs" in pages[-1]


def test_a_long_report_has_a_cover_and_contents_with_the_pages_of_its_sections():
    report = group_with_plan(
        70,
        description=(
            "Hold a regional dialogue on developments, issues and experience in implementing "
            "policy and legal responses, with the members and the international organisations."
        ),
        note="Held twice in the year; the next one is planned for the annual meeting.",
    )
    content, data, _ = printed_report(report)
    pages = pages_text(data)
    cover, contents, body = pages[0], pages[1], pages[2:]
    assert len(body) >= pdf.LONG_REPORT_PAGES
    assert "Annual report to the Steering Group 2016" in cover and "Page" not in cover
    assert contents.startswith("Contents") and "Page" not in contents
    # The body counts from its own first page; the front matter is not numbered.
    assert f"Page 1 of {len(body)}" in body[0] and "Summary A short year." in body[0]
    assert f"Page {len(body)} of {len(body)}" in body[-1]
    lines = printed.page_lines(data)
    listed = dict(
        match.groups() for line in lines[1] if (match := re.match(r"(.+?)[ .]*\.\s*(\d+)$", line))
    )
    headings = {title: title for _, title in pdf.SECTIONS}
    headings["Approval"] = "Draft: not yet approved by the co-chairs"
    for title, heading in headings.items():
        first = next(n for n, page in enumerate(lines[2:], start=1) if heading in page)
        assert int(listed[title]) == first, title
    assert int(listed["Co-chairs"]) > int(listed["Work-plan actions"]) + 5
    assert printed.pages_ending_with_a_heading(data, pdf.report_html(report, content)) == []


# --- No person named --------------------------------------------------------------------


@pytest.fixture
def chatham_house_year():
    """A 2016 meeting under the Chatham House Rule with named delegates of two members and
    an observer, and its approved outcome record."""
    group = WorkingGroupFactory(short_name="WG-X", name="Working Group X")
    thailand = MemberFactory(name="Thailand")
    unodc = MemberFactory(name="United Nations Office on Drugs and Crime", short_name="UNODC",
                          kind=Member.Kind.ORGANISATION, country="")  # fmt: skip
    canada = MemberFactory(name="Canada")
    starts = timezone.make_aware(datetime.datetime(2016, 5, 18, 9), datetime.UTC)
    meeting = held_chatham_house_meeting(group, "Second meeting of WG-X", starts)
    Outcome.objects.create(meeting=meeting, number=1, text="Members updated the plan.")
    secretariat = SecretariatFactory()
    for member, first, last in [(thailand, "Somchai", "Delegate"), (unodc, "Olga", "Expert")]:
        person = participant(group, member=member, first_name=first, last_name=last)
        meeting_services.attendance_add(meeting, member=member, person=person, by=secretariat)
    meeting_services.attendance_add(meeting, member=canada, as_observer=True, by=secretariat)
    record = approved_outcome_record(meeting)
    annual = Report.objects.create(group=group, kind=Report.Kind.ANNUAL, year=2016)
    return meeting, record, annual


PERSONS = ["Somchai", "Delegate", "Olga", "Expert", "Ms Speaker"]


def test_the_outcome_record_names_the_members_that_took_part_and_no_person(chatham_house_year):
    meeting, record, _ = chatham_house_year
    content = assembly.report_content(record)
    assert content["format"] == assembly.FORMAT
    unodc = "United Nations Office on Drugs and Crime (UNODC)"
    assert content["meeting"]["members"]["sections"] == [
        {"title": "States", "members": ["Thailand"]},
        {"title": "International organisations", "members": [unodc]},
        {"title": "Observers", "members": ["Canada"]},
    ]
    data = pdf.report_pdf(record, content)
    text = " ".join(pages_text(data))
    assert "Held under the Chatham House Rule" in text
    assert "States Thailand" in text and "Observers Canada" in text
    assert "1 member country, 1 organisation, 1 observer" in text
    assert "Members updated the plan." in text
    for name in PERSONS:
        assert name not in text and name not in repr(content)
    html = pdf.report_html(record, content, preview=False)
    assert printed.pages_ending_with_a_heading(data, html) == []


def test_the_annual_report_names_the_members_of_a_meeting_and_no_person(chatham_house_year):
    _, _, annual = chatham_house_year
    content = assembly.report_content(annual)
    text = " ".join(pages_text(pdf.report_pdf(annual, content)))
    assert "United Nations Office on Drugs and Crime (UNODC)" in text and "Canada" in text
    for name in PERSONS:
        assert name not in text and name not in repr(content)


def test_a_large_event_is_given_by_its_counts():
    group = WorkingGroupFactory()
    starts = timezone.make_aware(datetime.datetime(2016, 5, 18, 9), datetime.UTC)
    meeting = held_chatham_house_meeting(group, "Regional forum", starts)
    secretariat = SecretariatFactory()
    for number in range(assembly.LISTED_MEMBERS_AT_MOST + 1):
        meeting_services.attendance_add(
            meeting, member=MemberFactory(name=f"State {number:02}"), by=secretariat
        )
    annual = Report.objects.create(group=group, kind=Report.Kind.ANNUAL, year=2016)
    [row] = assembly.report_content(annual)["meetings"]
    assert row["members"] == {
        "recorded": True,
        "listed": False,
        "sections": [],
        "counted": f"{assembly.LISTED_MEMBERS_AT_MOST + 1} member countries",
    }


# --- Content ----------------------------------------------------------------------------


def test_an_action_states_its_funding_members_and_its_latest_update_of_the_year(admin_user):
    report = group_with_plan(1)
    action = Action.objects.get(plan__group=report.group)
    action.funding_members.set([MemberFactory(name="New Zealand")])
    action.lead_members.set([MemberFactory(name="Indonesia")])
    action.initiative = Action.Initiative.values[0]
    action.save()
    for day, text in [
        (datetime.date(2016, 5, 17), "Drafted."),
        (datetime.date(2017, 2, 1), "Piloted."),
    ]:
        action.updates.create(reported_on=day, text=text, author=admin_user)
    content = assembly.report_content(report)
    [row] = [a for group in content["actions_by_status"] for a in group["actions"]]
    assert (row["lead_members"], row["funding_members"]) == (["Indonesia"], ["New Zealand"])
    assert (row["latest_update"], row["latest_update_date"]) == ("Drafted.", "17 May 2016")
    [initiative] = content["initiatives"]
    assert initiative["funding_members"] == ["New Zealand"]
    text = " ".join(pages_text(pdf.report_pdf(report, content)))
    assert "Led by Indonesia · Funded by New Zealand" in text
    assert "Piloted." not in text


def test_a_status_note_is_the_one_the_action_had_when_the_year_ended():
    report = group_with_plan(1, note="Planned for 2017.")
    action = Action.objects.get(plan__group=report.group)
    history = action.history.get()
    history.history_date = timezone.make_aware(datetime.datetime(2016, 6, 1, 9))
    history.save()
    action.status_note = "Held in March 2017."
    action.save()
    Action.history.model.objects.filter(id=action.pk, status_note=action.status_note).update(
        history_date=timezone.make_aware(datetime.datetime(2017, 3, 20, 9))
    )
    [row] = assembly.report_content(report)["actions_by_status"][0]["actions"]
    assert row["status_note"] == "Planned for 2017."


def test_pending_nominations_and_the_next_rotation_as_the_year_ended():
    report = group_with_plan(1)
    group = report.group
    CoChairTermFactory(
        group=group, member=MemberFactory(name="Indonesia"), seat=2,
        starts_on=datetime.date(2015, 9, 1), planned_end_on=datetime.date(2018, 8, 31),
    )  # fmt: skip
    NominationFactory(
        group=group, member=MemberFactory(name="Sri Lanka"), seat=1,
        for_term_from=datetime.date(2017, 9, 1),
    )  # fmt: skip
    co_chairs = assembly.report_content(report)["co_chairs"]
    [nomination] = co_chairs["nominations"]
    assert nomination["member"] == "Sri Lanka"
    rotation = co_chairs["next_rotation"]
    assert (rotation["seat"], rotation["starts_on"], rotation["outgoing"]) == (
        "Seat 1", "2017-09-01", "Thailand"
    )  # fmt: skip
    assert [c["member"] for c in rotation["candidates"]] == ["Sri Lanka"]


def test_assembly_costs_the_same_queries_with_ten_times_the_actions_and_meetings(
    django_assert_num_queries,
):
    def queries_for(actions, meetings):
        report = group_with_plan(actions, short_name=f"WG-{actions}")
        secretariat = SecretariatFactory()
        for number in range(meetings):
            starts = timezone.make_aware(datetime.datetime(2016, 3, 1 + number, 9), datetime.UTC)
            meeting = held_chatham_house_meeting(report.group, f"Meeting {number}", starts)
            meeting_services.attendance_add(meeting, member=MemberFactory(), by=secretariat)
        report = Report.objects.select_related("group").get(pk=report.pk)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assembly.report_content(report)
        Report.objects.filter(pk=report.pk).delete()
        return len(captured)

    few = queries_for(2, 1)
    assert few == queries_for(20, 10)
    # Plans, actions and their members, priorities, objectives and updates of the year;
    # meetings with outcomes, attendance and members, outcome records; terms, nominations.
    assert few <= 16


def test_content_of_the_first_format_prints_with_the_templates_it_was_approved_in():
    report = group_with_plan(2)
    content = assembly.content_to_keep(assembly.report_content(report))
    del content["format"]
    html = pdf.report_html(report, content, preview=False)
    assert 'class="toc"' in html and 'class="cover"' in html
    assert 'class="approval-block"' in html
    assert b"%PDF" in pdf.report_pdf(report, content)[:8]


def test_meeting_outcomes_the_co_chairs_approved_are_printed_in_the_annual_report(
    chatham_house_year,
):
    meeting, _, annual = chatham_house_year
    assert Meeting.objects.get(pk=meeting.pk).chatham_house
    text = " ".join(pages_text(pdf.report_pdf(annual, assembly.report_content(annual))))
    assert "Members updated the plan." in text

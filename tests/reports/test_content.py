"""The report's content, its sanitised narrative and its PDF, with the real assembly and
renderer (the fakes of this folder's conftest are switched off here)."""

import datetime
import io

import pypdf
import pytest
from django.utils import timezone

from meetings.models import Meeting, Outcome
from portal.pdf import StaticFilesOnly, static_folder
from reports import assembly, pdf
from reports.models import Report
from reports.narrative import render_markdown
from tests.factories import (
    ActionFactory,
    CoChairTermFactory,
    MemberFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    approved_outcome_record,
    held_chatham_house_meeting,
)
from workplans.models import Action, ProgressUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture
def rendering():
    """The real assembly and renderer, not the fakes the approval tests use."""
    return None


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def report(admin_user):
    group = WorkingGroupFactory(short_name="WG-X", name="Working Group X")
    thailand = MemberFactory(name="Thailand")
    CoChairTermFactory(
        group=group,
        member=thailand,
        starts_on=datetime.date(2015, 3, 1),
        planned_end_on=datetime.date(2016, 8, 31),
    )
    CoChairTermFactory(
        group=group,
        member=MemberFactory(name="Indonesia"),
        starts_on=datetime.date(2016, 9, 1),
        planned_end_on=datetime.date(2018, 8, 31),
    )
    plan = WorkPlanFactory(group=group, period="2015-17")
    for number, status in enumerate(Action.Status.values, start=1):
        ActionFactory(
            plan=plan, number=number, status=status, description=f"Deliver the item {number}."
        )
    ProgressUpdate.objects.create(
        action=plan.actions.get(number=2),
        reported_on=datetime.date(2016, 5, 17),
        text="Training module drafted.",
        author=admin_user,
    )
    starts = timezone.make_aware(datetime.datetime(2016, 5, 18, 9), datetime.UTC)
    meeting = held_chatham_house_meeting(group, "Second meeting of WG-X", starts)
    Outcome.objects.create(meeting=meeting, number=1, text="Members updated the plan.")
    return Report.objects.create(
        group=group, kind=Report.Kind.ANNUAL, year=2016, summary="A *busy* year."
    )


class TestNarrative:
    @pytest.mark.parametrize(
        ("markdown", "gone"),
        [
            ("<script>alert(1)</script>", "alert"),
            ('<img src="x" onerror="alert(1)">', "onerror"),
            ("[click](javascript:alert(1))", 'href="javascript'),
            ('<a href="javascript:alert(1)">click</a>', "javascript"),
            ('<img src="http://example.org/track.png">', "<img"),
            ('<img src="file:///etc/passwd">', "passwd"),
            ("![remote](http://example.org/track.png)", "<img"),
            ("![local](file:///etc/passwd)", "<img"),
            ('<p style="color:red">red</p>', "style="),
            ('<iframe src="https://example.org"></iframe>', "iframe"),
            ("<style>body { display: none }</style>", "display"),
        ],
    )
    def test_anything_that_could_run_or_load_is_removed(self, markdown, gone):
        assert gone not in render_markdown(markdown)

    def test_formatting_and_safe_links_remain(self):
        html = render_markdown("**strong** [site](https://example.org)\n\n- one\n- two")
        assert "<strong>strong</strong>" in html
        assert '<a href="https://example.org" rel="noopener">site</a>' in html
        assert "<li>one</li>" in html

    def test_a_narrative_with_images_loads_nothing_but_static_files(self, report, monkeypatch):
        asked = []
        original = StaticFilesOnly.fetch

        def recording(self, url, headers=None):
            asked.append(url)
            return original(self, url, headers)

        monkeypatch.setattr(StaticFilesOnly, "fetch", recording)
        report.summary = (
            "![remote](http://example.org/track.png) ![local](file:///etc/passwd)\n\n"
            '<img src="http://example.org/x.png"> <img src="file:///etc/passwd">'
        )
        pdf.report_pdf(report, assembly.report_content(report))
        folder = static_folder().as_uri()
        assert asked and all(url.startswith(folder) for url in asked)
        assert not any("example.org" in url or "passwd" in url for url in asked)


class TestContent:
    def test_holds_the_period_meetings_and_outcomes_without_speakers(self, report):
        approved_outcome_record(Meeting.objects.get(title="Second meeting of WG-X"))
        content = assembly.report_content(report)
        assert content["period"]["text"] == "1 January 2016 – 31 December 2016"
        [meeting] = content["meetings"]
        assert meeting["outcomes"][0]["text"] == "Members updated the plan."
        assert "Ms Speaker" not in repr(content)

    def test_outcomes_the_co_chairs_have_not_approved_are_counted_not_stated(self, report):
        meeting = Meeting.objects.get(title="Second meeting of WG-X")
        Report.objects.create(
            group=report.group, kind=Report.Kind.OUTCOME_RECORD, year=2016, meeting=meeting,
            status=Report.Status.SUBMITTED,
        )  # fmt: skip
        content = assembly.report_content(report)
        [row] = content["meetings"]
        assert row["outcomes"] == [] and row["outcomes_pending"] == 1
        text = pdf_text(pdf.report_pdf(report, content))
        assert "Members updated the plan." not in text
        assert "1 outcome recorded, not yet approved by the co-chairs." in text

    def test_an_action_shows_its_status_when_the_year_ended(self, report):
        action = Action.objects.get(plan__group=report.group, number=1)
        assert action.status == Action.Status.FOR_ACTION
        # Its history began in June 2016; it was started in 2016 and completed in 2017.
        history = action.history.get()
        history.history_date = timezone.make_aware(datetime.datetime(2016, 6, 1, 9))
        history.save()
        for status, day in [
            (Action.Status.ONGOING, datetime.datetime(2016, 11, 2, 9)),
            (Action.Status.COMPLETE, datetime.datetime(2017, 3, 1, 9)),
        ]:
            action.status = status
            action.save()
            Action.history.model.objects.filter(id=action.pk, status=status).update(
                history_date=timezone.make_aware(day)
            )

        def status_of_action_1(year):
            report.year = year
            content = assembly.report_content(report)
            return {
                a["number"]: a["status_word"]
                for g in content["actions_by_status"]
                for a in g["actions"]
            }[1]

        assert status_of_action_1(2016) == "Ongoing"
        assert status_of_action_1(2017) == "Complete"
        # An action entered after the fact has no earlier history: its status today.
        report.year = 2016
        content = assembly.report_content(report)
        statuses = {
            a["number"]: a["status"] for g in content["actions_by_status"] for a in g["actions"]
        }
        assert (
            statuses[2]
            == Action.objects.get(plan__group=report.group, number=2).status
            == "ongoing"
        )

    def test_co_chair_changes_in_the_period_are_listed(self, report):
        co_chairs = assembly.report_content(report)["co_chairs"]
        assert [t["member"] for t in co_chairs["serving"]] == ["Thailand", "Indonesia"]
        assert len(co_chairs["changes"]) == 2

    def test_the_same_content_has_the_same_hash_and_an_edit_changes_it(self, report):
        first = assembly.content_hash(assembly.report_content(report))
        assert first == assembly.content_hash(assembly.report_content(report))
        assert len(first) == 64
        report.next_steps = "Meet again in 2017."
        assert assembly.content_hash(assembly.report_content(report)) != first


class TestPdf:
    def test_holds_every_action_and_status_and_no_speaker(self, report):
        data = pdf.report_pdf(report, assembly.report_content(report))
        text = pdf_text(data)
        for action in Action.objects.filter(plan__group=report.group):
            assert f"Deliver the item {action.number}." in text
            assert action.get_status_display() in text
        assert "Training module drafted." in text
        assert "Ms Speaker" not in text
        assert "Page 1 of" in text

    def test_carries_the_document_metadata(self, report):
        data = pdf.report_pdf(report, assembly.report_content(report))
        metadata = pypdf.PdfReader(io.BytesIO(data)).metadata
        assert metadata.title == "WG-X: Annual report to the Steering Group 2016"
        assert metadata.author == "Regional Support Office"

    def test_the_preview_uses_the_same_template_without_the_contents_page(self, report):
        html = pdf.report_html(report, assembly.report_content(report))
        assert "Second meeting of WG-X" in html and "<em>busy</em>" in html
        assert 'class="toc"' not in html

    def test_the_brief_is_its_speaking_points_not_the_annual_report(self, report):
        report.kind = Report.Kind.BRIEF
        content = assembly.report_content(report)
        assert "actions_by_status" not in content and content["points"][0]["number"] == 1
        data = pdf.report_pdf(report, content)
        assert len(pypdf.PdfReader(io.BytesIO(data)).pages) <= 2
        assert "Second meeting of WG-X" in pdf_text(data) and "Contents" not in pdf_text(data)

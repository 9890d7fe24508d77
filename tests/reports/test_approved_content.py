"""What was approved is what is shown: an approved report keeps the content its co-chairs
read, and its page, preview and PDF show that content whatever the portal's data says
since; a new version carries the changes to the co-chairs again. The real assembly and
renderer are used here (the fakes of this folder's conftest are switched off)."""

import datetime
import io
from html.parser import HTMLParser

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Outcome
from reports import assembly, selectors, services
from reports.models import Report
from tests.factories import (
    ActionFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    held_chatham_house_meeting,
    participant,
)
from workplans import services as workplan_services

pytestmark = pytest.mark.django_db

APPROVED_UPDATE = "Training module drafted."
LATER_UPDATE = "Training module piloted in Bangkok."
# The report page with today's data set against the approved content: 24 since the
# content states each action's funding members, priorities and objectives (the action's
# one projection), the pending nominations, and the preview ends with the approval block
# (its approvals and approvers); none of them grows with the actions.
PAGE_QUERIES = 24


@pytest.fixture
def rendering():
    """The real assembly and renderer, not the fakes the approval tests use."""
    return None


def pdf_text(data: bytes) -> str:
    """The PDF's words, with table cells' line breaks read as spaces."""
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


class Frames(HTMLParser):
    """The preview: the report as the iframe of the page holds it."""

    srcdoc = None

    def handle_starttag(self, tag, attrs):
        if tag == "iframe":
            self.srcdoc = dict(attrs).get("srcdoc")


def preview_of(page: str) -> str:
    frames = Frames()
    frames.feed(page)
    return frames.srcdoc or ""


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-X", slug="wg-x", name="Working Group X")


@pytest.fixture
def chairs(group):
    return co_chair(group), co_chair(group)


@pytest.fixture
def secretariat():
    return SecretariatFactory()


@pytest.fixture
def action(group):
    plan = WorkPlanFactory(group=group, period="2015-17", title="Forward Work Plan 2015-17")
    action = ActionFactory(plan=plan, number=2, description="Develop a training module.")
    workplan_services.update_post(
        action, text=APPROVED_UPDATE, author=UserFactory(), reported_on=datetime.date(2016, 5, 17)
    )
    return action


def approve_all(report, chairs):
    content_hash = services.current_content_hash(report)
    for person in chairs:
        services.report_decide(
            report, person=person, decision="approved", content_hash=content_hash
        )
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def approved(group, chairs, secretariat, action, django_capture_on_commit_callbacks):
    report = services.report_start(group, Report.Kind.ANNUAL, 2016)
    report = services.report_edit(report, summary="The group met twice.")
    services.report_submit(report, secretariat)
    with django_capture_on_commit_callbacks(execute=True):  # renders the approved PDF
        approve_all(report, chairs)
    return Report.objects.get(pk=report.pk)


def post_update_dated_back(action):
    """A progress update posted after the approval, dated back into the year reported on."""
    workplan_services.update_post(
        action, text=LATER_UPDATE, author=UserFactory(), reported_on=datetime.date(2016, 10, 3)
    )


def page_url(name, report):
    return reverse(name, args=[report.group.slug, report.kind, report.year])


def test_approval_keeps_the_content_read_and_it_hashes_to_the_approved_fingerprint(approved):
    kept = Report.objects.get(pk=approved.pk).approved_content
    assert assembly.content_hash(kept) == approved.approved_content_hash
    assert kept == assembly.content_to_keep(assembly.report_content(approved))
    [row] = [a for group in kept["actions_by_status"] for a in group["actions"]]
    assert row["latest_update"] == APPROVED_UPDATE


def test_a_progress_update_dated_back_into_the_year_leaves_page_preview_and_pdf_as_approved(
    client, group, approved, action, secretariat, django_assert_max_num_queries
):
    post_update_dated_back(action)
    assert services.current_content_hash(approved) != approved.approved_content_hash

    client.force_login(participant(group))
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(page_url("report_detail", approved)).content.decode()
    preview = preview_of(page)
    assert APPROVED_UPDATE in preview and LATER_UPDATE not in preview
    assert "Preview of the approved content" in page
    # The page says the data changed, and names what.
    assert "The portal's data changed since the approval" in page
    assert (
        "Action 2 of Forward Work Plan 2015-17: latest progress update, date of the latest "
        "progress update changed." in page
    )
    # Both approvals stand, for the approved content only.
    assert page.count("Yes, for the approved content") == 2

    # The frozen PDF, and any rendering asked for since, say the same as the page.
    assert APPROVED_UPDATE in pdf_text(approved.approved_pdf.read())
    job = services.render_enqueue(approved, secretariat)
    job = services.render_run(job.pk)
    rendered = pdf_text(job.pdf.read())
    assert APPROVED_UPDATE in rendered and LATER_UPDATE not in rendered
    assert job.content_hash == approved.approved_content_hash


def test_an_approved_report_whose_data_did_not_change_says_nothing_changed(client, group, approved):
    client.force_login(participant(group))
    page = client.get(page_url("report_detail", approved)).content.decode()
    assert "data changed since the approval" not in page
    assert "Start version" not in page
    with pytest.raises(ValidationError, match="needs no new version"):
        services.report_new_version(approved, SecretariatFactory())


def test_secretariat_starts_a_new_version_and_the_approved_one_stays_readable(
    client, group, chairs, approved, action, secretariat, django_capture_on_commit_callbacks
):
    approved_pdf = approved.approved_pdf.read()
    post_update_dated_back(action)
    client.force_login(secretariat)
    page = client.get(page_url("report_detail", approved)).content.decode()
    assert "Start version 2 from today's data" in page
    response = client.post(page_url("report_new_version", approved), follow=True)
    assert "Version 2 started as a draft" in response.content.decode()

    report = Report.objects.get(pk=approved.pk)
    assert (report.version, report.status) == (2, Report.Status.DRAFT)
    assert not report.approved_content and not report.approved_content_hash
    page = client.get(page_url("report_detail", report)).content.decode()
    assert LATER_UPDATE in preview_of(page) and "No decision yet." in page
    assert "?version=1" in page

    # Version 1 as approved: its content, its approvals and its frozen PDF.
    old = client.get(page_url("report_detail", report) + "?version=1").content.decode()
    assert APPROVED_UPDATE in preview_of(old) and LATER_UPDATE not in preview_of(old)
    assert old.count("Yes, for the approved content") == 2
    # Its approval block is version 1's, not the draft's of version 2.
    assert "Approved by the co-chairs" in preview_of(old)
    assert "Draft: not yet approved" not in preview_of(old)
    assert "latest progress update" in old  # why version 2 was started
    response = client.get(page_url("report_pdf", report) + "?version=1")
    assert b"".join(response.streaming_content) == approved_pdf

    # Version 2 goes to the co-chairs again; their approvals of version 1 stay with it.
    services.report_submit(report, secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(report, chairs)
    report = Report.objects.get(pk=report.pk)
    assert report.status == Report.Status.APPROVED and report.version == 2
    assert LATER_UPDATE in pdf_text(report.approved_pdf.read())
    assert report.approvals.filter(version=1, withdrawn_at__isnull=True).count() == 2
    assert report.versions.get().approved_pdf.read() == approved_pdf


def test_the_group_reads_the_approved_version_while_the_next_one_is_drafted(
    client, group, chairs, approved, action, secretariat
):
    post_update_dated_back(action)
    report = services.report_new_version(approved, secretariat)
    member = participant(group)
    client.force_login(member)
    response = client.get(page_url("report_detail", report))
    assert response.status_code == 302 and response["Location"].endswith("?version=1")
    old = client.get(response["Location"]).content.decode()
    assert APPROVED_UPDATE in preview_of(old) and LATER_UPDATE not in old
    # Co-chairs read the draft of the next version only once it is submitted to them.
    client.force_login(chairs[0])
    assert client.get(page_url("report_detail", report)).status_code == 302
    services.report_submit(report, secretariat)
    page = client.get(page_url("report_detail", report)).content.decode()
    assert LATER_UPDATE in preview_of(page)
    client.force_login(member)
    assert client.get(page_url("report_detail", report)).status_code == 302


def test_only_the_secretariat_starts_a_new_version(client, group, chairs, approved, action):
    post_update_dated_back(action)
    for person in (participant(group), chairs[0]):
        client.force_login(person)
        assert client.post(page_url("report_new_version", approved)).status_code == 404
    assert Report.objects.get(pk=approved.pk).version == 1


def test_an_unknown_or_malformed_version_answers_404(client, group, approved):
    client.force_login(participant(group))
    for value in ("1", "0", "abc", "9" * 20, ""):
        url = page_url("report_detail", approved) + f"?version={value}"
        assert client.get(url).status_code == 404, value
        assert client.get(page_url("report_pdf", approved) + f"?version={value}").status_code == 404


def test_a_report_approved_before_its_content_was_kept(client, group, approved, action):
    # Reports approved before the portal kept the approved content have none.
    Report.objects.filter(pk=approved.pk).update(approved_content=None)
    report = Report.objects.get(pk=approved.pk)
    shown = selectors.shown_content(report)
    assert shown.is_approved_content  # today's data still has the approved fingerprint

    post_update_dated_back(action)
    client.force_login(participant(group))
    page = client.get(page_url("report_detail", report)).content.decode()
    assert "The approved content was not kept for this report" in page
    assert "Preview of today's data (not approved)" in page
    assert "Preview of the approved content" not in page


def test_the_approved_page_costs_the_same_queries_with_ten_times_the_actions(
    client, group, approved, action, django_assert_max_num_queries
):
    for number in range(10, 20):
        later = ActionFactory(plan=action.plan, number=number)
        workplan_services.update_post(
            later, text="Begun.", author=UserFactory(), reported_on=datetime.date(2016, 3, 1)
        )
    client.force_login(participant(group))
    with django_assert_max_num_queries(PAGE_QUERIES):
        page = client.get(page_url("report_detail", approved)).content.decode()
    assert "Action 19 of Forward Work Plan 2015-17: now in the report." in page


def test_the_changes_name_each_meeting_and_action_that_differs():
    def meeting(title, participants):
        return {"title": title, "starts_on": "2016-05-18", "dates": "18 May 2016",
                "participants": participants, "outcomes": []}  # fmt: skip

    def action(number, status):
        return {"plan": "Plan A", "number": number, "status": status, "latest_update": ""}

    approved = {
        "meetings": [meeting("First meeting", 40), meeting("Forum", 88)],
        "actions_by_status": [{"actions": [action(1, "ongoing"), action(2, "ongoing")]}],
        "co_chairs": {"serving": ["Australia", "Indonesia"]},
    }
    live = {
        "meetings": [meeting("First meeting", 41), meeting("Workshop", 20)],
        "actions_by_status": [{"actions": [action(1, "complete"), action(2, "ongoing")]}],
        "co_chairs": {"serving": ["Australia", "Thailand"]},
    }
    assert assembly.content_changes(approved, live) == [
        "Meeting “First meeting” (18 May 2016): participants changed.",
        "Meeting “Workshop” (18 May 2016): now in the report.",
        "Meeting “Forum” (18 May 2016): no longer in the report.",
        "Action 1 of Plan A: status changed.",
        "The co-chairs changed.",
    ]


def test_an_approved_outcome_record_shows_the_meeting_as_its_co_chairs_read_it(
    client, group, chairs, secretariat
):
    starts = timezone.now() - datetime.timedelta(days=10)
    meeting = held_chatham_house_meeting(group, "Third meeting of WG-X", starts)
    meeting.city = "Bangkok"
    meeting_services.meeting_save(meeting)
    Outcome.objects.create(meeting=meeting, number=1, text="Members agreed the plan.")
    record = services.outcome_record_start(meeting)
    services.report_submit(record, secretariat)
    record = approve_all(record, chairs)

    meeting.city = "Jakarta"
    meeting_services.meeting_save(meeting)
    client.force_login(participant(group))
    page = client.get(reverse("report_detail", kwargs={"meeting_id": meeting.pk})).content
    page = page.decode()
    assert "Bangkok" in preview_of(page) and "Jakarta" not in preview_of(page)
    assert "Third meeting of WG-X" in page and "place changed." in page


def first_format(content: dict) -> dict:
    """The content as the report said it before it had a format: no status notes, funding
    members, priorities or initiative kinds of actions, no members of meetings, no
    nominations or next rotation."""
    content = assembly.content_to_keep(content)
    del content["format"]
    for group in content["actions_by_status"]:
        for action in group["actions"]:
            for key in ("status_note", "funding_members", "priorities", "initiative"):
                del action[key]
    for meeting in content["meetings"]:
        del meeting["members"]
    for initiative in content["initiatives"]:
        del initiative["funding_members"]
    del content["co_chairs"]["nominations"], content["co_chairs"]["next_rotation"]
    return content


def test_a_report_approved_in_the_first_format_reads_as_unchanged_when_its_data_is(
    approved, action
):
    kept = first_format(approved.approved_content)
    Report.objects.filter(pk=approved.pk).update(
        approved_content=kept, approved_content_hash=assembly.content_hash(kept)
    )
    report = Report.objects.get(pk=approved.pk)
    # Only the format differs: nothing the co-chairs read changed.
    assert selectors.shown_content(report).changes == []
    post_update_dated_back(action)
    assert selectors.shown_content(report).changes == [
        "Action 2 of Forward Work Plan 2015-17: latest progress update, date of the latest "
        "progress update changed."
    ]

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.models import CoChairTerm, Participation
from meetings.models import Meeting, Outcome
from reports import assembly, services
from reports.models import Approval, RenderJob, Report
from tests.factories import (
    MeetingFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")


@pytest.fixture
def chairs(group):
    """The two people deciding for the group's two co-chair members."""
    return co_chair(group, email="first@example.org"), co_chair(group, email="second@example.org")


@pytest.fixture
def secretariat():
    return SecretariatFactory()


@pytest.fixture
def report(group, chairs):
    report = services.report_start(group, Report.Kind.ANNUAL, 2016)
    return services.report_edit(report, summary="The group met twice.")


@pytest.fixture
def submitted(report, secretariat):
    return services.report_submit(report, secretariat)


def read_hash(report):
    """The fingerprint a co-chair reads on the page: of the report as saved now."""
    return services.current_content_hash(Report.objects.get(pk=report.pk))


def approve(report, person, **fields):
    fields.setdefault("content_hash", read_hash(report))
    return services.report_decide(report, person=person, decision="approved", **fields)


def send_back(report, person, comment):
    content_hash = read_hash(report)
    return services.report_decide(
        report, person=person, decision="sent_back", content_hash=content_hash, comment=comment
    )


def refresh(report):
    report.refresh_from_db()
    return report


# --- Submission ---------------------------------------------------------------------------


def test_submitting_records_the_serving_co_chairs_as_approvers_and_tells_them(
    report, chairs, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report, secretariat)
    report = refresh(report)
    assert report.status == Report.Status.SUBMITTED and report.submitted_at
    assert set(report.approvers.all()) == {person.affiliation for person in chairs}
    assert sorted(m.to[0] for m in mailoutbox) == ["first@example.org", "second@example.org"]
    assert mailoutbox[0].body.endswith(
        "Read it in the Secretariat Portal.\n\nRegional Support Office of the Bali Process\n"
    )


def test_the_mail_to_the_co_chairs_links_to_the_report_when_the_portal_knows_its_address(
    report, chairs, secretariat, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_URL = "https://portal.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report, secretariat)
    link = "https://portal.example.org" + page_url("report_detail", report)
    assert all(f"Read it in the Secretariat Portal: {link}" in m.body for m in mailoutbox)


def test_submitting_without_a_serving_co_chair_is_refused(group, secretariat):
    report = services.report_start(group, Report.Kind.BRIEF, 2016)
    with pytest.raises(ValidationError, match="no serving co-chair"):
        services.report_submit(report, secretariat)
    assert refresh(report).status == Report.Status.DRAFT


def test_a_submitted_report_cannot_be_submitted_again(submitted, secretariat):
    with pytest.raises(ValidationError, match="Only a draft"):
        services.report_submit(submitted, secretariat)


# --- Decisions ----------------------------------------------------------------------------


def test_report_is_approved_once_every_co_chair_approved_the_same_content(
    submitted, chairs, django_capture_on_commit_callbacks
):
    first, second = chairs
    approve(submitted, first)
    assert refresh(submitted).status == Report.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        approve(submitted, second)
    report = refresh(submitted)
    assert report.status == Report.Status.APPROVED and report.approved_at
    assert report.approved_content_hash == services.current_content_hash(report)
    # The content approved is kept with the report, and has the approved fingerprint.
    assert assembly.content_hash(report.approved_content) == report.approved_content_hash
    job = report.render_jobs.get()
    assert job.status == RenderJob.Status.SUCCEEDED
    assert report.approved_pdf.read().startswith(b"%PDF")


def test_an_edit_between_two_approvals_withdraws_the_first_and_both_must_approve_again(
    submitted, chairs, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = chairs
    first_approval = approve(submitted, first)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_edit(submitted, summary="The group met three times.")
    first_approval.refresh_from_db()
    assert first_approval.withdrawn_at is not None
    assert {m.to[0] for m in mailoutbox} == {"first@example.org", "second@example.org"}
    assert "withdrawn" in mailoutbox[0].body

    approve(submitted, second)
    assert refresh(submitted).status == Report.Status.SUBMITTED  # the first must approve again
    approve(submitted, first)
    report = refresh(submitted)
    assert report.status == Report.Status.APPROVED
    assert report.approved_content_hash == services.current_content_hash(report)
    assert report.approvals.filter(withdrawn_at__isnull=True).count() == 2


def test_a_change_in_portal_data_between_approvals_needs_both_again(submitted, chairs, rendering):
    first, second = chairs
    approve(submitted, first)
    rendering.data = "three meetings held"
    approve(submitted, second)
    assert refresh(submitted).status == Report.Status.SUBMITTED
    approve(submitted, first)
    assert refresh(submitted).status == Report.Status.APPROVED


def test_a_co_chair_whose_term_ends_while_the_report_is_pending_still_decides(
    group, submitted, chairs
):
    """The approvers are those serving at submission: the choice is documented in
    reports.services; a successor who starts later is not asked."""
    first, second = chairs
    CoChairTerm.objects.filter(member=first.affiliation).update(
        starts_on=YESTERDAY - datetime.timedelta(days=300), ended_on=YESTERDAY
    )
    successor = co_chair(group)
    assert first.affiliation in refresh(submitted).approvers.all()
    with pytest.raises(ValidationError, match="Only the report's co-chairs"):
        approve(submitted, successor)
    approve(submitted, second)
    approve(submitted, first)
    assert refresh(submitted).status == Report.Status.APPROVED


def test_two_approvals_arriving_at_once_make_exactly_one_approved_version(
    submitted, chairs, django_capture_on_commit_callbacks
):
    first, second = chairs
    approve(submitted, first)
    stale_copy = Report.objects.get(pk=submitted.pk)  # both requests read the report first
    with django_capture_on_commit_callbacks(execute=True):
        one = approve(submitted, second)
        again = approve(stale_copy, second)
    assert one == again
    report = refresh(submitted)
    statuses = [h.status for h in report.history.order_by("history_date", "history_id")]
    transitions = [
        (before, after)
        for before, after in zip(statuses, statuses[1:], strict=False)
        if before != after
    ]
    assert transitions.count((Report.Status.SUBMITTED, Report.Status.APPROVED)) == 1
    assert report.approvals.count() == 2
    assert report.render_jobs.count() == 1


def test_a_decision_on_content_that_changed_since_it_was_read_is_refused(submitted, chairs):
    first, _ = chairs
    read = services.current_content_hash(submitted)
    services.report_edit(submitted, summary="Changed after reading.")
    with pytest.raises(ValidationError, match="changed since you read it"):
        approve(submitted, first, content_hash=read)
    assert not Approval.objects.exists()


def test_sending_back_needs_a_comment(submitted, chairs):
    first, _ = chairs
    with pytest.raises(ValidationError, match="Say why"):
        send_back(submitted, first, "  ")
    send_back(submitted, first, "Add the Bangkok workshop.")
    report = refresh(submitted)
    assert report.status == Report.Status.SENT_BACK
    assert report.approvals.get().comment == "Add the Bangkok workshop."


def test_a_report_sent_back_is_edited_submitted_again_and_approved(submitted, chairs, secretariat):
    first, second = chairs
    approve(submitted, second)
    send_back(submitted, first, "Add the Bangkok workshop.")
    services.report_edit(submitted, summary="The group met twice and held a workshop.")
    services.report_submit(submitted, secretariat)
    approve(submitted, first)
    approve(submitted, second)
    assert refresh(submitted).status == Report.Status.APPROVED


def test_only_the_reports_co_chairs_decide(group, submitted, secretariat):
    other_group_chair = co_chair(WorkingGroupFactory())
    expert = participant(group)
    # A focal point of a member who is not an approver.
    focal_point = participant(group, role=Participation.Role.FOCAL_POINT)
    for person in (secretariat, other_group_chair, expert, focal_point):
        with pytest.raises(ValidationError, match="Only the report's co-chairs"):
            approve(submitted, person)


def test_a_draft_is_not_decided_on(report, chairs):
    report.approvers.set([chairs[0].affiliation])
    with pytest.raises(ValidationError, match="not waiting"):
        approve(report, chairs[0])


# --- After approval -----------------------------------------------------------------------


@pytest.fixture
def approved(submitted, chairs):
    for person in chairs:
        approve(submitted, person)
    return refresh(submitted)


def test_an_approved_report_cannot_be_edited(approved):
    with pytest.raises(ValidationError, match="approved report"):
        services.report_edit(approved, summary="Too late.")
    assert refresh(approved).summary == "The group met twice."


def test_an_approved_report_is_marked_submitted_to_the_steering_group_then_delivered(approved):
    services.report_mark(approved, Report.Status.SUBMITTED_TO_STEERING_GROUP)
    assert refresh(approved).status == Report.Status.SUBMITTED_TO_STEERING_GROUP
    services.report_mark(approved, Report.Status.DELIVERED_AT_SOM)
    assert refresh(approved).status == Report.Status.DELIVERED_AT_SOM


def test_only_an_approved_report_is_marked(submitted):
    with pytest.raises(ValidationError, match="Only an approved report"):
        services.report_mark(submitted, Report.Status.DELIVERED_AT_SOM)


# --- Pages --------------------------------------------------------------------------------


def page_url(name, report, *extra):
    return reverse(name, args=[report.group.slug, report.kind, report.year, *extra])


def test_report_list_shows_drafts_to_the_secretariat_and_approved_reports_to_members(
    client, group, report, approved, secretariat
):
    draft = services.report_start(group, Report.Kind.BRIEF, 2017)
    url = reverse("report_list", args=[group.slug])
    client.force_login(secretariat)
    page = client.get(url).content.decode()
    assert page_url("report_detail", draft) in page and "Draft the report" in page
    client.force_login(participant(group))
    page = client.get(url).content.decode()
    assert page_url("report_detail", approved) in page
    assert page_url("report_detail", draft) not in page and "Draft the report" not in page


def test_report_list_is_404_for_another_group_and_asks_a_stranger_to_sign_in(client, group):
    url = reverse("report_list", args=[group.slug])
    assert client.get(url).status_code == 302
    client.force_login(participant(WorkingGroupFactory()))
    assert client.get(url).status_code == 404


def test_secretariat_starts_a_report_and_edits_its_narrative(client, group, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("report_start", args=[group.slug]), {"kind": "brief", "year": 2016}
    )
    report = Report.objects.get(group=group, kind="brief", year=2016)
    assert response.url == page_url("report_edit", report)
    data = {
        "summary": "**Two** meetings.",
        "issues_for_direction": "",
        "co_chairs_remarks": "",
        "next_steps": "",
    }
    response = client.post(page_url("report_edit", report), data)
    assert response.url == page_url("report_detail", report)
    assert refresh(report).summary == "**Two** meetings."


def test_only_the_secretariat_starts_edits_submits_and_marks(client, group, submitted, chairs):
    client.force_login(chairs[0])
    assert (
        client.post(
            reverse("report_start", args=[group.slug]), {"kind": "brief", "year": 2016}
        ).status_code
        == 404
    )
    assert client.get(page_url("report_edit", submitted)).status_code == 404
    assert client.post(page_url("report_submit", submitted)).status_code == 404
    assert (
        client.post(page_url("report_mark", submitted), {"status": "delivered"}).status_code == 404
    )


def test_secretariat_submits_from_the_report_page(client, report, secretariat):
    client.force_login(secretariat)
    page = client.get(page_url("report_detail", report)).content.decode()
    assert "Submit to the co-chairs" in page and "Approve this content" not in page
    client.post(page_url("report_submit", report))
    assert refresh(report).status == Report.Status.SUBMITTED


def test_co_chair_reads_the_hash_and_approves_from_the_report_page(
    client, submitted, chairs, django_assert_max_num_queries
):
    client.force_login(chairs[0])
    with django_assert_max_num_queries(25):
        page = client.get(page_url("report_detail", submitted)).content.decode()
    content_hash = services.current_content_hash(submitted)
    assert content_hash in page and "Approve this content" in page and "srcdoc=" in page
    response = client.post(
        page_url("report_decide", submitted), {"decision": "approved", "content_hash": content_hash}
    )
    assert response.status_code == 302
    assert submitted.approvals.get().person == chairs[0]


def test_co_chair_sending_back_without_a_comment_is_told_why(client, submitted, chairs):
    client.force_login(chairs[0])
    data = {"decision": "sent_back", "content_hash": services.current_content_hash(submitted)}
    response = client.post(page_url("report_decide", submitted), data, follow=True)
    assert "Say why you send the report back" in response.content.decode()
    assert refresh(submitted).status == Report.Status.SUBMITTED


def test_members_read_only_an_approved_report_and_cannot_decide(client, group, submitted, chairs):
    client.force_login(participant(group))
    assert client.get(page_url("report_detail", submitted)).status_code == 404
    data = {"decision": "approved", "content_hash": services.current_content_hash(submitted)}
    assert client.post(page_url("report_decide", submitted), data).status_code == 404
    for person in chairs:
        approve(submitted, person)
    page = client.get(page_url("report_detail", submitted)).content.decode()
    assert "Approved" in page and "Approve this content" not in page


def test_report_page_is_404_for_another_group_and_asks_a_stranger_to_sign_in(client, approved):
    url = page_url("report_detail", approved)
    assert client.get(url).status_code == 302
    assert client.post(page_url("report_decide", approved)).status_code == 302
    client.force_login(co_chair(WorkingGroupFactory()))
    assert client.get(url).status_code == 404
    assert client.get(page_url("report_pdf", approved)).status_code == 404


def test_secretariat_marks_an_approved_report_delivered(client, approved, secretariat):
    client.force_login(secretariat)
    client.post(page_url("report_mark", approved), {"status": "delivered"})
    assert refresh(approved).status == Report.Status.DELIVERED_AT_SOM


def test_the_preview_holds_the_whole_report_however_it_is_quoted(
    client, report, secretariat, rendering
):
    from html.parser import HTMLParser

    services.report_edit(report, summary='She said "approve" & <left>.')

    class Frames(HTMLParser):
        srcdoc = None

        def handle_starttag(self, tag, attrs):
            if tag == "iframe":
                self.srcdoc = dict(attrs).get("srcdoc")

    client.force_login(secretariat)
    frames = Frames()
    frames.feed(client.get(page_url("report_detail", report)).content.decode())
    report = refresh(report)
    assert frames.srcdoc == rendering.report_html(report, rendering.report_content(report))
    assert frames.srcdoc.endswith("<p>She said &quot;approve&quot; &amp; &lt;left&gt;.</p>")


def test_approve_this_content_is_offered_only_until_the_co_chair_decided_on_it(
    client, submitted, chairs, rendering
):
    first, _ = chairs
    client.force_login(first)
    approve(submitted, first)
    page = client.get(page_url("report_detail", submitted)).content.decode()
    assert "Approve this content" not in page and "Send back with this comment" not in page
    assert "You approved this content for" in page
    # Once the content changes, the earlier approval no longer stands for it: decide again.
    rendering.data = "three meetings held"
    page = client.get(page_url("report_detail", submitted)).content.decode()
    assert "Approve this content" in page and "You approved this content" not in page


def test_an_approval_of_content_that_has_changed_since_is_not_shown_as_standing(
    client, submitted, chairs, secretariat, rendering
):
    approve(submitted, chairs[0])
    client.force_login(secretariat)
    page = client.get(page_url("report_detail", submitted)).content.decode()
    assert "<td>Yes</td>" in page
    rendering.data = "three meetings held"
    page = client.get(page_url("report_detail", submitted)).content.decode()
    assert "No: the content changed since" in page and "<td>Yes</td>" not in page


def test_the_co_chair_is_told_plainly_what_their_decision_did(client, submitted, chairs):
    first, second = chairs
    client.force_login(second)
    data = {"decision": "approved", "content_hash": read_hash(submitted)}
    response = client.post(page_url("report_decide", submitted), data, follow=True)
    assert "You approved the report." in response.content.decode()
    client.force_login(first)
    data = {"decision": "sent_back", "content_hash": read_hash(submitted), "comment": "Add it."}
    response = client.post(page_url("report_decide", submitted), data, follow=True)
    page = response.content.decode()
    assert "You sent the report back to the secretariat." in page and "as read" not in page


def test_the_decisions_table_scrolls_within_its_own_box_on_a_phone(
    client, submitted, chairs, secretariat
):
    approve(submitted, chairs[0])
    client.force_login(secretariat)
    page = client.get(page_url("report_detail", submitted)).content.decode()
    box = page.index('<div class="table-scroll"')
    assert box < page.index('<table class="decisions">') < page.index("</div>", box + 1)
    # The fingerprints, 64 characters without a space, break rather than widen the page.
    assert '<code class="content-hash">' in page


def test_the_outcome_record_of_a_meeting_not_yet_held_cannot_be_submitted(
    client, group, chairs, secretariat
):
    starts = timezone.now() + datetime.timedelta(days=30)
    meeting = MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        body="",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=8),
    )
    Outcome.objects.create(meeting=meeting, number=1, text="Agreed in advance.")
    record = services.outcome_record_start(meeting)
    with pytest.raises(ValidationError, match="has not been held yet"):
        services.report_submit(record, secretariat)
    client.force_login(secretariat)
    url = reverse("report_submit", kwargs={"meeting_id": meeting.pk})
    page = client.post(url, follow=True).content.decode()
    assert "The meeting has not been held yet" in page
    assert refresh(record).status == Report.Status.DRAFT
    assert not record.approvers.exists()

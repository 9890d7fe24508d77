"""A meeting's outcome record: the co-chairs who chaired the meeting approve its outcomes,
with the same approval as a report, before the group's members read them."""

import datetime
import html
import io

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.models import Participation
from meetings import services
from meetings.models import Meeting
from reports import services as report_services
from reports.models import Approval, Report
from tests.factories import (
    CoChairTermFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    held_chatham_house_meeting,
    participant,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
HELD_ON = TODAY - DAY * 60


@pytest.fixture
def world():
    """A meeting held 60 days ago, co-chaired by Thailand (whose term has since ended) and
    Indonesia; the Philippines has held Thailand's seat since."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    thailand, indonesia, philippines = (
        MemberFactory(name=n) for n in ("Thailand", "Indonesia", "Philippines")
    )
    changeover = TODAY - DAY * 10
    for member, seat, starts, ends in [
        (thailand, 1, TODAY - DAY * 700, changeover),
        (indonesia, 2, TODAY - DAY * 300, TODAY + DAY * 400),
        (philippines, 1, changeover + DAY, TODAY + DAY * 700),
    ]:
        CoChairTermFactory(
            group=group, member=member, seat=seat, starts_on=starts, planned_end_on=ends
        )
    starts = timezone.make_aware(datetime.datetime.combine(HELD_ON, datetime.time(9)))
    meeting = held_chatham_house_meeting(group, "Second meeting of WG-TIP", starts)
    services.outcome_add(meeting, kind="agreed", text="Members agreed to draft a module.")
    services.outcome_add(meeting, kind="recommendation", text="Hold a forum in 2017.")
    focal = Participation.Role.FOCAL_POINT
    return {
        "group": group,
        "meeting": meeting,
        "secretariat": SecretariatFactory(),
        "thailand": participant(group, member=thailand, role=focal, email="th@example.org"),
        "indonesia": participant(group, member=indonesia, role=focal, email="id@example.org"),
        "philippines": participant(group, member=philippines, role=focal),
        "member": participant(group),
    }


def submit(world):
    record = report_services.outcome_record_start(world["meeting"])
    return report_services.report_submit(record, world["secretariat"])


def approve(record, person):
    content_hash = report_services.current_content_hash(Report.objects.get(pk=record.pk))
    return report_services.report_decide(
        record, person=person, decision="approved", content_hash=content_hash
    )


def meeting_page(client, person, meeting) -> str:
    client.force_login(person)
    return html.unescape(client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode())


def test_the_co_chairs_who_chaired_the_meeting_approve_its_outcomes(world, mailoutbox):
    record = submit(world)
    approvers = {m.name for m in record.approvers.all()}
    assert approvers == {"Thailand", "Indonesia"}  # not the Philippines, serving today
    content = report_services.current_content_hash(record)
    with pytest.raises(ValidationError, match="report's co-chairs"):
        report_services.report_decide(
            record, person=world["philippines"], decision="approved", content_hash=content
        )
    approve(record, world["thailand"])
    assert Report.objects.get(pk=record.pk).status == Report.Status.SUBMITTED
    approve(record, world["indonesia"])
    record = Report.objects.get(pk=record.pk)
    assert record.status == Report.Status.APPROVED
    assert record.approved_content_hash == content
    history = record.history.order_by("history_date")
    assert [h.status for h in history][-2:] == ["submitted", "approved"]
    assert history.last().history_user == world["indonesia"]


def test_members_read_the_outcomes_once_the_co_chairs_have_approved_them(
    client, world, django_capture_on_commit_callbacks
):
    meeting = world["meeting"]
    text = meeting_page(client, world["member"], meeting)
    assert "Members agreed to draft a module." not in text
    assert "The co-chairs have not yet approved the outcomes of this meeting." in text
    # The secretariat and the co-chairs serving today read them, marked as not approved.
    for person in (world["secretariat"], world["philippines"]):
        text = meeting_page(client, person, meeting)
        assert "Members agreed to draft a module." in text
        assert "the group's members do not see these outcomes yet" in text
    record = submit(world)
    approve(record, world["thailand"])
    assert "Members agreed to draft a module." not in meeting_page(client, world["member"], meeting)
    with django_capture_on_commit_callbacks(execute=True):
        approve(record, world["indonesia"])
    text = meeting_page(client, world["member"], meeting)
    assert "Members agreed to draft a module." in text and "Hold a forum in 2017." in text
    assert "Approved by the co-chairs on" in text
    # The frozen PDF of the co-chairs' statement is theirs to download.
    pdf_url = reverse("report_pdf", kwargs={"meeting_id": meeting.pk})
    assert pdf_url in text
    response = client.get(pdf_url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    statement = "\n".join(page.extract_text() for page in pages)
    assert "Second meeting of WG-TIP" in statement
    assert "Members agreed to draft a module." in statement
    assert "Co-chaired by Thailand and Indonesia" in " ".join(statement.split())
    assert "Ms Speaker" not in statement


def test_a_change_to_the_outcomes_while_the_co_chairs_decide_withdraws_approvals(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    record = submit(world)
    first = approve(record, world["thailand"])
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_add(world["meeting"], kind="agreed", text="Meet again in May.")
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    told = [m for m in mailoutbox if "was changed" in m.subject]
    assert {m.to[0] for m in told} == {"th@example.org", "id@example.org"}
    # Indonesia's approval of the new content is not enough: Thailand must read it again.
    approve(record, world["indonesia"])
    assert Report.objects.get(pk=record.pk).status == Report.Status.SUBMITTED
    approve(record, world["thailand"])
    assert Report.objects.get(pk=record.pk).status == Report.Status.APPROVED
    # Every decision is kept, the withdrawn one too.
    decisions = Approval.objects.filter(report=record).order_by("decided_at", "pk")
    assert [(d.member.name, d.withdrawn_at is None) for d in decisions] == [
        ("Thailand", False),
        ("Indonesia", True),
        ("Thailand", True),
    ]


def test_approved_outcomes_can_no_longer_change(client, world):
    record = submit(world)
    approve(record, world["thailand"])
    approve(record, world["indonesia"])
    meeting = world["meeting"]
    with pytest.raises(ValidationError, match="can no longer change"):
        services.outcome_add(meeting, kind="agreed", text="One more.")
    with pytest.raises(ValidationError, match="can no longer change"):
        services.outcome_delete(meeting.outcomes.first())
    # Through the pages: the secretariat is told, and nothing is lost.
    client.force_login(world["secretariat"])
    outcome = meeting.outcomes.first()
    response = client.post(reverse("outcome_delete", args=[meeting.pk, outcome.pk]), follow=True)
    assert "can no longer change" in html.unescape(response.content.decode())
    page = client.get(reverse("meeting_outcomes", args=[meeting.pk])).content.decode()
    assert "Add the outcome" not in page and "Remove" not in page
    assert meeting.outcomes.count() == 2


def test_the_secretariat_opens_the_record_from_the_outcomes_page(client, world):
    client.force_login(world["secretariat"])
    url = reverse("meeting_outcomes", args=[world["meeting"].pk])
    assert "Open the outcome record" in client.get(url).content.decode()
    start = reverse("outcome_record_start", args=[world["meeting"].pk])
    first, again = client.post(start), client.post(start)
    record = Report.objects.get(meeting=world["meeting"])
    assert (
        first.url == again.url == reverse("report_detail", kwargs={"meeting_id": record.meeting_id})
    )
    assert (record.kind, record.year, record.status) == ("outcome_record", HELD_ON.year, "draft")
    page = html.unescape(client.get(first.url).content.decode())
    assert "Outcome record of Second meeting of WG-TIP" in page
    assert "Submit to the co-chairs" in page
    # The members do not find a draft.
    client.force_login(world["member"])
    assert client.get(first.url).status_code == 404


def test_a_record_needs_outcomes_and_a_working_group(world):
    empty = MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP, group=world["group"], body="",
        starts_at=world["meeting"].starts_at, ends_at=world["meeting"].ends_at,
    )  # fmt: skip
    record = report_services.outcome_record_start(empty)
    with pytest.raises(ValidationError, match="Record the meeting's outcomes"):
        report_services.report_submit(record, world["secretariat"])
    with pytest.raises(ValidationError, match="Only a working group's meeting"):
        report_services.outcome_record_start(MeetingFactory())


def test_a_bali_process_bodys_outcomes_are_read_as_recorded(client, world):
    som = MeetingFactory(title="Ad Hoc Group SOM")
    services.outcome_add(som, kind="agreed", text="Officials welcomed the groups' reports.")
    text = meeting_page(client, world["member"], som)
    assert "Officials welcomed the groups' reports." in text


def test_a_co_chair_finds_the_record_waiting_on_the_home_page(client, world):
    record = submit(world)
    client.force_login(world["thailand"])
    text = html.unescape(client.get(reverse("home")).content.decode())
    assert "Waiting for your approval" in text
    assert "WG-TIP: Outcome record of Second meeting of WG-TIP" in text
    assert reverse("report_detail", kwargs={"meeting_id": record.meeting_id}) in text
    approve(record, world["thailand"])
    text = client.get(reverse("home")).content.decode()
    assert "Waiting for your approval" not in text


@pytest.mark.parametrize("more", [0, 12])
def test_the_meeting_page_queries_stay_bounded_with_a_record(
    client, world, django_assert_max_num_queries, more
):
    for i in range(more):
        services.outcome_add(world["meeting"], kind="agreed", text=f"Outcome {i}.")
    record = submit(world)
    approve(record, world["thailand"])
    approve(record, world["indonesia"])
    for person in (world["member"], world["thailand"], world["secretariat"]):
        client.force_login(person)
        with django_assert_max_num_queries(19):
            assert (
                client.get(reverse("meeting_detail", args=[world["meeting"].pk])).status_code == 200
            )


def test_a_meeting_with_an_outcome_record_keeps_its_group(world):
    submit(world)
    meeting = world["meeting"]
    meeting.group = WorkingGroupFactory(short_name="WG-DCN")
    with pytest.raises(ValidationError, match="co-chairs of the group that held it"):
        services.meeting_save(meeting)
    assert Meeting.objects.get(pk=meeting.pk).group == world["group"]

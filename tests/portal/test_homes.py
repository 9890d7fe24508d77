"""Each person's home page shows what they must do next: a panel for each of their roles
(secretariat, co-chair, member, observer), each row linking to where it is dealt with,
and nothing they may not see."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import CoChairTerm, Participation
from meetings import agenda, papers
from meetings import services as meeting_services
from meetings.models import Document, Invitation, Meeting
from portal.accounts.models import User
from reports import pdf as report_pdf
from reports import services as report_services
from reports.models import RenderJob, Report
from tests.factories import (
    ActionFactory,
    CoChairTermFactory,
    MeetingFactory,
    MemberFactory,
    ParticipationFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)
from workplans import services as workplan_services
from workplans.models import Action, WorkPlan

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CLEARED = {"clearance_level": "Negative Vetting 1", "clearance_expires_on": TODAY + 365 * DAY}
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def group_meeting(group, days: int = 30, **fields) -> Meeting:
    starts_at = timezone.now() + days * DAY
    defaults = {
        "kind": Meeting.Kind.WORKING_GROUP,
        "group": group,
        "body": "",
        "title": f"Meeting of {group.short_name} in {days} days",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=8),
        "city": "Bangkok",
    }
    return MeetingFactory(**{**defaults, **fields})


def home(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def rows(page: str) -> list[str]:
    """The list rows of the page, tags removed and spaces squeezed."""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<li[ >].*?</li>", page, re.S)
    ]


def row_of(page: str, text: str) -> str:
    found = [row for row in rows(page) if text in row]
    assert len(found) == 1, (text, found)
    return found[0]


def section(page: str, heading_id: str) -> str:
    """The HTML of the page's section labelled by the heading with this id ('' if none)."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    return match.group(0) if match else ""


def paper(meeting, title: str, access: str) -> Document:
    return papers.document_add(
        meeting,
        title=title,
        access=access,
        upload=SimpleUploadedFile(f"{title}.pdf", PDF, content_type="application/pdf"),
        uploaded_by=None,
    )


def published_agenda(meeting) -> None:
    agenda.item_add(meeting, title="Opening")
    agenda.agenda_publish(meeting)


@pytest.fixture
def tip():
    """A working group with two co-chairs (Australia's focal point is Grace), Thailand's
    expert Somchai, and an adopted work plan."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    australia = MemberFactory(name="Australia", slug="australia")
    grace = participant(
        group, role=Participation.Role.FOCAL_POINT, member=australia, first_name="Grace"
    )
    CoChairTermFactory(group=group, member=australia)
    indonesia = MemberFactory(name="Indonesia", slug="indonesia")
    CoChairTermFactory(group=group, member=indonesia, seat=CoChairTerm.Seat.SECOND)
    rizal = participant(
        group, role=Participation.Role.FOCAL_POINT, member=indonesia, first_name="Rizal"
    )
    thailand = MemberFactory(name="Thailand", slug="thailand")
    somchai = participant(group, member=thailand, first_name="Somchai")
    plan = WorkPlanFactory(group=group, period="2024-2026", slug="2024-2026")
    return {
        "group": group,
        "australia": australia,
        "grace": grace,
        "rizal": rizal,
        "thailand": thailand,
        "somchai": somchai,
        "plan": plan,
    }


def test_a_stranger_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- Secretariat: meetings ahead --------------------------------------------------------


def test_the_secretariat_sees_the_meetings_of_the_next_90_days_with_agenda_and_answers(client, tip):
    published = group_meeting(tip["group"], 10, title="Published one")
    published_agenda(published)
    draft = group_meeting(tip["group"], 20, title="Draft one")
    agenda.item_add(draft, title="Opening")
    group_meeting(tip["group"], 30, title="Bare one")
    group_meeting(tip["group"], 120, title="Far one")
    meeting_services.invitations_send(published, persons=[tip["somchai"], tip["grace"]])
    invitation = published.invitations.get(person=tip["somchai"])
    meeting_services.invitation_answer(invitation, Invitation.Response.ACCEPTED, tip["somchai"])

    page = home(client, SecretariatFactory())

    assert "Meetings in the next 90 days" in page
    assert "Agenda published" in row_of(page, "Published one")
    assert "1 of 2 invitations answered, 1 awaiting an answer" in row_of(page, "Published one")
    assert "Agenda in draft, not published" in row_of(page, "Draft one")
    assert "No agenda yet" in row_of(page, "Bare one")
    assert "No invitation sent" in row_of(page, "Bare one")
    assert "Far one" not in page
    assert reverse("meeting_invitations", args=[published.pk]) in page
    assert reverse("agenda_edit", args=[draft.pk]) in page


def test_with_no_meeting_in_90_days_the_secretariat_is_told_of_the_next_one(client, tip):
    later = group_meeting(tip["group"], 120, title="Annual meeting next year")
    page = home(client, SecretariatFactory())
    assert "No meeting in the next 90 days. The next is" in page
    assert reverse("meeting_detail", args=[later.pk]) in page

    later.delete()
    page = home(client, SecretariatFactory())
    assert "No meeting in the next 90 days." in page and "The next is" not in page


# --- Reports waiting ----------------------------------------------------------------------


def submitted(group, secretariat, *, days_ago: int = 0, meeting=None) -> Report:
    if meeting is not None:
        report = report_services.outcome_record_start(meeting)
    else:
        report = report_services.report_start(group, Report.Kind.ANNUAL, 2025)
    report = report_services.report_submit(report, secretariat)
    # The report went to the co-chairs some days ago.
    Report.objects.filter(pk=report.pk).update(submitted_at=timezone.now() - days_ago * DAY)
    return report


def test_the_secretariat_sees_reports_and_outcome_records_waiting_and_for_how_long(client, tip):
    secretariat = SecretariatFactory()
    held = group_meeting(tip["group"], -40, title="Annual meeting", status=Meeting.Status.HELD)
    meeting_services.outcome_add(held, kind="agreed", text="To meet again next year.")
    report = submitted(tip["group"], secretariat, days_ago=12)
    submitted(tip["group"], secretariat, days_ago=1, meeting=held)

    page = home(client, secretariat)

    waiting = section(page, "waiting-heading")
    assert "Waiting for the co-chairs' approval" in waiting
    assert "Waiting 12 days" in row_of(waiting, "Annual report to the Steering Group 2025")
    assert "0 of 2 co-chairs approved" in row_of(waiting, "Annual report")
    assert "Waiting 1 day " in row_of(waiting, "Outcome record of Annual meeting")
    assert reverse("report_detail", kwargs=report.url_kwargs()) in waiting


def test_with_nothing_waiting_the_secretariat_is_told_so(client):
    page = home(client, SecretariatFactory())
    assert "No report or outcome record is waiting for the co-chairs." in page


def test_a_co_chair_sees_what_waits_for_their_approval_and_nothing_of_another_group(client, tip):
    report = submitted(tip["group"], SecretariatFactory(), days_ago=3)
    other = co_chair(WorkingGroupFactory(short_name="WG-OTHER"))

    waiting = section(home(client, tip["grace"]), "waiting-heading")
    assert "Waiting for your approval" in waiting and "Waiting 3 days" in waiting
    assert reverse("report_detail", kwargs=report.url_kwargs()) in waiting

    assert "Nothing is waiting for your approval." in home(client, other)
    # An expert decides on no report: the panel does not apply to them.
    assert section(home(client, tip["somchai"]), "waiting-heading") == ""


# --- Actions overdue or stale, by group --------------------------------------------------


def test_the_secretariat_sees_overdue_and_stale_actions_by_group_with_links(client, tip):
    plan = tip["plan"]
    forgotten = ActionFactory(plan=plan, target_period="2016/17", description="Forgotten one.")
    reported = ActionFactory(plan=plan, target_period="2016/17", description="Reported one.")
    workplan_services.update_post(reported, text="Under way.", author=tip["somchai"])
    ActionFactory(plan=plan, target_period="2016/17", status=Action.Status.COMPLETE)
    fresh = ActionFactory(plan=plan, target_period="2030", description="Fresh one.")
    workplan_services.update_post(fresh, text="Started.", author=tip["somchai"])
    old = WorkPlanFactory(group=tip["group"], status=WorkPlan.Status.SUPERSEDED)
    ActionFactory(plan=old, target_period="2016/17")  # carried into its successor
    other = WorkingGroupFactory(short_name="WG-OTHER")
    ActionFactory(plan=WorkPlanFactory(group=other), target_period="2030")

    secretariat = SecretariatFactory()
    page = home(client, secretariat)

    panel = section(page, "attention-heading")
    tip_row = re.search(r"<tr><th scope=\"row\">WG-TIP.*?</tr>", panel, re.S).group(0)
    assert "2 overdue" in tip_row and "1 without an update" in tip_row
    # The overdue link lists exactly the group's overdue actions.
    overdue_link = f"{reverse('action_list')}?group={tip['group'].pk}&overdue=on"
    assert overdue_link.replace("&", "&amp;") in tip_row
    listed = client.get(overdue_link).content.decode()
    assert forgotten.description in listed and reported.description in listed
    assert fresh.description not in listed
    other_row = re.search(r"<tr><th scope=\"row\">WG-OTHER.*?</tr>", panel, re.S).group(0)
    assert "1 without an update" in other_row and "overdue" not in other_row

    # The link lists exactly the group's stale actions.
    stale_link = f"{reverse('action_list')}?group={tip['group'].pk}&stale=on"
    assert stale_link.replace("&", "&amp;") in tip_row
    listed = client.get(stale_link).content.decode()
    assert forgotten.description in listed
    assert reported.description not in listed and fresh.description not in listed


def test_with_no_action_to_chase_the_secretariat_is_told_so(client, tip):
    fresh = ActionFactory(plan=tip["plan"], target_period="2030")
    workplan_services.update_post(fresh, text="Started.", author=tip["somchai"])
    page = home(client, SecretariatFactory())
    assert "No action is overdue or without an update for six months." in page


# --- Failed renderings --------------------------------------------------------------------


def failed_rendering(report, monkeypatch) -> RenderJob:
    def fail(*args, **kwargs):
        raise ValueError("the action table is missing")

    monkeypatch.setattr(report_pdf, "report_printed", fail)  # in the printing child
    job = report_services.render_job_create(report)
    report_services.render_run(job.pk)
    monkeypatch.undo()
    return RenderJob.objects.get(pk=job.pk)


def test_the_secretariat_sees_reports_whose_latest_rendering_failed(client, tip, monkeypatch):
    broken = report_services.report_start(tip["group"], Report.Kind.ANNUAL, 2025)
    assert failed_rendering(broken, monkeypatch).status == RenderJob.Status.FAILED
    mended = report_services.report_start(tip["group"], Report.Kind.BRIEF, 2026)
    failed_rendering(mended, monkeypatch)
    RenderJob.objects.create(
        report=mended, content_hash="0" * 64, status=RenderJob.Status.SUCCEEDED
    )

    page = home(client, SecretariatFactory())

    panel = section(page, "renderings-heading")
    assert "Annual report to the Steering Group 2025" in panel
    assert "the action table is missing" in panel
    assert reverse("report_detail", kwargs=broken.url_kwargs()) in panel
    assert "Oral-update brief" not in panel
    # Nobody else is shown the renderings.
    assert section(home(client, tip["grace"]), "renderings-heading") == ""
    assert "the action table is missing" not in home(client, tip["somchai"])


def test_with_no_failed_rendering_the_secretariat_is_told_so(client):
    assert "No report's latest rendering has failed." in home(client, SecretariatFactory())


# --- Proposals ----------------------------------------------------------------------------


def test_the_secretariat_and_the_co_chairs_see_the_proposals_waiting_with_a_link(client, tip):
    action = ActionFactory(plan=tip["plan"], target_period="2030")
    workplan_services.proposal_make(
        tip["plan"], by=tip["somchai"], member=tip["thailand"], kind="lead", action=action
    )
    proposals = reverse("proposal_list", args=[tip["group"].slug, tip["plan"].slug])

    panel = section(home(client, SecretariatFactory()), "proposals-heading")
    assert "1 proposal awaiting a decision" in panel and proposals in panel

    chair = section(home(client, tip["grace"]), "chair-wg-tip-heading")
    assert "1 proposal awaiting a decision" in chair and proposals in chair

    # The expert who proposed decides nothing.
    assert "awaiting a decision" not in home(client, tip["somchai"])


def test_with_no_proposal_waiting_the_secretariat_and_co_chairs_are_told_so(client, tip):
    assert "No proposal awaits a decision." in home(client, SecretariatFactory())
    assert "No proposal awaits a decision." in home(client, tip["grace"])


# --- Roster, meetings and reviews (kept) ------------------------------------------------


def test_the_secretariat_still_sees_reviews_due_and_groups_not_met(client, tip):
    page = section(home(client, SecretariatFactory()), "alerts-heading")
    assert "Review date 6 August 2016 has passed." in page
    assert "Has no meeting on record." in page


def test_with_every_group_in_order_the_secretariat_is_told_so(client):
    page = home(client, SecretariatFactory())
    assert "none is past its review date, and no roster has a problem" in page


# --- Co-chair -----------------------------------------------------------------------------


def test_a_co_chair_sees_their_group_s_next_meeting_once_with_its_draft_agenda(client, tip):
    next_one = group_meeting(tip["group"], 20, title="Annual meeting")
    agenda.item_add(next_one, title="Opening")
    group_meeting(tip["group"], 60, title="Workshop later")
    meeting_services.invitations_send(next_one, members=[tip["australia"]])

    page = home(client, tip["grace"])

    chair = section(page, "chair-wg-tip-heading")
    assert "Annual meeting" in chair and "Workshop later" not in chair
    assert "Draft agenda" in row_of(chair, "Annual meeting")
    assert "Australia's answer: not answered · Answer the invitation" in row_of(page, "Annual")
    # Listed once on the page: the other meetings panel has the rest.
    assert page.count(">Annual meeting</a>") == 1
    assert "Workshop later" in section(page, "meetings-heading")


def test_a_co_chair_sees_their_group_s_actions_needing_attention_with_links(client, tip):
    ActionFactory(plan=tip["plan"], target_period="2016/17")
    chair = section(home(client, tip["grace"]), "chair-wg-tip-heading")
    assert "1 overdue" in chair and "1 without an update" in chair
    assert f"{reverse('action_list')}?group={tip['group'].pk}&amp;overdue=on" in chair


def test_a_co_chair_of_a_quiet_group_is_told_there_is_nothing_to_chase(client, tip):
    chair = section(home(client, tip["grace"]), "chair-wg-tip-heading")
    assert "No meeting of WG-TIP ahead." in chair
    assert "No action of WG-TIP is overdue or without an update for six months." in chair


def test_an_expert_has_no_co_chair_panel(client, tip):
    ActionFactory(plan=tip["plan"], target_period="2016/17")
    page = home(client, tip["somchai"])
    assert "as co-chair" not in page and "overdue" not in page


# --- Member -------------------------------------------------------------------------------


def test_a_member_sees_their_next_meetings_with_agenda_papers_and_their_answer(client, tip):
    meeting = group_meeting(tip["group"], 15, title="Annual meeting")
    published_agenda(meeting)
    paper(meeting, "Concept note", Document.Access.PUBLIC)
    paper(meeting, "Draft plan", Document.Access.PARTICIPANTS)
    paper(meeting, "Cleared brief", Document.Access.CLEARED)
    paper(meeting, "Budget", Document.Access.SECRETARIAT)
    unpublished = group_meeting(tip["group"], 45, title="Workshop")
    agenda.item_add(unpublished, title="Opening")
    meeting_services.invitations_send(meeting, persons=[tip["somchai"]])

    page = home(client, tip["somchai"])

    row = row_of(page, "Annual meeting")
    assert "Agenda" in row and "2 papers you may read" in row
    assert "Your answer: not answered · Answer the invitation" in row
    assert f"{reverse('meeting_detail', args=[meeting.pk])}#agenda-heading" in page
    assert "Agenda not yet published" in row_of(page, "Workshop")
    assert "Not invited" in row_of(page, "Workshop")

    invitation = meeting.invitations.get()
    meeting_services.invitation_answer(invitation, Invitation.Response.ONLINE, tip["somchai"])
    assert "Your answer: will attend online" in row_of(home(client, tip["somchai"]), "Annual")


def test_a_member_sees_their_member_s_invitation_but_answers_only_what_is_theirs(client, tip):
    meeting = group_meeting(tip["group"], 15, title="Annual meeting")
    meeting_services.invitations_send(meeting, members=[tip["thailand"]])
    row = row_of(home(client, tip["somchai"]), "Annual meeting")
    # Thailand's focal point answers Thailand's invitation, not its expert.
    assert "Thailand's answer: not answered" in row and "Answer the invitation" not in row


def test_an_uncleared_member_sees_no_meeting_of_a_cleared_group(client):
    dcn = WorkingGroupFactory(short_name="WG-DCN", clearance_required=True)
    sri_lanka = MemberFactory(name="Sri Lanka")
    kamala = participant(dcn, member=sri_lanka, **CLEARED)
    nimal = participant(dcn, member=sri_lanka, **CLEARED)
    ParticipationFactory(person=nimal, member=sri_lanka)  # and in a group open to all
    meeting = group_meeting(dcn, 20, title="Border data exchange")
    meeting_services.invitations_send(meeting, persons=[nimal, kamala])
    nimal.clearance_expires_on = TODAY - DAY  # lapsed, as recorded in the back office
    nimal.save(update_fields=["clearance_expires_on"])

    assert "Border data exchange" in home(client, kamala)
    page = home(client, nimal)
    assert "Border data exchange" not in page and "No meeting ahead." in page


def test_a_member_sees_the_open_actions_it_leads_or_funds_with_post_an_update(client, tip):
    thailand = tip["thailand"]
    leads = ActionFactory(plan=tip["plan"], description="Thailand leads.", lead_members=[thailand])
    funds = ActionFactory(
        plan=tip["plan"], description="Thailand funds.", funding_members=[thailand]
    )
    ActionFactory(
        plan=tip["plan"],
        description="Thailand finished.",
        status=Action.Status.COMPLETE,
        lead_members=[thailand],
    )
    ActionFactory(plan=tip["plan"], description="Australia leads.", lead_members=[tip["australia"]])
    old = WorkPlanFactory(group=tip["group"], status=WorkPlan.Status.SUPERSEDED)
    ActionFactory(plan=old, description="Carried over.", lead_members=[thailand])

    page = home(client, tip["somchai"])

    panel = section(page, "member-actions-heading")
    assert "Open actions Thailand leads or funds" in panel
    assert "Lead" in row_of(panel, "Thailand leads.")
    assert "Funder" in row_of(panel, "Thailand funds.")
    assert "Post an update" in row_of(panel, "Thailand leads.")
    for action in (leads, funds):
        url = reverse("action_detail", args=[tip["group"].slug, tip["plan"].slug, action.number])
        assert f"{url}#post-heading" in panel
    for hidden in ("Thailand finished.", "Australia leads.", "Carried over."):
        assert hidden not in panel
    # Another member's expert sees none of Thailand's actions.
    assert "Thailand leads." not in home(client, participant(tip["group"]))


def test_a_member_whose_member_leads_nothing_open_is_told_so(client, tip):
    page = home(client, tip["somchai"])
    assert "Thailand leads or funds no open action." in page
    assert "No meeting ahead." in page


# --- Observer -----------------------------------------------------------------------------


def test_an_observer_sees_only_the_meetings_they_are_invited_to_with_their_answer(client, tip):
    canada = MemberFactory(name="Canada", is_observer=True, ahg_joined_on=None)
    claire = UserFactory(affiliation=canada, first_name="Claire")
    invited = group_meeting(tip["group"], 20, title="Annual meeting")
    group_meeting(tip["group"], 25, title="Closed workshop")
    meeting_services.invitations_send(invited, persons=[claire])

    page = home(client, claire)

    panel = section(page, "meetings-heading")
    assert "Meetings you are invited to" in panel
    assert "Annual meeting" in panel and "Closed workshop" not in page
    assert "Your answer (as an observer): not answered" in row_of(panel, "Annual meeting")
    assert section(page, "member-actions-heading") == ""

    meeting_services.invitation_answer(
        invited.invitations.get(), Invitation.Response.DECLINED, claire
    )
    assert "will not attend" in row_of(home(client, claire), "Annual meeting")


def test_an_observer_invited_to_nothing_is_told_so(client):
    observer = UserFactory(affiliation=MemberFactory(is_observer=True, ahg_joined_on=None))
    assert "You are not invited to any meeting ahead." in home(client, observer)


# --- Queries ------------------------------------------------------------------------------


def world(count: int) -> dict:
    """`count` groups, each co-chaired by the same member and with the same expert's
    member in it, each with a coming meeting with an agenda, papers and invitations, an
    overdue and a stale action led by the expert's member, a pending proposal, a
    submitted report and a failed rendering."""
    secretariat = SecretariatFactory()
    chair_member, expert_member = MemberFactory(), MemberFactory()
    chair = UserFactory(affiliation=chair_member)
    expert = UserFactory(affiliation=expert_member)
    for _ in range(count):
        group = WorkingGroupFactory()
        for person, member, role in (
            (chair, chair_member, Participation.Role.FOCAL_POINT),
            (expert, expert_member, Participation.Role.EXPERT),
        ):
            Participation.objects.create(
                person=person, group=group, member=member, role=role, started_on=TODAY
            )
        CoChairTermFactory(group=group, member=chair_member)
        for days in (10, 40):
            meeting = group_meeting(group, days)
            published_agenda(meeting)
            paper(meeting, "Concept note", Document.Access.PARTICIPANTS)
            meeting_services.invitations_send(
                meeting, members=[chair_member, expert_member], persons=[expert]
            )
        plan = WorkPlanFactory(group=group, period="2024-2026")
        for target in ("2016/17", "2030"):
            action = ActionFactory(plan=plan, target_period=target, lead_members=[expert_member])
        # Afresh, as in a new request: the person's groups are worked out once per request.
        proposer = User.objects.get(pk=expert.pk)
        workplan_services.proposal_make(
            plan, by=proposer, member=expert_member, kind="funder", action=action
        )
        report = report_services.report_start(group, Report.Kind.ANNUAL, 2025)
        report_services.report_submit(report, secretariat)
        RenderJob.objects.create(
            report=report, content_hash="0" * 64, status=RenderJob.Status.FAILED
        )
    return {"secretariat": secretariat, "co-chair": chair, "expert": expert}


def queries(client, person) -> int:
    client.force_login(person)
    client.get(reverse("home"))  # the first request also sets up the session
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("home")).status_code == 200
    return len(context.captured_queries)


# Session and user, the person's groups and their co-chairs, then one or a few queries per
# panel: the secretariat's has six panels, a co-chair's five; every home also lists the
# texts under silence in the person's groups, in one query; the secretariat's and a
# co-chair's also list the public statements waiting for the co-chairs, in one query.
MOST_QUERIES = {"secretariat": 17, "co-chair": 22, "expert": 15}


@pytest.mark.parametrize("role", list(MOST_QUERIES))
def test_the_home_page_asks_as_many_queries_for_one_of_each_thing_as_for_ten(
    client, role, django_assert_max_num_queries
):
    counts = []
    for count in (1, 10):
        people = world(count)
        counts.append(queries(client, people[role]))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(MOST_QUERIES[role]):
        client.get(reverse("home"))


# --- The demo -------------------------------------------------------------------------------


def demo_home(client, username: str) -> str:
    return home(client, User.objects.get(username=username))


def test_the_demo_secretariat_sees_the_2025_report_waiting_and_the_pending_proposal(client, demo):
    page = demo_home(client, "secretariat")
    waiting = section(page, "waiting-heading")
    report = Report.objects.get(kind=Report.Kind.ANNUAL, year=2025)
    days = (TODAY - timezone.localdate(report.submitted_at)).days
    how_long = f"Waiting {days} day" if days else "Sent to the co-chairs today"
    assert how_long in row_of(waiting, "Annual report to the Steering Group 2025")
    assert "1 proposal awaiting a decision" in section(page, "proposals-heading")


def test_the_demo_co_chair_sees_the_2025_report_waiting_for_their_approval(client, demo):
    page = demo_home(client, "cochair.au")
    waiting = section(page, "waiting-heading")
    assert "Waiting for your approval" in waiting
    assert "Annual report to the Steering Group 2025" in waiting
    assert "WG-TIP, as co-chair" in page


def test_the_demo_expert_sees_the_2027_meeting_with_their_answer_and_thailand_s_actions(
    client, demo
):
    page = demo_home(client, "expert.th")
    row = row_of(section(page, "meetings-heading"), "WG-TIP annual meeting 2027")
    assert "Your answer: not answered · Answer the invitation" in row
    panel = section(page, "member-actions-heading")
    open_led = Action.objects.filter(lead_members__slug="thailand").exclude(
        status__in=(Action.Status.COMPLETE, Action.Status.DISCONTINUED)
    )
    open_led = open_led.exclude(plan__status=WorkPlan.Status.SUPERSEDED)
    assert open_led.exists()
    for action in open_led:
        assert "Post an update" in row_of(panel, f"action {action.number}:")


def test_the_demo_observer_sees_the_meetings_canada_is_invited_to(client, demo):
    page = demo_home(client, "observer")
    panel = section(page, "meetings-heading")
    invited = Meeting.objects.filter(
        invitations__member__name="Canada", ends_at__gte=timezone.now()
    ).exclude(status=Meeting.Status.CANCELLED)
    assert invited.exists()
    for meeting in invited:
        assert "Canada's answer (as an observer)" in row_of(panel, meeting.title)
    assert len(rows(panel)) == invited.count()

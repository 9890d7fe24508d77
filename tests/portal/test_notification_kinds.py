"""Every kind of news the portal tells: each makes a notification in the portal and an
e-mail with a text and an HTML part linking to the page; the daily run tells nobody twice."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from groups.models import Participation
from meetings import agenda
from meetings import services as meeting_services
from portal.notifications import services
from portal.notifications.models import Notification
from reports import services as report_services
from reports.models import Report
from tests.factories import (
    ActionFactory,
    CoChairTermFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)
from workplans import services as workplan_services
from workplans.models import Proposal

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.org"
DAY = datetime.timedelta(days=1)
K = Notification.Kind


@pytest.fixture(autouse=True)
def portal_url(settings):
    settings.PORTAL_URL = SITE


def told(person, kind, link) -> Notification:
    """The one notification of this kind the person has, after checking its e-mail: to
    them, with the page's address in the text and as a link in the HTML part."""
    [notification] = Notification.objects.filter(person=person, kind=kind)
    assert notification.link == link
    [message] = [
        m for m in mail.outbox if m.to == [person.email] and m.subject == notification.subject
    ]
    assert f"{SITE}{link}" in message.body
    [(html_part, mimetype)] = message.alternatives
    assert mimetype == "text/html" and f'href="{SITE}{link}"' in html_part
    return notification


def upcoming(group, days=30):
    starts = timezone.now() + days * DAY
    return MeetingFactory(
        kind="working_group", group=group, body="", starts_at=starts, ends_at=starts + DAY
    )


@pytest.fixture
def wg():
    group = WorkingGroupFactory(short_name="WG-TIP")
    australia = MemberFactory(name="Australia")
    focal = participant(group, role=Participation.Role.FOCAL_POINT, member=australia)
    expert = participant(group, member=australia)
    return {
        "group": group,
        "meeting": upcoming(group),
        "australia": australia,
        "focal": focal,
        "expert": expert,
        "secretary": SecretariatFactory(),
    }


# --- Meetings -------------------------------------------------------------------------------


def test_an_invitation_tells_its_reader_once_however_many_invitations_they_read(
    wg, django_capture_on_commit_callbacks
):
    meeting, focal = wg["meeting"], wg["focal"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.invitations_send(meeting, members=[wg["australia"]], persons=[focal])
    link = reverse("meeting_detail", args=[meeting.pk])
    notification = told(focal, K.INVITATION, link)
    assert notification.subject == f"Invitation: {meeting.title}"
    assert Notification.objects.filter(kind=K.INVITATION).count() == 1


def test_a_reminder_and_a_change_of_place_are_told_in_the_portal_and_by_email(
    wg, django_capture_on_commit_callbacks, settings
):
    meeting, focal = wg["meeting"], wg["focal"]
    [invitation] = meeting_services.invitations_send(meeting, members=[wg["australia"]])
    mail.outbox.clear()
    Notification.objects.all().delete()
    link = reverse("meeting_detail", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_services.remind_now(meeting, by=wg["secretary"]) == 1
    assert told(focal, K.INVITATION, link).subject.startswith("Reminder:")

    meeting_services.invitation_answer(invitation, "accepted", focal)
    mail.outbox.clear()
    meeting.venue = "Another hall"
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_services.meeting_save(meeting) == 1
    assert told(focal, K.MEETING_CHANGED, link).subject == f"Changed: {meeting.title}"


def test_an_agenda_published_and_changed_tells_the_invited_who_may_see_it_at_most_daily(
    wg, django_capture_on_commit_callbacks
):
    meeting, focal = wg["meeting"], wg["focal"]
    meeting_services.invitations_send(meeting, members=[wg["australia"]])
    item = agenda.item_add(meeting, title="Opening")
    mail.outbox.clear()
    # A draft agenda is for the secretariat and the co-chairs: nobody is told of it.
    assert not Notification.objects.filter(kind=K.AGENDA).exists()
    link = reverse("meeting_detail", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        agenda.agenda_publish(meeting)
    assert told(focal, K.AGENDA, link).subject == f"Agenda published: {meeting.title}"
    # The expert is not invited (the member's focal point reads its invitation).
    assert not Notification.objects.filter(person=wg["expert"]).exists()

    mail.outbox.clear()
    Notification.objects.filter(kind=K.AGENDA).delete()
    with django_capture_on_commit_callbacks(execute=True):
        agenda.item_update(item, title="Opening of the meeting")
        agenda.item_add(meeting, title="Closing")
        agenda.speaker_add(item, name="A speaker")
    assert told(focal, K.AGENDA, link).subject == f"Agenda changed: {meeting.title}"
    assert len(mail.outbox) == 1


# --- Reports --------------------------------------------------------------------------------


@pytest.fixture
def report_world():
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    chairs = co_chair(group), co_chair(group)
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    report = report_services.report_edit(report, summary="The group met twice.")
    return {"group": group, "chairs": chairs, "report": report}


def test_a_report_submitted_tells_its_approvers(report_world, django_capture_on_commit_callbacks):
    submitter = SecretariatFactory()
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_submit(report_world["report"], submitter)
    link = reverse("report_detail", kwargs=report.url_kwargs())
    for chair in report_world["chairs"]:
        told(chair, K.APPROVAL_REQUESTED, link)
    [key] = set(Notification.objects.values_list("key", flat=True))
    assert key == f"report-submitted:{report.pk}:v1:{report.submitted_at.isoformat()}"


def decide(report, person, decision, comment=""):
    report = Report.objects.get(pk=report.pk)
    return report_services.report_decide(
        report,
        person=person,
        decision=decision,
        content_hash=report_services.current_content_hash(report),
        comment=comment,
    )


def test_a_report_sent_back_tells_the_secretary_who_submitted_it_and_approved_too(
    report_world, django_capture_on_commit_callbacks
):
    submitter, colleague = SecretariatFactory(), SecretariatFactory()
    first, second = report_world["chairs"]
    report = report_services.report_submit(report_world["report"], submitter)
    link = reverse("report_detail", kwargs=report.url_kwargs())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(report, first, "sent_back", "Add the second meeting.")
    notification = told(submitter, K.APPROVAL_DECIDED, link)
    assert "sent back" in notification.subject and "Add the second meeting." in notification.text
    assert not Notification.objects.filter(person=colleague).exists()

    report = report_services.report_submit(report, submitter)
    Notification.objects.filter(kind=K.APPROVAL_DECIDED).delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(report, first, "approved")
        assert not Notification.objects.filter(kind=K.APPROVAL_DECIDED).exists()
        decide(report, second, "approved")
    assert "approved" in told(submitter, K.APPROVAL_DECIDED, link).subject


def test_a_decision_with_no_submitter_on_record_tells_the_whole_secretariat(
    report_world, django_capture_on_commit_callbacks
):
    first, second = report_world["chairs"]
    secretaries = SecretariatFactory(), SecretariatFactory()
    report = report_services.report_submit(report_world["report"], None)
    with django_capture_on_commit_callbacks(execute=True):
        decide(report, first, "sent_back", "Not yet.")
    for secretary in secretaries:
        assert Notification.objects.filter(person=secretary, kind=K.APPROVAL_DECIDED).exists()


# --- Proposals -------------------------------------------------------------------------------


def test_a_proposal_declined_tells_the_proposer(django_capture_on_commit_callbacks):
    group = WorkingGroupFactory()
    plan = WorkPlanFactory(group=group)
    action = ActionFactory(plan=plan, number=1)
    thailand = MemberFactory(name="Thailand")
    expert = participant(group, member=thailand)
    proposal = workplan_services.proposal_make(
        plan, by=expert, member=thailand, kind=Proposal.Kind.LEAD, action=action
    )
    with django_capture_on_commit_callbacks(execute=True):
        workplan_services.proposal_decline(proposal, by=SecretariatFactory(), note="Not now.")
    link = reverse("proposal_list", args=[group.slug, plan.slug])
    assert "declined" in told(expert, K.PROPOSAL_DECIDED, link).subject


# --- The daily run ---------------------------------------------------------------------------


def test_a_term_ending_with_no_successor_is_told_to_the_secretariat_once_per_term(
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    group = WorkingGroupFactory(short_name="WG-DCN")
    term = CoChairTermFactory(
        group=group, starts_on=today - 600 * DAY, planned_end_on=today + 90 * DAY
    )
    # A term with its successor on the roster is nobody's worry.
    followed = CoChairTermFactory(
        group=group,
        seat=2,
        starts_on=today - 600 * DAY,
        planned_end_on=today + 60 * DAY,
    )
    CoChairTermFactory(
        group=group,
        seat=2,
        starts_on=followed.planned_end_on + DAY,
        planned_end_on=today + 800 * DAY,
    )
    secretaries = SecretariatFactory(), SecretariatFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily_reminders_send(today)["terms_ending"] == 2
    link = reverse("roster", args=[group.slug])
    for secretary in secretaries:
        notification = told(secretary, K.TERM_ENDING, link)
        assert notification.key == f"term-ending:{term.pk}:{term.planned_end_on.isoformat()}"
    assert len(mail.outbox) == 2
    # The same day again, and next week while the term still ends: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily_reminders_send(today)["terms_ending"] == 0
        assert services.daily_reminders_send(today + 7 * DAY)["terms_ending"] == 0
    assert len(mail.outbox) == 2


def test_an_action_without_update_for_six_months_tells_its_lead_members_people_once_a_stretch(
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    group = WorkingGroupFactory()
    plan = WorkPlanFactory(group=group)
    thailand, fiji = MemberFactory(name="Thailand"), MemberFactory(name="Fiji")
    lead = participant(group, member=thailand)
    other = participant(group, member=fiji)
    action = ActionFactory(plan=plan, number=1, lead_members=[thailand])
    workplan_services.update_post(action, text="Begun.", author=lead, reported_on=today - 200 * DAY)
    fresh = ActionFactory(plan=plan, number=2, lead_members=[thailand])
    workplan_services.update_post(fresh, text="Going well.", author=lead, reported_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily_reminders_send(today)["stale_actions"] == 1
    link = reverse("action_detail", args=[group.slug, plan.slug, 1])
    notification = told(lead, K.ACTION_STALE, link)
    assert notification.key.startswith(
        f"action-stale:{action.pk}:{(today - 200 * DAY).isoformat()}"
    )
    assert not Notification.objects.filter(person=other).exists()
    assert len(mail.outbox) == 1
    # Run again today, and next month: still stale, not told again.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily_reminders_send(today)["stale_actions"] == 0
        assert services.daily_reminders_send(today + 30 * DAY)["stale_actions"] == 0
    assert len(mail.outbox) == 1
    # Six more months without an update: a new stretch, told once more (and the action
    # updated today is now stale too, told for the first time).
    with django_capture_on_commit_callbacks(execute=True):
        assert services.daily_reminders_send(today + 190 * DAY)["stale_actions"] == 2
    assert Notification.objects.filter(key__startswith=f"action-stale:{action.pk}:").count() == 2
    assert len(mail.outbox) == 3


def test_the_daily_task_is_the_beat_entry_and_a_second_run_sends_nothing(
    wg, settings, django_capture_on_commit_callbacks
):
    from portal.notifications import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["send-daily-reminders"]
    assert entry["task"] == tasks.send_daily_reminders.name
    assert "send-invitation-reminders" not in settings.CELERY_BEAT_SCHEDULE
    meeting = upcoming(wg["group"], days=3)
    meeting.answers_by = timezone.localdate()
    meeting.save()
    meeting_services.invitations_send(meeting, members=[wg["australia"]])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.send_daily_reminders()
    sent = len(mail.outbox)
    assert first["reminders"] == 1 and sent >= 1
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.send_daily_reminders()
    assert second == {"reminders": 0, "terms_ending": 0, "stale_actions": 0}
    assert len(mail.outbox) == sent

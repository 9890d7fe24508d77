"""Inviting the working group in one step, answers with a delegation, reminders, and the
attendance recorded from the answers."""

import datetime
import html

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.models import Participation
from meetings import services
from meetings.models import Invitation, InvitationReminder, Meeting
from portal import permissions, versions
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    participant,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TODAY = timezone.localdate()
CLEARED = {"clearance_level": "Negative Vetting 1", "clearance_expires_on": TODAY + 365 * DAY}
LAPSED = {"clearance_level": "Negative Vetting 1", "clearance_expires_on": TODAY - DAY}
FP, OBSERVER = Participation.Role.FOCAL_POINT, Participation.Role.OBSERVER


def upcoming(group, *, days=30, **fields):
    starts = timezone.now() + days * DAY
    return MeetingFactory(
        kind="working_group", group=group, body="", starts_at=starts, ends_at=starts + DAY, **fields
    )


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def wg():
    """WG-TIP with an upcoming meeting: Australia (a focal point and an expert), Thailand
    (an expert, no focal point), Fiji (an expert with no e-mail address), and an observer."""
    group = WorkingGroupFactory(short_name="WG-TIP")
    australia = MemberFactory(name="Australia")
    thailand = MemberFactory(name="Thailand")
    fiji = MemberFactory(name="Fiji")
    canada = MemberFactory(name="Canada", is_observer=True, ahg_joined_on=None)
    return {
        "group": group,
        "meeting": upcoming(group),
        "australia": australia,
        "thailand": thailand,
        "fiji": fiji,
        "focal": participant(
            group, role=FP, member=australia, first_name="Grace", last_name="Whitfield"
        ),
        "aus_expert": participant(group, member=australia, first_name="Tom", last_name="Reid"),
        "thai": participant(group, member=thailand, first_name="Somchai", last_name="Rattanakul"),
        "no_address": participant(
            group, member=fiji, first_name="Jone", last_name="Vula", email=""
        ),
        "observer": participant(
            group, role=OBSERVER, member=canada, first_name="Claire", last_name="Gagnon"
        ),
        "secretary": SecretariatFactory(),
    }


def invited(meeting):
    return {(i.member_id, i.person_id) for i in meeting.invitations.all()}


# --- Inviting the working group -------------------------------------------------------------


def test_the_preview_lists_who_is_told_and_who_is_skipped_with_the_reason(client, wg):
    client.force_login(wg["secretary"])
    text = text_of(client.get(reverse("invite_group", args=[wg["meeting"].pk])))

    told = text[text.index("To invite (") : text.index("Skipped (")]
    skipped = text[text.index("Skipped (") :]
    assert "To invite (4)" in text  # Australia, and its focal point, its expert, the Thai
    for name in ["Grace Whitfield", "Tom Reid", "Somchai Rattanakul", "Australia"]:
        assert name in told
    assert "Thailand: no focal point: its experts are invited in person." in skipped
    assert "Fiji: no focal point" in skipped
    assert "Jone Vula: Jone Vula has no e-mail address." in skipped
    assert "Claire Gagnon" not in text  # observers are invited case by case


def test_an_uncleared_person_of_a_clearance_group_is_skipped_with_the_reason(client):
    dcn = WorkingGroupFactory(short_name="WG-DCN", clearance_required=True)
    new_zealand, sri_lanka = MemberFactory(name="New Zealand"), MemberFactory(name="Sri Lanka")
    participant(dcn, role=FP, member=new_zealand, first_name="Aroha", last_name="Parata", **CLEARED)
    participant(dcn, role=FP, member=sri_lanka, first_name="Nimal", last_name="Perera", **LAPSED)
    meeting = upcoming(dcn)
    client.force_login(SecretariatFactory())

    text = text_of(client.get(reverse("invite_group", args=[meeting.pk])))

    assert "Nimal Perera: Nimal Perera holds no valid clearance for WG-DCN." in text
    assert "Sri Lanka: Nimal Perera holds no valid clearance for WG-DCN." in text
    assert "To invite (2)" in text  # New Zealand and Aroha Parata


def test_confirming_creates_the_previewed_invitations_mails_the_told_and_twice_nothing(
    client, wg, django_capture_on_commit_callbacks
):
    meeting = wg["meeting"]
    previewed = {
        (None if i.person else i.member.pk, i.person.pk if i.person else None)
        for i in permissions.group_invitees(meeting)
        if not i.skipped
    }
    client.force_login(wg["secretary"])
    url = reverse("invite_group", args=[meeting.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)

    assert "Invited the working group: 4 new invitations." in text_of(response)
    assert invited(meeting) == previewed
    assert (None, wg["thai"].pk) in previewed and (wg["thailand"].pk, None) not in previewed
    addresses = sorted(address for m in mail.outbox for address in m.to)
    # The focal point reads two invitations (her own and Australia's) and gets one e-mail.
    assert addresses == sorted(wg[k].email for k in ["focal", "aus_expert", "thai"])

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "0 new invitations" in text_of(response)
    assert meeting.invitations.count() == 4 and mail.outbox == []
    text = text_of(client.get(url))
    assert "To invite (0)" in text and "Already invited (4)" in text


def test_a_body_meeting_has_no_group_to_invite(client):
    som = MeetingFactory(starts_at=timezone.now() + 30 * DAY)
    client.force_login(SecretariatFactory())
    url = reverse("invite_group", args=[som.pk])
    assert "invite its participants case by case" in text_of(client.get(url))
    response = client.post(url, follow=True)
    assert "Only a working group's meeting" in text_of(response)
    assert not som.invitations.exists()


def test_members_and_strangers_get_404_on_the_new_pages(client, wg):
    meeting = wg["meeting"]
    client.force_login(wg["focal"])
    assert client.get(reverse("invite_group", args=[meeting.pk])).status_code == 404
    for name in ["invite_group", "invitations_remind", "attendance_from_answers"]:
        assert client.post(reverse(name, args=[meeting.pk])).status_code == 404
    client.force_login(participant(WorkingGroupFactory()))
    assert client.get(reverse("invite_group", args=[meeting.pk])).status_code == 404
    assert not meeting.invitations.exists()


# --- Answers --------------------------------------------------------------------------------


def answer_url(invitation):
    return reverse("invitation_answer", args=[invitation.meeting_id, invitation.pk])


def meeting_page(client, meeting):
    return client.get(reverse("meeting_detail", args=[meeting.pk]))


def test_an_expert_of_a_member_without_focal_point_answers_online_with_a_note(client, wg):
    meeting = wg["meeting"]
    services.invitations_send_to_group(meeting, by=wg["secretary"])
    client.force_login(wg["thai"])
    text = text_of(meeting_page(client, meeting))
    assert "You are invited" in text and "Will attend online" in text

    client.post(
        answer_url(meeting.invitations.get(person=wg["thai"])),
        {"response": "online", "note": "From Bangkok, by video."},
    )

    invitation = meeting.invitations.get(person=wg["thai"])
    assert (invitation.response, invitation.note) == ("online", "From Bangkok, by video.")
    assert invitation.responded_by == wg["thai"]
    client.force_login(wg["secretary"])
    text = text_of(client.get(reverse("meeting_invitations", args=[meeting.pk])))
    assert "From Bangkok, by video." in text
    assert "0 in person, 1 online, 0 not attending, 3 awaiting an answer." in text


def test_a_note_too_long_is_refused_with_a_clear_error_and_nothing_changes(client, wg):
    meeting = wg["meeting"]
    [invitation] = services.invitations_send(meeting, persons=[wg["thai"]])
    client.force_login(wg["thai"])
    response = client.post(
        answer_url(invitation), {"response": "accepted", "note": "x" * 1001}, follow=True
    )
    assert "Keep the note to 1000 characters (it has 1001)." in text_of(response)
    invitation.refresh_from_db()
    assert invitation.response == "pending" and invitation.note == ""


def test_the_focal_point_names_two_delegates_and_a_person_of_another_member_is_refused(client, wg):
    meeting = wg["meeting"]
    [invitation] = services.invitations_send(meeting, members=[wg["australia"]])
    client.force_login(wg["focal"])
    text = text_of(meeting_page(client, meeting))
    assert "Australia is invited" in text and "Who will attend" in text
    assert "Tom Reid" in text and "Somchai Rattanakul" not in text  # only Australia's people

    chosen = [wg["focal"].pk, wg["aus_expert"].pk]
    client.post(answer_url(invitation), {"response": "accepted", "delegates": chosen})
    invitation.refresh_from_db()
    assert invitation.response == "accepted"
    assert sorted(invitation.delegates.values_list("pk", flat=True)) == sorted(chosen)

    response = client.post(
        answer_url(invitation),
        {"response": "accepted", "delegates": [wg["thai"].pk]},
        follow=True,
    )
    assert "Select a valid choice" in text_of(response)
    with pytest.raises(ValidationError, match="Somchai Rattanakul cannot attend for Australia"):
        services.invitation_answer(invitation, "accepted", wg["focal"], delegates=[wg["thai"]])
    assert sorted(invitation.delegates.values_list("pk", flat=True)) == sorted(chosen)

    services.invitation_answer(invitation, "declined", wg["focal"], delegates=[wg["focal"]])
    assert not invitation.delegates.exists()  # declining names nobody


def test_an_answer_read_before_another_focal_point_answered_is_refused_with_the_change(client, wg):
    meeting = wg["meeting"]
    [invitation] = services.invitations_send(meeting, members=[wg["australia"]])
    second = participant(wg["group"], role=FP, member=wg["australia"], first_name="Ann")
    client.force_login(wg["focal"])
    read = meeting_page(client, meeting).context["answers"][0][1].initial["read_version"]
    services.invitation_answer(
        invitation, "declined", second, version=versions.version_of(invitation)
    )

    response = client.post(
        answer_url(invitation), {"response": "accepted", "read_version": read}, follow=True
    )

    assert "answered since you opened the page (Answer: Awaiting an answer → Will not attend)" in (
        text_of(response)
    )
    invitation.refresh_from_db()
    assert (invitation.response, invitation.responded_by) == ("declined", second)
    fresh = text_of(meeting_page(client, meeting))
    assert "Current answer: will not attend." in fresh


def test_a_held_meeting_shows_no_answer_form_and_refuses_an_answer(client, wg):
    meeting = wg["meeting"]
    [invitation] = services.invitations_send(meeting, persons=[wg["thai"]])
    meeting.starts_at = timezone.now() - DAY
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=8)
    meeting.status = Meeting.Status.HELD
    services.meeting_save(meeting)
    client.force_login(wg["thai"])
    assert 'class="card answer' not in text_of(meeting_page(client, meeting))
    response = client.post(answer_url(invitation), {"response": "accepted"}, follow=True)
    assert "The meeting is held: invitations can no longer be answered." in text_of(response)
    invitation.refresh_from_db()
    assert invitation.response == "pending"


def test_a_person_invitation_names_no_delegation(wg):
    [invitation] = services.invitations_send(wg["meeting"], persons=[wg["thai"]])
    with pytest.raises(ValidationError, match="Only a member's invitation"):
        services.invitation_answer(invitation, "accepted", wg["thai"], delegates=[wg["thai"]])


def test_an_uncleared_delegate_is_refused_at_a_clearance_group_meeting(wg):
    dcn = WorkingGroupFactory(short_name="WG-DCN", clearance_required=True)
    focal = participant(dcn, role=FP, member=wg["australia"], **CLEARED)
    meeting = upcoming(dcn)
    [invitation] = services.invitations_send(meeting, members=[wg["australia"]])
    with pytest.raises(ValidationError, match="Tom Reid cannot attend"):
        services.invitation_answer(invitation, "accepted", focal, delegates=[wg["aus_expert"]])
    services.invitation_answer(invitation, "accepted", focal, delegates=[focal])
    assert list(invitation.delegates.all()) == [focal]


def test_a_change_of_place_reopens_the_answers_and_keeps_the_note_and_delegation(wg):
    meeting = wg["meeting"]
    [invitation] = services.invitations_send(meeting, members=[wg["australia"]])
    services.invitation_answer(
        invitation, "online", wg["focal"], note="Two of us.", delegates=[wg["aus_expert"]]
    )
    meeting.city = "Jakarta"
    assert services.meeting_save(meeting) == 1
    invitation.refresh_from_db()
    assert (invitation.response, invitation.responded_by) == ("pending", None)
    assert invitation.note == "Two of us."
    assert list(invitation.delegates.all()) == [wg["aus_expert"]]


# --- Reminders ------------------------------------------------------------------------------


@pytest.fixture
def reminding(wg, settings):
    """Reminders a week before the answers are wanted, which is a week from today."""
    settings.INVITATION_REMINDER_DAYS = [7]
    meeting = wg["meeting"]
    meeting.answers_by = TODAY + 7 * DAY
    services.meeting_save(meeting)
    services.invitations_send_to_group(meeting, by=wg["secretary"])
    mail.outbox.clear()
    return meeting


def run_reminders(capture, today=TODAY):
    with capture(execute=True):
        count = services.reminders_send(today)
    return count


def test_the_daily_reminders_run_twice_send_one_email_each_and_skip_the_answered(
    wg, reminding, django_capture_on_commit_callbacks
):
    services.invitation_answer(reminding.invitations.get(person=wg["thai"]), "declined", wg["thai"])

    assert run_reminders(django_capture_on_commit_callbacks) == 3
    assert run_reminders(django_capture_on_commit_callbacks) == 0

    addresses = sorted(address for m in mail.outbox for address in m.to)
    assert addresses == sorted([wg["focal"].email, wg["aus_expert"].email])
    assert mail.outbox[0].subject == f"Reminder: please answer the invitation to {reminding.title}"
    assert f"please say by {reminding.answers_by:%-d %B %Y}" in mail.outbox[0].body
    assert InvitationReminder.objects.filter(sent_by=None, sent_on=TODAY).count() == 3


def test_a_reminder_day_missed_is_made_up_once_by_the_next_run(
    wg, reminding, django_capture_on_commit_callbacks
):
    assert run_reminders(django_capture_on_commit_callbacks, TODAY - DAY) == 0  # not yet due
    assert run_reminders(django_capture_on_commit_callbacks, TODAY + DAY) == 4
    assert run_reminders(django_capture_on_commit_callbacks, TODAY + 2 * DAY) == 0


def test_no_reminder_to_whom_lost_the_clearance_nor_for_a_held_or_cancelled_meeting(
    wg, settings, django_capture_on_commit_callbacks
):
    settings.INVITATION_REMINDER_DAYS = [0]
    dcn = WorkingGroupFactory(short_name="WG-DCN", clearance_required=True)
    lapsing = participant(dcn, member=wg["australia"], **CLEARED)
    secret = upcoming(dcn, answers_by=TODAY)
    services.invitations_send(secret, persons=[lapsing])
    lapsing.clearance_expires_on = TODAY - DAY
    lapsing.save()
    cancelled = upcoming(wg["group"], answers_by=TODAY, status=Meeting.Status.CANCELLED)
    Invitation.objects.create(meeting=cancelled, person=wg["thai"])
    held = upcoming(wg["group"], days=-1, answers_by=TODAY, status=Meeting.Status.HELD)
    Invitation.objects.create(meeting=held, person=wg["thai"])
    mail.outbox.clear()

    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and not InvitationReminder.objects.exists()


def test_two_runs_at_the_same_moment_remind_each_invitation_once(
    wg, reminding, django_capture_on_commit_callbacks
):
    # The second run read the unanswered invitations before the first recorded its reminders.
    invitations, audiences = services.remindable(reminding)
    assert run_reminders(django_capture_on_commit_callbacks) == 4
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        late = services._remind(reminding, invitations, audiences, today=TODAY, by=None)
    assert late == [] and mail.outbox == []
    assert InvitationReminder.objects.count() == 4


def test_remind_now_says_how_many_and_reminds_nobody_twice_a_day(
    client, wg, reminding, django_capture_on_commit_callbacks
):
    client.force_login(wg["secretary"])
    url = reverse("meeting_invitations", args=[reminding.pk])
    assert "Remind the 4 who have not answered" in text_of(client.get(url))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("invitations_remind", args=[reminding.pk]), follow=True)

    text = text_of(response)
    assert "Reminded 4." in text and "Remind the" not in text
    assert "Everyone awaiting an answer has been reminded today." in text
    assert len(mail.outbox) == 3  # the focal point reads two and gets one
    assert set(InvitationReminder.objects.values_list("sent_by", flat=True)) == {wg["secretary"].pk}
    assert run_reminders(django_capture_on_commit_callbacks) == 0  # the daily run: done


# --- Attendance from the answers ----------------------------------------------------------


@pytest.fixture
def answered(wg):
    """The meeting began an hour ago; the answers as they stood, and one walk-in."""
    meeting = wg["meeting"]
    meeting.starts_at = timezone.now() - datetime.timedelta(hours=1)
    meeting.ends_at = meeting.starts_at + DAY
    meeting.status = Meeting.Status.CONFIRMED
    services.meeting_save(meeting)
    indonesia = MemberFactory(name="Indonesia")
    canada = MemberFactory(name="Canada observer", is_observer=True, ahg_joined_on=None)
    guest = UserFactory(affiliation=canada, first_name="Claire", last_name="Guest")
    by_member = {
        i.member_id: i
        for i in services.invitations_send(meeting, members=[wg["australia"], indonesia])
    }
    thai, guest_invitation = services.invitations_send(meeting, persons=[wg["thai"], guest])
    services.invitation_answer(
        by_member[wg["australia"].pk],
        "accepted",
        wg["focal"],
        delegates=[wg["focal"], wg["aus_expert"]],
    )
    services.invitation_answer(by_member[indonesia.pk], "online", wg["secretary"])
    services.invitation_answer(thai, "online", wg["thai"])
    services.invitation_answer(guest_invitation, "accepted", guest)
    [fiji_invitation] = services.invitations_send(meeting, persons=[wg["no_address"]])
    services.invitation_answer(fiji_invitation, "declined", wg["no_address"])
    walk_in = participant(wg["group"], member=wg["fiji"], first_name="Walk", last_name="In")
    services.attendance_add(meeting, member=wg["fiji"], person=walk_in, by=wg["secretary"])
    meeting.refresh_from_db()
    return {"meeting": meeting, "indonesia": indonesia, "canada": canada, "guest": guest}


def rows_of(meeting):
    return sorted(
        (a.member.name, str(a.person) if a.person else None, a.online, a.as_observer)
        for a in meeting.attendance.select_related("member", "person")
    )


def test_attendance_from_the_answers_records_the_right_rows_once_and_keeps_walk_ins(
    client, wg, answered
):
    meeting = answered["meeting"]
    client.force_login(wg["secretary"])
    url = reverse("meeting_invitations", args=[meeting.pk])
    assert "Record the attendance of 5 from the answers" in text_of(client.get(url))

    response = client.post(reverse("attendance_from_answers", args=[meeting.pk]), follow=True)

    assert "Recorded the attendance of 5 from the answers." in text_of(response)
    assert rows_of(meeting) == [
        ("Australia", "Grace Whitfield", False, False),
        ("Australia", "Tom Reid", False, False),
        ("Canada observer", "Claire Guest", False, True),
        ("Fiji", "Walk In", False, False),  # the walk-in stays
        ("Indonesia", None, True, False),  # nobody named: the delegation
        ("Thailand", "Somchai Rattanakul", True, False),
    ]
    assert services.attendance_from_answers(meeting, by=wg["secretary"]) == []
    assert len(rows_of(meeting)) == 6
    assert "Every attending answer is recorded." in text_of(client.get(url))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD


def test_the_internal_list_names_the_delegates_recorded_from_the_answers(client, wg, answered):
    meeting = answered["meeting"]
    services.attendance_from_answers(meeting, by=wg["secretary"])
    client.force_login(wg["secretary"])
    text = text_of(client.get(reverse("participants_list", args=[meeting.pk])))
    assert "Tom Reid" in text and "Somchai Rattanakul" in text and "Walk In" in text


def test_attendance_from_the_answers_waits_for_the_meeting_to_begin(wg):
    meeting = wg["meeting"]
    [invitation] = services.invitations_send(meeting, persons=[wg["thai"]])
    services.invitation_answer(invitation, "accepted", wg["thai"])
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.attendance_from_answers(meeting, by=wg["secretary"])
    assert not meeting.attendance.exists()


# --- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [3, 30])
def test_the_pages_ask_a_bounded_number_of_queries_as_invitations_grow(
    client, wg, django_assert_max_num_queries, extra
):
    meeting = wg["meeting"]
    for n in range(extra):
        member = MemberFactory(name=f"Member {n}")
        focal = participant(wg["group"], role=FP, member=member)
        participant(wg["group"], member=member)
        if n % 2:
            [invitation] = services.invitations_send(meeting, members=[member])
            services.invitation_answer(invitation, "accepted", focal, delegates=[focal])
    services.invitations_send(meeting, members=[wg["australia"]])
    services.invitations_send(meeting, persons=[wg["focal"]])

    client.force_login(wg["secretary"])
    # 5, 16 and 12 queries today, with 3 invitations as with 30.
    with django_assert_max_num_queries(7):
        assert client.get(reverse("invite_group", args=[meeting.pk])).status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(reverse("meeting_invitations", args=[meeting.pk])).status_code == 200
    client.force_login(wg["focal"])
    with django_assert_max_num_queries(16):
        response = meeting_page(client, meeting)
    assert text_of(response).count('class="card answer') == 2


# --- The daily run ----------------------------------------------------------------------


def test_beat_runs_the_reminders_every_morning_and_the_task_reminds(
    wg, reminding, settings, django_capture_on_commit_callbacks
):
    from meetings import tasks
    from portal.notifications import tasks as daily

    # The reminders are one part of the daily run of everything told once a day.
    entry = settings.CELERY_BEAT_SCHEDULE["send-daily-reminders"]
    assert entry["task"] == daily.send_daily_reminders.name
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {0}
    assert entry["options"]["expires"] < 24 * 3600  # a day's run never piles onto the next
    with django_capture_on_commit_callbacks(execute=True):
        assert daily.send_daily_reminders()["reminders"] == 4
    assert len(mail.outbox) == 3
    # The reminders' own task, queued before the daily run replaced it, still runs.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_invitation_reminders() == 0
    assert len(mail.outbox) == 3


def test_the_reminder_days_come_from_the_environment_and_a_bad_one_stops_the_portal(tmp_path):
    from tests.processes import manage

    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"}
    show = "from django.conf import settings as s; print(s.INVITATION_REMINDER_DAYS)"
    assert manage("shell", "-v", "0", "-c", show, **env).stdout.strip() == "[14, 7, 2]"
    custom = manage("shell", "-v", "0", "-c", show, INVITATION_REMINDER_DAYS="10, 3", **env)
    assert custom.stdout.strip() == "[10, 3]", custom.stderr
    refused = manage("shell", "-v", "0", "-c", show, INVITATION_REMINDER_DAYS="a week", **env)
    assert refused.returncode != 0
    assert "INVITATION_REMINDER_DAYS must be whole numbers of days" in refused.stderr

"""Input that used to break pages: dates out of range, odd addresses and queries, line
breaks in titles, a form sent twice."""

import datetime
import html

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from meetings import calendar, services
from meetings.models import Document, Meeting, Outcome
from portal import submissions
from portal.accounts import services as account_services
from reports.models import Report
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    participant,
)
from workplans import services as workplan_services
from workplans.models import ProgressUpdate

pytestmark = pytest.mark.django_db

BOUND = "Enter a date between 1900 and 2100."
UTC = datetime.UTC


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP")


@pytest.fixture
def secretariat(client):
    person = SecretariatFactory()
    client.force_login(person)
    return person


def meeting_data(group, **changes) -> dict:
    return {
        "title": "Third meeting",
        "kind": Meeting.Kind.WORKING_GROUP,
        "group": group.pk,
        "status": Meeting.Status.PLANNED,
        "time_zone": "Asia/Bangkok",
        "starts_at": "2030-05-17T09:00",
        "ends_at": "2030-05-17T17:00",
        "country": "",
    } | changes


def as_sent(form) -> dict:
    """What a browser sends back for a form as it was shown."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if hasattr(value, "strftime"):
            value = value.strftime("%Y-%m-%dT%H:%M")
        data[name] = "" if value is None else value
    return data


def text_of(response) -> str:
    return html.unescape(response.content.decode())


# --- Dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "starts_at, zone",
    [
        ("0001-01-01T00:00", "Pacific/Honolulu"),
        ("0001-01-01T00:00", "Asia/Bangkok"),
        ("9999-12-31T23:00", "Pacific/Kiritimati"),
        ("9999-12-31T23:00", "America/New_York"),
        ("1899-12-31T23:59", "UTC"),
        ("2101-01-01T00:00", "UTC"),
    ],
)
def test_a_meeting_outside_1900_to_2100_is_refused_beside_its_dates_and_nothing_is_saved(
    client, secretariat, group, starts_at, zone
):
    data = meeting_data(group, starts_at=starts_at, ends_at=starts_at, time_zone=zone)
    response = client.post(reverse("meeting_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["starts_at"] == [BOUND] and errors["ends_at"] == [BOUND]
    assert not Meeting.objects.exists()


def test_the_service_refuses_a_meeting_whose_local_year_is_outside_1900_to_2100(group):
    # 20:00 UTC on the last day of 2100 is already 2101 in Kiritimati (UTC+14).
    start = datetime.datetime(2100, 12, 31, 20, 0, tzinfo=UTC)
    meeting = Meeting(
        title="Late",
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        time_zone="Pacific/Kiritimati",
        starts_at=start,
        ends_at=start,
    )
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(meeting)
    assert refused.value.message_dict == {"starts_at": [BOUND], "ends_at": [BOUND]}
    meeting.time_zone = "UTC"  # the same instant is 2100 in London's winter
    services.meeting_save(meeting)
    assert Meeting.objects.count() == 1


def test_a_meeting_saved_before_dates_were_bounded_is_left_out_and_can_be_corrected(
    client, secretariat, group
):
    start = datetime.datetime(1, 1, 1, 10, 0, tzinfo=UTC)  # midnight in Honolulu, year 1
    broken = MeetingFactory(
        group=group,
        kind=Meeting.Kind.WORKING_GROUP,
        body="",
        title="Typed wrongly",
        starts_at=start,
        ends_at=start,
        time_zone="Pacific/Honolulu",
    )
    listed = MeetingFactory(
        group=group,
        kind=Meeting.Kind.WORKING_GROUP,
        body="",
        starts_at=timezone.now() - datetime.timedelta(days=30),  # in the calendar feed's reach
    )
    response = client.get(reverse("meeting_list"))
    assert response.status_code == 200
    assert list(response.context["meetings"]) == [listed]
    edit_url = reverse("meeting_edit", args=[broken.pk])
    assert (
        f"Typed wrongly has a date outside 1900-2100 and is not listed: correct it at {edit_url}"
        in (text_of(response))
    )
    feed = calendar.feed_create(participant(group))
    entries = client.get(reverse("calendar_feed", args=[feed.token])).content.decode()
    assert listed.title in entries and "Typed wrongly" not in entries
    assert client.get(reverse("meeting_calendar", args=[broken.pk])).status_code == 200
    # The group's page and the home page list the others; the meeting's page sends the
    # secretariat to correct it, and answers 404 to anyone else.
    group_page = client.get(reverse("group_detail", args=[group.slug]))
    assert group_page.status_code == 200 and "Typed wrongly" not in text_of(group_page)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("meeting_detail", args=[broken.pk]))["Location"] == edit_url
    member = participant(group)
    client.force_login(member)
    assert client.get(reverse("meeting_detail", args=[broken.pk])).status_code == 404
    assert client.get(reverse("group_detail", args=[group.slug])).status_code == 200
    client.force_login(secretariat)
    assert client.get(edit_url).status_code == 200
    data = as_sent(client.get(edit_url).context["form"])
    assert data["starts_at"] == "" and data["title"] == "Typed wrongly"
    data |= {"starts_at": "2030-05-17T09:00", "ends_at": "2030-05-17T17:00"}
    response = client.post(edit_url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert len(client.get(reverse("meeting_list")).context["meetings"]) == 2


def test_a_progress_update_dated_outside_1900_to_2100_is_refused(client, group):
    plan = WorkPlanFactory(group=group)
    lead = MemberFactory()
    action = ActionFactory(plan=plan, lead_members=[lead])
    client.force_login(SecretariatFactory())
    url = reverse("action_update_post", args=[group.slug, plan.slug, action.number])
    for day in ("0001-01-01", "1899-12-31", "2101-01-01"):
        response = client.post(url, {"text": "Held.", "reported_on": day})
        assert response.status_code == 200
        assert response.context["form"].errors["reported_on"] == [BOUND]
    assert not ProgressUpdate.objects.exists()


def test_a_date_field_tells_the_browser_its_bound(client, secretariat):
    page = client.get(reverse("meeting_create")).content.decode()
    assert 'min="1900-01-01T00:00"' in page and 'max="2100-12-31T23:59"' in page


# --- Held only once begun ---------------------------------------------------------------


def test_a_future_meeting_cannot_be_marked_held(client, secretariat, group):
    meeting = MeetingFactory(
        group=group,
        kind=Meeting.Kind.WORKING_GROUP,
        body="",
        starts_at=timezone.now() + datetime.timedelta(days=30),
        ends_at=timezone.now() + datetime.timedelta(days=31),
    )
    url = reverse("meeting_edit", args=[meeting.pk])
    data = as_sent(client.get(url).context["form"]) | {"status": Meeting.Status.HELD}
    response = client.post(url, data)
    assert response.status_code == 200
    [problem] = response.context["form"].errors["status"]
    assert problem.startswith("A meeting is held only once it has begun: this one starts on ")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    meeting.status = Meeting.Status.HELD
    with pytest.raises(ValidationError):
        services.meeting_save(meeting)  # the back office's path too
    meeting.starts_at = timezone.now() - datetime.timedelta(hours=1)
    services.meeting_save(meeting)  # begun: it may be marked held


# --- Addresses and queries ------------------------------------------------------------------


@pytest.mark.parametrize("year", ["-1", "0", "1", "9999", "99999999999999999999", "2016.5"])
def test_a_year_outside_1900_to_2100_in_the_meeting_search_is_a_form_error(
    client, secretariat, year
):
    MeetingFactory()
    response = client.get(reverse("meeting_list"), {"year": year})
    assert response.status_code == 200
    errors = response.context["filter"].form.errors["year"]
    assert errors in (["Enter a year between 1900 and 2100."], ["Enter a whole number."])


def test_planning_a_meeting_from_an_address_with_a_malformed_group_plans_one_of_no_group(
    client, secretariat, group
):
    for value in ["abc", ":", "-1", "99999999999999999999", "١"]:
        response = client.get(reverse("meeting_create"), {"group": value})
        assert response.status_code == 200
        assert response.context["form"]["group"].value() is None
    response = client.get(reverse("meeting_create"), {"group": str(group.pk)})
    assert response.context["form"]["group"].value() == group.pk


def test_a_nul_byte_in_an_address_or_a_query_is_answered_400(client, secretariat, group):
    for url in [
        "/calendar/%00.ics",
        f"/groups/{group.slug}/reports/annual%00/2016/",
        "/meetings/?q=%00",
        "/meetings/?year=20%0016",
        "/actions/?q=a%00b",
    ]:
        assert client.get(url).status_code == 400, url


def test_a_malformed_calendar_token_or_report_address_is_404(client, group):
    feed = calendar.feed_create(participant(group))
    assert client.get(reverse("calendar_feed", args=[feed.token])).status_code == 200
    for token in ["x" * 65, "a b", "é", "a.b", "'--"]:
        assert client.get(f"/calendar/{token}.ics").status_code == 404, token
    client.force_login(SecretariatFactory())
    Report.objects.create(group=group, kind=Report.Kind.ANNUAL, year=2016)
    assert client.get(f"/groups/{group.slug}/reports/annual/2016/").status_code == 200
    for tail in ["annual/99999999999999999999/", "ANNUAL/2016/", "annual!/2016/", "x" * 40 + "/1/"]:
        assert client.get(f"/groups/{group.slug}/reports/{tail}").status_code == 404, tail


# --- Titles stay on one line --------------------------------------------------------------


def test_a_line_break_in_a_meeting_title_becomes_a_space_and_the_invitations_are_sent(
    client, secretariat, group, django_capture_on_commit_callbacks
):
    data = meeting_data(group, title="Third meeting\r\nBcc: everyone@example.org\x0b")
    assert client.post(reverse("meeting_create"), data).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.title == "Third meeting Bcc: everyone@example.org"
    invited = participant(group, role="focal_point")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting, persons=[invited])
    [message] = mail.outbox
    assert message.subject == "Invitation: Third meeting Bcc: everyone@example.org"
    assert message.to == [invited.email]


def test_an_e_mail_subject_is_kept_on_one_line_whatever_it_is_built_from():
    # A title stored before titles were kept on one line still lets the mail leave.
    account_services.email_send("Changed: Third\r\nmeeting\n", "Body.", "a@example.org")
    [message] = mail.outbox
    assert message.subject == "Changed: Third meeting"


def test_an_ampersand_in_a_meeting_title_reaches_the_subject_as_typed(
    group, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(group=group, kind=Meeting.Kind.WORKING_GROUP, body="", title="A & B")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(meeting, persons=[participant(group)])
    assert mail.outbox[0].subject == "Invitation: A & B"


# --- Sent twice, answered once -----------------------------------------------------------


def test_a_meeting_planned_with_a_double_click_is_planned_once(client, secretariat, group):
    key = client.get(reverse("meeting_create")).context["form"]["submission"].value()
    data = meeting_data(group, submission=key)
    first = client.post(reverse("meeting_create"), data)
    second = client.post(reverse("meeting_create"), data, follow=True)
    assert Meeting.objects.count() == 1
    assert first.url == reverse("meeting_detail", args=[Meeting.objects.get().pk])
    assert second.redirect_chain[0][0] == first.url
    assert submissions.ANSWERED_ONCE in text_of(second)
    # A new form (a new key) plans a new meeting.
    key = client.get(reverse("meeting_create")).context["form"]["submission"].value()
    client.post(reverse("meeting_create"), meeting_data(group, submission=key))
    assert Meeting.objects.count() == 2


def test_two_edits_of_a_meeting_from_the_same_page_are_two_edits_not_a_double_click(
    client, secretariat, group
):
    meeting = MeetingFactory(group=group, kind=Meeting.Kind.WORKING_GROUP, body="")
    form = client.get(reverse("meeting_edit", args=[meeting.pk])).context["form"]
    assert submissions.FIELD not in form.fields  # the version it was read at guards an edit


def test_a_form_shown_again_with_its_errors_keeps_its_key_and_saves_once_corrected(
    client, secretariat, group
):
    key = client.get(reverse("meeting_create")).context["form"]["submission"].value()
    refused = client.post(reverse("meeting_create"), meeting_data(group, title="", submission=key))
    assert refused.status_code == 200 and refused.context["form"]["submission"].value() == key
    assert (
        client.post(reverse("meeting_create"), meeting_data(group, submission=key)).status_code
        == 302
    )
    assert Meeting.objects.count() == 1


def test_a_paper_an_outcome_a_progress_update_and_a_revision_sent_twice_are_saved_once(
    client, secretariat, group
):
    meeting = MeetingFactory(group=group, kind=Meeting.Kind.WORKING_GROUP, body="")
    paper_url = reverse("document_create", args=[meeting.pk])
    key = client.get(paper_url).context["form"]["submission"].value()
    for _ in range(2):
        upload = SimpleUploadedFile("Concept note.pdf", b"%PDF-1.4\n%%EOF\n")
        data = {"title": "Concept note", "access": "participants", "submission": key}
        assert client.post(paper_url, data | {"upload": upload}).status_code == 302
    assert Document.objects.count() == 1

    outcomes_url = reverse("meeting_outcomes", args=[meeting.pk])
    key = client.get(outcomes_url).context["form"]["submission"].value()
    for _ in range(2):
        data = {"kind": "agreed", "text": "Agreed to meet again.", "submission": key}
        assert client.post(outcomes_url, data).status_code == 302
    assert Outcome.objects.count() == 1

    plan = WorkPlanFactory(group=group)
    action = ActionFactory(plan=plan)
    page = reverse("action_detail", args=[group.slug, plan.slug, action.number])
    key = client.get(page).context["form"]["submission"].value()
    post_url = reverse("action_update_post", args=[group.slug, plan.slug, action.number])
    for _ in range(2):
        assert client.post(post_url, {"text": "Held.", "submission": key}).status_code == 302
    assert ProgressUpdate.objects.count() == 1

    plan_page = reverse("work_plan_detail", args=[group.slug, plan.slug])
    key = client.get(plan_page).context["form"]["submission"].value()
    adopt_url = reverse("work_plan_revision_adopt", args=[group.slug, plan.slug])
    data = {"label": "Adopted at the third meeting", "adopted_on": "2016-05-18"}
    for _ in range(2):
        assert client.post(adopt_url, data | {"submission": key}).status_code == 302
    assert plan.revisions.count() == 1


def test_the_update_service_itself_refuses_a_date_outside_1900_to_2100(group):
    action = ActionFactory(plan=WorkPlanFactory(group=group))
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        workplan_services.update_post(
            action, text="Typed in the year 1", author=None, reported_on=datetime.date(1, 1, 1)
        )
    assert not action.updates.exists()

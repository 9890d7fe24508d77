"""Two people editing the same thing from the same starting point: the second save is
refused with what the first changed, keeps what the second typed, and is accepted when
sent again once they have seen it. Each edit page is tried with two signed-in sessions."""

import datetime
import time
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.models import CoChairTerm
from meetings import agenda
from meetings.models import AgendaItem, Meeting
from portal import versions
from portal.versions import READ_VERSION, EditConflict, version_of
from reports import services as report_services
from reports.models import Report
from tests.factories import (
    ActionFactory,
    CoChairTermFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    WorkingGroupFactory,
)
from tests.races import at_once, needs_row_locks
from workplans import services as workplan_services
from workplans.models import Action

pytestmark = pytest.mark.django_db

SECOND_TRY = "Nothing of yours has been saved yet."


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP")


@pytest.fixture
def rowan():
    """The first to save."""
    return session(SecretariatFactory(first_name="Rowan", last_name="Ellis"))


@pytest.fixture
def kim():
    """The second to save, from the same starting point."""
    return session(SecretariatFactory(first_name="Kim", last_name="Lee"))


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def as_sent(response) -> dict:
    """What the page's form sends back when submitted untouched."""
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is None:
            continue
        if isinstance(value, datetime.datetime):
            value = value.strftime("%Y-%m-%dT%H:%M")
        data[field.html_name] = value
    return data


def refusal(response) -> list[str]:
    """The messages shown above the form."""
    return list(response.context["form"].non_field_errors())


def assert_refused(response, *, by: str, what: str, changes: list[str]):
    """The second save came back as the form, saying who changed what, nothing saved."""
    assert response.status_code == 200
    messages = refusal(response)
    assert messages[0].startswith(f"{by} saved this {what} on ")
    assert messages[0].endswith(", after you opened it. They changed:")
    assert messages[1:-1] == changes
    assert messages[-1].startswith(SECOND_TRY)
    # Shown once, in the alert at the top of the form.
    page = response.content.decode()
    form = page.index('<form method="post" class="stacked card"')
    for change in changes:
        assert page.count(change) == 1
        assert form < page.index('<div role="alert">', form) < page.index(change)


# --- The agenda item -----------------------------------------------------------------------


def test_a_second_save_of_an_agenda_item_is_refused_then_accepted_once_seen(group, rowan, kim):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    item = agenda.item_add(meeting, title="Opening", duration_minutes=30)
    url = reverse("agenda_item_edit", args=[meeting.pk, item.pk])
    rowans_form, kims_form = as_sent(rowan.get(url)), as_sent(kim.get(url))

    assert rowan.post(url, rowans_form | {"title": "Opening and welcome"}).status_code == 302
    kims_edit = kims_form | {"description": "Welcome by the co-chairs.", "duration_minutes": 45}
    refused = kim.post(url, kims_edit)

    assert_refused(
        refused,
        by="Rowan Ellis",
        what="agenda item",
        changes=["Title: “Opening” → “Opening and welcome”"],
    )
    item.refresh_from_db()
    assert (item.title, item.description, item.duration_minutes) == ("Opening and welcome", "", 30)
    # Kim's typing is kept, with Rowan's title where Kim changed nothing, next to the
    # version that includes Rowan's change: saving it again keeps both.
    kept = as_sent(refused)
    assert kept["description"] == "Welcome by the co-chairs." and kept["duration_minutes"] == "45"
    assert kept["title"] == "Opening and welcome"
    assert int(kept[READ_VERSION]) == version_of(item)

    assert kim.post(url, kept).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.description, item.duration_minutes) == (
        "Opening and welcome",
        "Welcome by the co-chairs.",
        45,
    )


def test_the_same_agenda_item_edit_sent_twice_is_not_refused(group, rowan):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    item = agenda.item_add(meeting, title="Opening")
    url = reverse("agenda_item_edit", args=[meeting.pk, item.pk])
    edit = as_sent(rowan.get(url)) | {"title": "Opening and welcome"}
    assert rowan.post(url, edit).status_code == 302
    assert rowan.post(url, edit).status_code == 302
    item.refresh_from_db()
    assert item.title == "Opening and welcome"


def test_moving_an_agenda_item_while_it_is_edited_does_not_refuse_the_edit(group, rowan, kim):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    item = agenda.item_add(meeting, title="Opening")
    agenda.item_add(meeting, title="Close")
    url = reverse("agenda_item_edit", args=[meeting.pk, item.pk])
    kims_form = as_sent(kim.get(url))

    move = reverse("agenda_item_move", args=[meeting.pk, item.pk])
    rowan.post(move, {"direction": "down"})
    assert kim.post(url, kims_form | {"title": "Welcome"}).status_code == 302
    item.refresh_from_db()
    assert (item.position, item.title) == (2, "Welcome")


def test_the_item_service_itself_refuses_a_stale_version(group):
    """The check is made where the item is saved, under its lock, not only by the form."""
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    item = agenda.item_add(meeting, title="Opening")
    read = version_of(item)
    agenda.item_update(AgendaItem.objects.get(pk=item.pk), version=read, title="Welcome")
    with pytest.raises(EditConflict) as refused:
        agenda.item_update(item, version=read, title="Opening words")
    assert refused.value.changes == [("Title", "Opening", "Welcome")]
    assert AgendaItem.objects.get(pk=item.pk).title == "Welcome"


# --- The meeting -----------------------------------------------------------------------------


def test_a_second_save_of_a_meeting_is_refused_then_accepted_once_seen(group, rowan, kim):
    meeting = MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP, group=group, body="", title="Third meeting"
    )
    url = reverse("meeting_edit", args=[meeting.pk])
    rowans_form, kims_form = as_sent(rowan.get(url)), as_sent(kim.get(url))

    assert rowan.post(url, rowans_form | {"venue": "Grand Hyatt"}).status_code == 302
    refused = kim.post(url, kims_form | {"title": "Third meeting of WG-TIP"})

    assert_refused(
        refused, by="Rowan Ellis", what="meeting", changes=["Venue: “(empty)” → “Grand Hyatt”"]
    )
    meeting.refresh_from_db()
    assert (meeting.title, meeting.venue) == ("Third meeting", "Grand Hyatt")
    kept = as_sent(refused)
    assert (kept["title"], kept["venue"]) == ("Third meeting of WG-TIP", "Grand Hyatt")

    assert kim.post(url, kept).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.venue) == ("Third meeting of WG-TIP", "Grand Hyatt")


def test_a_new_start_saved_meanwhile_is_offered_in_the_meetings_own_time(group, rowan, kim):
    auckland = zoneinfo.ZoneInfo("Pacific/Auckland")
    starts = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=auckland)
    meeting = MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        body="",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=8),
        time_zone="Pacific/Auckland",
    )
    url = reverse("meeting_edit", args=[meeting.pk])
    rowans_form, kims_form = as_sent(rowan.get(url)), as_sent(kim.get(url))

    assert rowan.post(url, rowans_form | {"starts_at": "2026-06-01T10:00"}).status_code == 302
    refused = kim.post(url, kims_form | {"venue": "Grand Hyatt"})

    assert refused.status_code == 200
    kept = as_sent(refused)
    assert (kept["starts_at"], kept["venue"]) == ("2026-06-01T10:00", "Grand Hyatt")
    assert kim.post(url, kept).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.venue) == (starts.replace(hour=10), "Grand Hyatt")


# --- The report narrative and the outcome record's introduction --------------------------


def test_a_second_save_of_a_report_narrative_is_refused_then_accepted_once_seen(group, rowan, kim):
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    url = reverse("report_edit", args=[group.slug, report.kind, report.year])
    rowans_form, kims_form = as_sent(rowan.get(url)), as_sent(kim.get(url))

    assert rowan.post(url, rowans_form | {"summary": "The group met twice."}).status_code == 302
    refused = kim.post(url, kims_form | {"next_steps": "Meet in Bali."})

    assert_refused(
        refused,
        by="Rowan Ellis",
        what="report",
        changes=["Summary: “(empty)” → “The group met twice.”"],
    )
    report.refresh_from_db()
    assert (report.summary, report.next_steps) == ("The group met twice.", "")
    kept = as_sent(refused)
    assert (kept["summary"], kept["next_steps"]) == ("The group met twice.", "Meet in Bali.")

    assert kim.post(url, kept).status_code == 302
    report.refresh_from_db()
    assert (report.summary, report.next_steps) == ("The group met twice.", "Meet in Bali.")


def test_a_second_save_of_an_outcome_record_introduction_is_refused_then_accepted(
    group, rowan, kim
):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    record = report_services.outcome_record_start(meeting)
    url = reverse("report_edit", kwargs={"meeting_id": meeting.pk})
    rowans_form, kims_form = as_sent(rowan.get(url)), as_sent(kim.get(url))

    assert rowan.post(url, rowans_form | {"summary": "Agreed by all."}).status_code == 302
    refused = kim.post(url, kims_form | {"summary": "Agreed by consensus."})

    assert_refused(
        refused,
        by="Rowan Ellis",
        what="outcome record",
        changes=["Introduction: “(empty)” → “Agreed by all.”"],
    )
    record.refresh_from_db()
    assert record.summary == "Agreed by all."
    # Both changed the introduction: Kim's own text is kept for Kim to decide.
    kept = as_sent(refused)
    assert kept["summary"] == "Agreed by consensus."
    assert kim.post(url, kept).status_code == 302
    record.refresh_from_db()
    assert record.summary == "Agreed by consensus."


def test_a_long_narrative_change_is_shown_around_where_it_differs(group):
    opening = "The group met twice in the year and agreed its work plan. " * 5
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    report = report_services.report_edit(report, summary=opening + "It closed.")
    read = version_of(report)
    report_services.report_edit(report, version=read, summary=opening + "It met again.")
    with pytest.raises(EditConflict) as refused:
        report_services.report_edit(report, version=read, summary=opening + "Nothing more.")
    change = refused.value.messages[1]
    assert change.startswith("Summary: “…") and len(change) < 400
    assert "It closed.”" in change and "It met again.”" in change


# --- The co-chair term --------------------------------------------------------------------


def test_a_second_save_of_a_co_chair_term_is_refused_then_accepted_once_seen(group, rowan, kim):
    som = MeetingFactory(kind=Meeting.Kind.SOM)
    term = CoChairTermFactory(group=group, member=MemberFactory(name="Indonesia"), decided_at=som)
    url = reverse("term_edit", args=[group.slug, term.pk])
    rowans_form, kims_form = as_sent(rowan.get(url)), as_sent(kim.get(url))
    sooner = term.planned_end_on - datetime.timedelta(days=100)

    assert rowan.post(url, rowans_form | {"planned_end_on": sooner.isoformat()}).status_code == 302
    ended = timezone.localdate().isoformat()
    refused = kim.post(url, kims_form | {"ended_on": ended})

    def day(d):
        return f"{d:%-d %B %Y}"

    assert_refused(
        refused,
        by="Rowan Ellis",
        what="co-chair term",
        changes=[f"Planned end on: “{day(term.planned_end_on)}” → “{day(sooner)}”"],
    )
    term.refresh_from_db()
    assert (term.planned_end_on, term.ended_on) == (sooner, None)
    kept = as_sent(refused)
    assert (kept["ended_on"], kept["planned_end_on"]) == (ended, sooner.isoformat())

    assert kim.post(url, kept).status_code == 302
    term.refresh_from_db()
    assert (term.planned_end_on, term.ended_on) == (sooner, timezone.localdate())


def test_the_term_service_itself_refuses_a_stale_version(group):
    term = CoChairTermFactory(group=group, decided_at=MeetingFactory(kind=Meeting.Kind.SOM))
    read = version_of(term)
    first = CoChairTerm.objects.get(pk=term.pk)
    first.ended_on = timezone.localdate()
    group_services.term_save(first, version=read)
    term.planned_end_on -= datetime.timedelta(days=10)
    with pytest.raises(EditConflict):
        group_services.term_save(term, version=read)
    term.refresh_from_db()
    assert term.ended_on == timezone.localdate()


# --- The profile ----------------------------------------------------------------------------


def test_a_time_zone_saved_in_another_tab_is_not_silently_replaced():
    person = SecretariatFactory(first_name="Rowan", last_name="Ellis", time_zone="Asia/Bangkok")
    first_tab, second_tab = session(person), session(person)
    url = reverse("profile")
    firsts, seconds = as_sent(first_tab.get(url)), as_sent(second_tab.get(url))

    assert first_tab.post(url, firsts | {"time_zone": "Europe/Paris"}).status_code == 302
    refused = second_tab.post(url, seconds | {"time_zone": "Asia/Tokyo"})

    assert_refused(
        refused,
        by="Rowan Ellis",
        what="profile",
        changes=["Your time zone: “Asia/Bangkok” → “Europe/Paris”"],
    )
    person.refresh_from_db()
    assert person.time_zone == "Europe/Paris"
    assert second_tab.post(url, as_sent(refused)).status_code == 302
    person.refresh_from_db()
    assert person.time_zone == "Asia/Tokyo"


# --- The action (edited through its service: by the back office, and the action page) -----


def test_a_second_edit_of_an_action_is_refused_then_accepted_once_seen():
    rowan = SecretariatFactory(first_name="Rowan", last_name="Ellis")
    kim = SecretariatFactory(first_name="Kim", last_name="Lee")
    australia = MemberFactory(name="Australia")
    action = ActionFactory(description="Hold a regional dialogue.")
    # Both open the action as it stands.
    rowans_read = kims_read = version_of(action)

    workplan_services.action_edit(
        action,
        version=rowans_read,
        by=rowan,
        status="ongoing",
        lead_members=[australia],
    )
    with pytest.raises(EditConflict) as refused:
        workplan_services.action_edit(
            action,
            version=kims_read,
            by=kim,
            status="complete",
            status_note="Held in Bali.",
            lead_members=[],
        )

    messages = refused.value.messages
    assert messages[0].startswith("Rowan Ellis saved this action on ")
    assert messages[0].endswith(" (Asia/Bangkok time), after you opened it. They changed:")
    assert messages[1:-1] == [
        "Status: “For action” → “Ongoing”",
        "Lead members: “(empty)” → “Australia”",
    ]
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("ongoing", "")
    assert list(action.lead_members.all()) == [australia]

    workplan_services.action_edit(
        action,
        version=refused.value.version,
        by=kim,
        status="complete",
        status_note="Held in Bali.",
        lead_members=[australia],
    )
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("complete", "Held in Bali.")
    assert action.history.first().history_user == kim


def test_an_action_edit_of_other_fields_than_the_changed_ones_is_accepted():
    rowan, kim = SecretariatFactory(), SecretariatFactory()
    action = ActionFactory(description="Hold a regional dialogue.")
    read = version_of(action)
    workplan_services.action_edit(action, version=read, by=rowan, status="ongoing")
    workplan_services.action_edit(action, version=read, by=kim, target_period="2017/18")
    action.refresh_from_db()
    assert (action.status, action.target_period) == ("ongoing", "2017/18")


# --- The back office's change forms --------------------------------------------------------


def admin_sent(response) -> dict:
    """What a back-office change form sends back when submitted untouched, its inlines
    included."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None:
                data[field.html_name] = value
    return data


def test_a_second_save_of_an_action_in_the_back_office_is_refused_then_accepted(rowan, kim):
    action = ActionFactory(description="Hold a regional dialogue.")
    url = reverse("admin:workplans_action_change", args=[action.pk])
    rowans_form, kims_form = admin_sent(rowan.get(url)), admin_sent(kim.get(url))

    assert rowan.post(url, rowans_form | {"status": "ongoing"}).status_code == 302
    refused = kim.post(url, kims_form | {"status_note": "Held in Bali."})

    assert refused.status_code == 200
    errors = list(refused.context["adminform"].form.non_field_errors())
    assert errors[0].startswith("Rowan Ellis saved this action on ")
    assert errors[1:-1] == ["Status: “For action” → “Ongoing”"]
    assert errors[1] in refused.content.decode()
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("ongoing", "")
    kept = admin_sent(refused)
    assert (kept["status"], kept["status_note"]) == ("ongoing", "Held in Bali.")

    assert kim.post(url, kept).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.status_note) == ("ongoing", "Held in Bali.")


def test_a_second_save_of_a_co_chair_term_in_the_back_office_is_refused(group, rowan, kim):
    som = MeetingFactory(kind=Meeting.Kind.SOM)
    term = CoChairTermFactory(group=group, member=MemberFactory(name="Indonesia"), decided_at=som)
    url = reverse("admin:groups_cochairterm_change", args=[term.pk])
    rowans_form, kims_form = admin_sent(rowan.get(url)), admin_sent(kim.get(url))
    ended = timezone.localdate()

    assert rowan.post(url, rowans_form | {"ended_on": ended.isoformat()}).status_code == 302
    refused = kim.post(url, kims_form | {"seat": CoChairTerm.Seat.SECOND})

    assert refused.status_code == 200
    errors = list(refused.context["adminform"].form.non_field_errors())
    assert errors[1:-1] == [f"Actual end: “(empty)” → “{ended:%-d %B %Y}”"]
    term.refresh_from_db()
    assert (term.seat, term.ended_on) == (CoChairTerm.Seat.FIRST, ended)


def test_a_person_changed_in_the_back_office_meanwhile_is_not_overwritten(rowan, kim):
    person = SecretariatFactory(job_title="Officer")
    url = reverse("admin:accounts_user_change", args=[person.pk])
    rowans_form, kims_form = admin_sent(rowan.get(url)), admin_sent(kim.get(url))

    assert rowan.post(url, rowans_form | {"job_title": "Senior officer"}).status_code == 302
    refused = kim.post(url, kims_form | {"email": "new@example.org"})

    assert refused.status_code == 200
    errors = list(refused.context["adminform"].form.non_field_errors())
    assert errors[1:-1] == ["Job title: “Officer” → “Senior officer”"]
    person.refresh_from_db()
    assert (person.job_title, person.email) == ("Senior officer", f"{person.username}@example.org")


def test_a_second_save_of_an_agenda_item_row_in_the_back_office_is_refused(group, rowan, kim):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    item = agenda.item_add(meeting, title="Opening", duration_minutes=30)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    rowans_form, kims_form = admin_sent(rowan.get(url)), admin_sent(kim.get(url))
    row = "agenda_items-0-"
    assert int(kims_form[row + READ_VERSION]) == version_of(item)

    rowans_edit = rowans_form | {row + "title": "Opening and welcome"}
    assert rowan.post(url, rowans_edit).status_code == 302
    refused = kim.post(url, kims_form | {row + "duration_minutes": "45"})

    assert refused.status_code == 200
    (inline, *_) = refused.context["inline_admin_formsets"]
    errors = list(inline.formset.forms[0].non_field_errors())
    assert errors[1:-1] == ["Title: “Opening” → “Opening and welcome”"]
    item.refresh_from_db()
    assert (item.title, item.duration_minutes) == ("Opening and welcome", 30)
    kept = admin_sent(refused)
    assert (kept[row + "title"], kept[row + "duration_minutes"]) == ("Opening and welcome", "45")

    assert kim.post(url, kept).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.duration_minutes) == ("Opening and welcome", 45)


# --- Two saves at the same moment -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_action_edits_racing_from_one_version_save_one_and_refuse_the_other(monkeypatch):
    needs_row_locks()
    action = ActionFactory(description="Hold a regional dialogue.")
    read = version_of(action)
    people = {"ongoing": SecretariatFactory(), "complete": SecretariatFactory()}

    # Widen the window between the check and the save, so that without the row lock both
    # edits would pass the check before either is committed.
    check = versions.check_version

    def slowly(*args, **kwargs):
        check(*args, **kwargs)
        time.sleep(0.5)

    monkeypatch.setattr(versions, "check_version", slowly)
    saved, refused = [], []

    def edit(status):
        try:
            workplan_services.action_edit(
                Action.objects.get(pk=action.pk), version=read, by=people[status], status=status
            )
            saved.append(status)
        except EditConflict:
            refused.append(status)

    at_once(edit, list(people))

    assert len(saved) == 1 and len(refused) == 1
    action.refresh_from_db()
    assert action.status == saved[0]
    assert action.history.filter(status=refused[0]).count() == 0

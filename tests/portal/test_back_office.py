"""The back office is a client of the services: it offers only the fields the table below
lists, and every change it saves goes through the rules of the portal's pages."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db.models import ProtectedError
from django.forms.models import _get_foreign_key
from django.urls import reverse
from django.utils import timezone

from groups.models import Nomination
from meetings import agenda, calendar, papers
from meetings import services as meeting_services
from meetings.models import (
    AgendaItem,
    CalendarFeed,
    Document,
    DocumentVersion,
    Invitation,
    Meeting,
    Outcome,
)
from portal.versions import READ_VERSION
from reports import services as report_services
from reports.models import Report
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    NominationFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    approved_outcome_record,
    co_chair,
    participant,
)
from workplans import services as workplan_services
from workplans.models import Revision, WorkPlan

# What each back-office form lets the secretariat change: (add form, change form). None:
# the form is not offered. Every field not listed is shown read-only or not at all; each
# ModelAdmin's docstring says why.
EDITABLE = {
    "accounts.User": (
        {"username", "usable_password", "password1", "password2"},
        {
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_secretariat",
            "affiliation",
            "job_title",
            "clearance_level",
            "clearance_expires_on",
        },
    ),
    "groups.Member": (
        {"name", "short_name", "slug", "kind", "country", "ahg_joined_on", "ahg_left_on"}
        | {"is_observer"},
        {"name", "short_name", "slug", "kind", "country", "ahg_joined_on", "ahg_left_on"}
        | {"is_observer"},
    ),
    "groups.WorkingGroup": (
        {"name", "short_name", "slug", "purpose", "status", "established_on", "review_on"}
        | {"clearance_required", "chatham_house_default", "co_chair_max_years", "proposed_by"},
        {"name", "short_name", "slug", "purpose", "status", "established_on", "review_on"}
        | {"clearance_required", "chatham_house_default", "co_chair_max_years", "proposed_by"},
    ),
    "groups.TermsOfReference": (
        {"group", "version", "status", "summary", "text", "endorsed_on", "endorsed_at"},
        {"group", "version", "status", "summary", "text", "endorsed_on", "endorsed_at"},
    ),
    "groups.Participation": (
        {"person", "group", "member", "role", "started_on", "ended_on"},
        {"person", "group", "member", "role", "started_on", "ended_on"},
    ),
    # Saved through groups.services.term_save.
    "groups.CoChairTerm": (
        {"group", "member", "seat", "starts_on", "planned_end_on", "ended_on", "decided_at"}
        | {"extension_agreed_by", "extension_agreed_on", "extension_agreed_at"},
        {"group", "member", "seat", "starts_on", "planned_end_on", "ended_on", "decided_at"}
        | {"extension_agreed_by", "extension_agreed_on", "extension_agreed_at"},
    ),
    "groups.Nomination": (None, {"note"}),
    "meetings.Meeting": (None, set()),
    "meetings.AgendaItem": (None, {"title", "description", "duration_minutes", "fixed_start_at"}),
    "meetings.Document": (None, {"title", "access", "agenda_item"}),
    "meetings.Invitation": (None, set()),
    "meetings.Attendance": (None, set()),
    "meetings.Outcome": (None, {"kind", "text"}),
    "meetings.CalendarFeed": (None, set()),
    "workplans.WorkPlan": (
        {"group", "title", "period", "slug", "status", "background", "adopted_at"},
        {"title", "period", "slug", "status", "background", "adopted_at"},
    ),
    "workplans.RegionalPriority": (
        {"group", "numeral", "order", "text"},
        {"group", "numeral", "order", "text"},
    ),
    # Changed through workplans.services.action_edit.
    "workplans.Action": (
        {"plan", "number"}
        | {"description", "status", "status_note", "target_period", "initiative"}
        | {"lead_members", "funding_members", "priorities", "objectives", "delivered_at"}
        | {"in_bali_process_strategy", "proposed_for_rso_work_plan"},
        {"description", "status", "status_note", "target_period", "initiative"}
        | {"lead_members", "funding_members", "priorities", "objectives", "delivered_at"}
        | {"in_bali_process_strategy", "proposed_for_rso_work_plan"},
    ),
    "workplans.Revision": (None, set()),
    # Made and decided on the plan's pages (workplans.services.proposal_make and after).
    "workplans.Proposal": (None, set()),
    # Checked and stored by workplans.services.attachment_add from the plan's pages.
    "workplans.Attachment": (None, set()),
    # The change form is of a report already submitted, whose narrative is read-only.
    "reports.Report": (None, set()),
    "reports.RenderJob": (None, set()),
    # Made and decided on the group's pages; read in the back office only.
    "reports.PublicStatement": (None, set()),
    "groups.SilenceProcedure": (None, set()),
    "notifications.Notification": (None, set()),
}

# The inlines of the change forms: (parent, rows): (what an existing row changes, what a
# new row sets or None when rows are not added, whether rows are removed).
INLINES = {
    ("meetings.Meeting", "meetings.AgendaItem"): (
        {"title", "duration_minutes", "fixed_start_at"},
        {"title", "duration_minutes", "fixed_start_at"},
        True,
    ),
    ("meetings.Meeting", "meetings.Outcome"): ({"kind", "text"}, {"kind", "text"}, True),
    ("meetings.AgendaItem", "meetings.Speaker"): (
        set(),
        {"person", "name", "affiliation"},
        True,
    ),
    ("meetings.Document", "meetings.DocumentVersion"): (set(), None, False),
    ("workplans.WorkPlan", "workplans.Objective"): ({"number", "text"}, {"number", "text"}, True),
    ("workplans.Action", "workplans.ProgressUpdate"): (set(), {"reported_on", "text"}, True),
    ("reports.Report", "reports.Approval"): (set(), None, False),
}


def editable(form) -> set[str]:
    """The fields a person can change in a form (the version it was read at aside)."""
    return {n for n, f in form.fields.items() if not f.disabled and n != READ_VERSION}


def example(model, model_admin):
    """A demo object of the model, one with rows in each of its inlines when there is."""
    objects = model._default_manager.order_by("pk")
    if model is Report:
        # A submitted report: the case where the back office must not touch the narrative.
        objects = objects.exclude(status__in=[Report.Status.DRAFT, Report.Status.SENT_BACK])
    for inline in model_admin.inlines:
        fk = _get_foreign_key(model, inline.model)
        richer = objects.filter(**{f"{fk.related_query_name()}__isnull": False})
        if richer.exists():
            objects = richer
    return objects.first()


def test_every_back_office_form_offers_exactly_the_fields_in_the_table(client, demo):
    client.force_login(SecretariatFactory())
    # The demo has no calendar feed and no speaker: one of each, made as the pages make them.
    calendar.feed_create(SecretariatFactory())
    agenda.speaker_add(AgendaItem.objects.first(), name="Ms Speaker", affiliation="Thailand")
    offered, inlines = {}, {}
    for model, model_admin in admin.site._registry.items():
        opts, label = model._meta, model._meta.label
        add_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        response = client.get(add_url)
        assert response.status_code in (200, 403), add_url
        add = editable(response.context["adminform"].form) if response.status_code == 200 else None
        obj = example(model, model_admin)
        assert obj is not None, f"the demo has no {opts.verbose_name} to open"
        url, response = change_page(client, obj)
        assert response.status_code == 200, url
        offered[label] = (add, editable(response.context["adminform"].form))
        for inline in response.context["inline_admin_formsets"]:
            formset = inline.formset
            rows = [form for form in formset.forms if form.instance.pk]
            assert rows, f"the demo's {obj} has no {formset.model._meta.verbose_name} to open"
            fixed = {formset.fk.name, opts.pk.name, formset.model._meta.pk.name, "DELETE"}
            inlines[(label, formset.model._meta.label)] = (
                editable(rows[0]) - fixed if inline.has_change_permission else set(),
                editable(formset.empty_form) - fixed if inline.has_add_permission else None,
                bool(formset.can_delete and inline.has_delete_permission),
            )
    assert offered == EDITABLE
    assert inlines == INLINES


# --- Filling in a back-office form as a browser would ------------------------------------


class _FormReader(HTMLParser):
    """The values a browser would send with the page's change form, unchanged."""

    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._select = None
        self._select_options: list[tuple[str, bool]] = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._select_options, self._multiple = name, [], "multiple" in a
        elif tag == "option" and self._select:
            self._select_options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea:
            self.data.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._select_options if selected]
            if not chosen and not self._multiple and self._select_options:
                chosen = [self._select_options[0][0]]
            self.data.extend((self._select, value) for value in chosen)
            self._select = None


def form_as_sent(response, **changes) -> dict:
    """The page's change form as a browser would send it back, with these changes."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [str(value)]
    return data | {"_save": ["Save"]}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def secretary(client, db):
    person = SecretariatFactory()
    client.force_login(person)
    return person


@pytest.fixture
def group(db):
    return WorkingGroupFactory()


def change_page(client, obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return url, client.get(url)


# --- Reports ----------------------------------------------------------------------------


def test_a_reports_status_and_approvers_cannot_be_changed_in_the_back_office(
    client, secretary, group
):
    chair = co_chair(group)
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    url, page = change_page(client, report)
    sent = form_as_sent(
        page,
        status=Report.Status.APPROVED,
        approvers=[str(chair.affiliation_id)],
        approved_content_hash="0" * 64,
        summary="A busy year.",
    )
    response = client.post(url, sent)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.summary == "A busy year."  # the draft's narrative is saved, through report_edit
    assert report.status == Report.Status.DRAFT
    assert not report.approvers.exists()
    assert report.approved_content_hash == ""


def test_a_submitted_reports_narrative_is_read_only_in_the_back_office(client, secretary, group):
    co_chair(group)
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    report_services.report_edit(report, summary="As submitted.")
    report_services.report_submit(report, secretary)
    url, page = change_page(client, report)
    client.post(url, form_as_sent(page, summary="Changed behind the co-chairs' backs."))
    report.refresh_from_db()
    assert report.summary == "As submitted."
    assert report.status == Report.Status.SUBMITTED


def test_an_approved_report_cannot_be_deleted_in_the_back_office(client, secretary, group):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    record = approved_outcome_record(meeting)
    url = reverse("admin:reports_report_delete", args=[record.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:reports_report_changelist")
    sent = {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"}
    client.post(changelist, sent)
    assert Report.objects.filter(pk=record.pk).exists()


def test_a_person_is_deactivated_in_the_back_office_never_deleted(client, secretary):
    person = UserFactory()
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    assert reverse("admin:accounts_user_delete", args=[person.pk]) not in page
    url = reverse("admin:accounts_user_delete", args=[person.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:accounts_user_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    sent = {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"}
    client.post(changelist, sent)
    assert type(person).objects.filter(pk=person.pk).exists()


# --- Meetings and their outcomes -----------------------------------------------------------


def test_an_approved_outcome_edited_in_the_meeting_form_is_refused_with_a_message(
    client, secretary, group
):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    outcome = meeting_services.outcome_add(meeting, kind=Outcome.Kind.AGREED, text="Agreed.")
    approved_outcome_record(meeting)
    url, page = change_page(client, meeting)
    response = client.post(url, form_as_sent(page, **{"outcomes-0-text": "Rewritten."}))
    assert response.status_code == 302
    assert messages_of(response) == [
        "The co-chairs have approved this meeting's outcomes: they can no longer change."
    ]
    outcome.refresh_from_db()
    assert outcome.text == "Agreed."


def test_outcomes_added_changed_and_removed_in_the_meeting_form_keep_their_numbers(
    client, secretary, group
):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    for text in ["First.", "Second.", "Third."]:
        meeting_services.outcome_add(meeting, kind=Outcome.Kind.AGREED, text=text)
    url, page = change_page(client, meeting)
    sent = form_as_sent(
        page,
        **{
            "outcomes-0-DELETE": "on",
            "outcomes-2-text": "Third, reworded.",
            "outcomes-TOTAL_FORMS": "4",
            "outcomes-3-kind": Outcome.Kind.RECOMMENDATION,
            "outcomes-3-text": "Fourth.",
            "outcomes-3-meeting": meeting.pk,
        },
    )
    assert client.post(url, sent).status_code == 302
    assert list(meeting.outcomes.values_list("number", "text")) == [
        (1, "Second."),
        (2, "Third, reworded."),
        (3, "Fourth."),
    ]


def test_an_approved_outcome_is_not_changed_or_deleted_on_its_own_page(client, secretary, group):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    outcome = meeting_services.outcome_add(meeting, kind=Outcome.Kind.AGREED, text="Agreed.")
    approved_outcome_record(meeting)
    url, page = change_page(client, outcome)
    response = client.post(url, form_as_sent(page, text="Rewritten."))
    assert "can no longer change" in " ".join(messages_of(response))
    delete = reverse("admin:meetings_outcome_delete", args=[outcome.pk])
    response = client.post(delete, {"post": "yes"})
    assert "can no longer change" in " ".join(messages_of(response))
    outcome.refresh_from_db()
    assert outcome.text == "Agreed."


def test_a_meetings_dates_place_and_group_cannot_be_changed_in_the_back_office(
    client, secretary, group
):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="", city="Bangkok")
    member = participant(group).affiliation
    meeting_services.invitations_send(meeting, members=[member])
    invitation = Invitation.objects.get(meeting=meeting)
    invitation.response = Invitation.Response.ACCEPTED
    invitation.save()
    before = (meeting.starts_at, meeting.ends_at, meeting.city, meeting.group_id)
    url, page = change_page(client, meeting)
    later = meeting.starts_at + datetime.timedelta(days=30)
    sent = form_as_sent(
        page,
        starts_at_0=f"{later:%Y-%m-%d}",
        starts_at_1="09:00:00",
        ends_at_0=f"{later:%Y-%m-%d}",
        ends_at_1="17:00:00",
        city="Jakarta",
        group=WorkingGroupFactory().pk,
        status=Meeting.Status.CANCELLED,
    )
    assert client.post(url, sent).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.city, meeting.group_id) == before
    assert meeting.status == Meeting.Status.PLANNED
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.ACCEPTED  # nobody was told anything


def test_no_meeting_invitation_or_attendance_is_made_in_the_back_office(client, secretary):
    for model in ["meeting", "invitation", "attendance"]:
        assert client.get(reverse(f"admin:meetings_{model}_add")).status_code == 403


def test_agenda_items_added_in_the_meeting_form_are_checked_by_the_agenda_rules(
    client, secretary, group
):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    agenda.item_add(meeting, title="Opening")
    url, page = change_page(client, meeting)
    sent = form_as_sent(
        page,
        **{
            "agenda_items-TOTAL_FORMS": "2",
            "agenda_items-1-title": "Tour de table",
            "agenda_items-1-duration_minutes": "2000",
            "agenda_items-1-meeting": meeting.pk,
        },
    )
    response = client.post(url, sent)
    assert messages_of(response) == ["Give a duration from 5 to 600 minutes."]
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Opening"]
    sent["agenda_items-1-duration_minutes"] = ["45"]
    client.post(url, sent)
    assert list(meeting.agenda_items.values_list("position", "title")) == [
        (1, "Opening"),
        (2, "Tour de table"),
    ]


# --- Papers and their history ---------------------------------------------------------------


@pytest.fixture
def paper(secretary, group):
    from django.core.files.uploadedfile import SimpleUploadedFile

    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    upload = SimpleUploadedFile("notes.txt", b"Notes of the meeting.\n", "text/plain")
    return papers.document_add(
        meeting,
        title="Concept note",
        access=Document.Access.PARTICIPANTS,
        upload=upload,
        uploaded_by=secretary,
    )


def test_a_paper_version_cannot_be_deleted_with_its_paper_or_its_meeting(client, paper):
    version = paper.versions.get()
    url = reverse("admin:meetings_document_delete", args=[paper.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    url = reverse("admin:meetings_meeting_delete", args=[paper.meeting_id])
    response = client.post(url, {"post": "yes"})
    assert "<title>Cannot delete meeting" in response.content.decode()
    assert DocumentVersion.objects.filter(pk=version.pk).exists()
    with pytest.raises(ProtectedError):
        paper.meeting.delete()


def test_a_change_to_a_paper_in_the_back_office_keeps_its_history(client, secretary, paper):
    url, page = change_page(client, paper)
    response = client.post(url, form_as_sent(page, access=Document.Access.SECRETARIAT))
    assert response.status_code == 302
    history = paper.history.order_by("history_date")
    assert [record.access for record in history] == [
        Document.Access.PARTICIPANTS,
        Document.Access.SECRETARIAT,
    ]
    assert history.last().history_user == secretary
    assert paper.versions.get().history.count() == 1


def test_a_paper_is_linked_only_to_an_agenda_item_of_its_own_meeting(client, paper):
    elsewhere = agenda.item_add(MeetingFactory(), title="Someone else's draft item")
    url, page = change_page(client, paper)
    response = client.post(url, form_as_sent(page, agenda_item=elsewhere.pk))
    assert response.status_code == 200
    paper.refresh_from_db()
    assert paper.agenda_item is None


# --- Work plans ----------------------------------------------------------------------------


@pytest.fixture
def revision(group):
    plan = WorkPlanFactory(group=group)
    return workplan_services.revision_adopt(
        plan, label="Adopted", adopted_on=datetime.date(2016, 5, 18)
    )


def test_an_adopted_revision_cannot_be_deleted_with_its_plan_or_on_its_own(
    client, secretary, revision
):
    for url in [
        reverse("admin:workplans_revision_delete", args=[revision.pk]),
        reverse("admin:workplans_workplan_delete", args=[revision.plan_id]),
    ]:
        assert client.post(url, {"post": "yes"}).status_code == 403, url
    changelist = reverse("admin:workplans_workplan_changelist")
    sent = {"action": "delete_selected", "_selected_action": [revision.plan_id], "post": "yes"}
    client.post(changelist, sent)
    assert Revision.objects.filter(pk=revision.pk).exists()
    with pytest.raises(ProtectedError):
        WorkPlan.objects.filter(pk=revision.plan_id).delete()
    assert revision.history.count() == 1


def test_progress_updates_added_in_the_action_form_are_checked_like_posted_ones(client, secretary):
    action = ActionFactory()
    earlier = workplan_services.update_post(action, text="Module drafted.", author=secretary)
    url, page = change_page(client, action)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    sent = form_as_sent(
        page,
        **{
            "updates-0-text": "Rewritten afterwards.",
            "updates-TOTAL_FORMS": "2",
            "updates-1-action": action.pk,
            "updates-1-reported_on": tomorrow.isoformat(),
            "updates-1-text": "Module delivered.",
        },
    )
    response = client.post(url, sent)
    assert messages_of(response) == ["Progress is reported on or before today."]
    assert list(action.updates.values_list("text", flat=True)) == ["Module drafted."]
    sent["updates-1-reported_on"] = [timezone.localdate().isoformat()]
    assert client.post(url, sent).status_code == 302
    assert sorted(action.updates.values_list("text", "author")) == [
        ("Module delivered.", secretary.pk),
        ("Module drafted.", secretary.pk),
    ]
    earlier.refresh_from_db()
    assert earlier.text == "Module drafted."


def test_a_nomination_is_not_recorded_or_decided_in_the_back_office(client, secretary, group):
    nomination = NominationFactory(group=group)
    assert client.get(reverse("admin:groups_nomination_add")).status_code == 403
    url, page = change_page(client, nomination)
    sent = form_as_sent(page, outcome=Nomination.Outcome.ACCEPTED, note="Put forward by Fiji.")
    assert client.post(url, sent).status_code == 302
    nomination.refresh_from_db()
    assert nomination.outcome == Nomination.Outcome.PENDING
    assert nomination.note == "Put forward by Fiji."


# --- History ---------------------------------------------------------------------------------


def test_history_is_read_but_never_reverted_past_the_services(client, secretary, group):
    chair = co_chair(group)
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    report_services.report_edit(report, summary="Draft.")
    report_services.report_submit(report, secretary)
    draft = report.history.order_by("history_date").first()
    url = reverse("admin:reports_report_simple_history", args=[report.pk, draft.history_id])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Revert" not in page.content
    assert client.post(url, {"summary": "Draft.", "_save": "Save"}).status_code == 403
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert list(report.approvers.all()) == [chair.affiliation]


def test_revoking_a_calendar_feed_in_the_back_office_turns_its_address_off(client, secretary):
    feed = calendar.feed_create(secretary)
    changelist = reverse("admin:meetings_calendarfeed_changelist")
    client.post(changelist, {"action": "revoke", "_selected_action": [feed.pk]})
    assert calendar.feed_person(feed.token) is None
    assert timezone.now() >= CalendarFeed.objects.get(pk=feed.pk).revoked_at

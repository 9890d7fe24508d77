"""Every text a person types has a longest length: a longer one is refused at input, beside
its field, and nothing is saved; one exactly as long as allowed is accepted."""

import datetime
import html

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone

from groups.models import Participation, SilenceProcedure, TermsOfReference
from meetings.models import AgendaItem, Meeting
from meetings.services import NOTE_MAX_LENGTH
from portal.text import COMMENT_MAX_LENGTH, LONG_TEXT_MAX_LENGTH, TEXT_MAX_LENGTH
from reports import services as report_services
from reports import statements
from reports.models import Approval, PublicStatement, Report
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    TermsOfReferenceFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)
from workplans import exchange
from workplans.models import Action, ProgressUpdate, WorkPlan

pytestmark = pytest.mark.django_db

FETCH = {"X-Requested-With": "fetch"}


def too_long(limit: int) -> str:
    return "x" * (limit + 1)


def refusal(limit: int) -> str:
    """Django's own message for a text one character over the limit."""
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def assert_refused(response, limit: int):
    """The form came back, with the reason beside the field."""
    assert response.status_code == 200
    assert refusal(limit) in text_of(response)


def as_sent(form) -> dict:
    """What a browser sends back for a form as it was shown."""
    data = {}
    for field in form:
        value = field.value()
        if value is None:
            continue
        if isinstance(value, datetime.datetime):
            value = value.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[field.html_name] = value
    return data


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP")


@pytest.fixture
def secretariat(client):
    person = SecretariatFactory()
    client.force_login(person)
    return person


# --- The models ----------------------------------------------------------------------------

# Texts that are bounded by their service and form rather than on the model, with the limit.
BOUNDED_ELSEWHERE = {"meetings.Invitation.note": NOTE_MAX_LENGTH}


def test_every_text_a_person_types_has_a_longest_length():
    unbounded = []
    for model in apps.get_models():
        if model._meta.app_label not in ("groups", "meetings", "workplans", "reports"):
            continue
        if hasattr(model, "instance_type"):  # a history row copies its model's fields
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.TextField) or field.name == "error":
                continue  # a job's error is written by the portal, not typed
            name = f"{model._meta.label}.{field.name}"
            if field.max_length is None and name not in BOUNDED_ELSEWHERE:
                unbounded.append(name)
    assert unbounded == []


# --- Report narrative ----------------------------------------------------------------------


def test_a_report_narrative_over_the_limit_is_refused_on_its_edit_page(client, group, secretariat):
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    url = reverse("report_edit", args=[group.slug, report.kind, report.year])
    page = client.get(url)
    assert f'maxlength="{LONG_TEXT_MAX_LENGTH}"' in page.content.decode()
    sent = as_sent(page.context["form"])

    response = client.post(url, sent | {"summary": too_long(LONG_TEXT_MAX_LENGTH)})

    assert_refused(response, LONG_TEXT_MAX_LENGTH)
    report.refresh_from_db()
    assert report.summary == ""

    response = client.post(url, sent | {"summary": "x" * LONG_TEXT_MAX_LENGTH})
    assert response.status_code == 302
    report.refresh_from_db()
    assert len(report.summary) == LONG_TEXT_MAX_LENGTH


# --- Terms of Reference (kept in the back office) ------------------------------------------


def test_a_terms_of_reference_text_over_the_limit_is_refused_in_the_back_office(
    client, group, secretariat
):
    tor = TermsOfReferenceFactory(
        group=group, status=TermsOfReference.Status.DRAFT, endorsed_on=None
    )
    url = reverse("admin:groups_termsofreference_change", args=[tor.pk])
    sent = as_sent(client.get(url).context["adminform"].form) | {"_save": "Save"}

    response = client.post(url, sent | {"text": too_long(LONG_TEXT_MAX_LENGTH)})

    assert_refused(response, LONG_TEXT_MAX_LENGTH)
    tor.refresh_from_db()
    assert tor.text == "Purpose\nA network of experts."

    response = client.post(url, sent | {"text": "x" * LONG_TEXT_MAX_LENGTH})
    assert response.status_code == 302
    tor.refresh_from_db()
    assert len(tor.text) == LONG_TEXT_MAX_LENGTH


# --- Agenda item ---------------------------------------------------------------------------


def test_an_agenda_item_description_over_the_limit_is_refused(client, group, secretariat):
    meeting = MeetingFactory(kind=Meeting.Kind.WORKING_GROUP, group=group, body="")
    url = reverse("agenda_edit", args=[meeting.pk])
    item = {"title": "Opening", "duration_minutes": "30"}

    response = client.post(url, item | {"description": too_long(TEXT_MAX_LENGTH)})
    assert_refused(response, TEXT_MAX_LENGTH)
    # Sent by the editor's script, the same refusal comes back as the form's changed part.
    response = client.post(url, item | {"description": too_long(TEXT_MAX_LENGTH)}, headers=FETCH)
    assert response.status_code == 400
    assert refusal(TEXT_MAX_LENGTH) in text_of(response)
    assert not AgendaItem.objects.exists()

    response = client.post(url, item | {"description": "x" * TEXT_MAX_LENGTH})
    assert response.status_code == 302
    assert len(AgendaItem.objects.get().description) == TEXT_MAX_LENGTH


# --- Work plans ----------------------------------------------------------------------------


def test_an_action_description_or_status_note_over_the_limit_is_refused(client, group, secretariat):
    action = ActionFactory(plan=WorkPlanFactory(group=group), description="Hold a dialogue.")
    url = reverse("action_edit", args=[group.slug, action.plan.slug, action.number])
    page = client.get(url)
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in page.content.decode()
    assert f'maxlength="{COMMENT_MAX_LENGTH}"' in page.content.decode()
    sent = as_sent(page.context["form"])

    assert_refused(
        client.post(url, sent | {"description": too_long(TEXT_MAX_LENGTH)}), TEXT_MAX_LENGTH
    )
    assert_refused(
        client.post(url, sent | {"status_note": too_long(COMMENT_MAX_LENGTH)}),
        COMMENT_MAX_LENGTH,
    )
    action.refresh_from_db()
    assert (action.description, action.status_note) == ("Hold a dialogue.", "")

    at_limit = {"description": "x" * TEXT_MAX_LENGTH, "status_note": "y" * COMMENT_MAX_LENGTH}
    assert client.post(url, sent | at_limit).status_code == 302
    action.refresh_from_db()
    assert (action.description, action.status_note) == tuple(at_limit.values())


def test_a_new_action_with_a_description_over_the_limit_is_not_added(client, group, secretariat):
    plan = WorkPlanFactory(group=group)
    url = reverse("action_create", args=[group.slug, plan.slug])
    sent = as_sent(client.get(url).context["form"])

    response = client.post(url, sent | {"description": too_long(TEXT_MAX_LENGTH)})

    assert_refused(response, TEXT_MAX_LENGTH)
    assert not Action.objects.exists()


def test_a_progress_update_over_the_limit_is_refused(client, group, secretariat):
    plan = WorkPlanFactory(group=group)
    action = ActionFactory(plan=plan, lead_members=[MemberFactory()])
    url = reverse("action_update_post", args=[group.slug, plan.slug, action.number])

    response = client.post(url, {"text": too_long(TEXT_MAX_LENGTH)})

    assert_refused(response, TEXT_MAX_LENGTH)
    assert not ProgressUpdate.objects.exists()

    assert client.post(url, {"text": "x" * TEXT_MAX_LENGTH}).status_code == 302
    assert len(ProgressUpdate.objects.get().text) == TEXT_MAX_LENGTH


def import_file(**line) -> SimpleUploadedFile:
    values = {"number": "1", "description": "Hold a dialogue."} | line
    header = ",".join(values)
    body = ",".join(values.values())
    return SimpleUploadedFile("plan.csv", f"{header}\n{body}\n".encode(), content_type="text/csv")


PLAN = {"title": "Forward Work Plan 2025-27", "period": "2025-27", "slug": "2025-27"}


@pytest.mark.parametrize(
    "column, limit",
    [
        ("description", TEXT_MAX_LENGTH),
        ("status_note", COMMENT_MAX_LENGTH),
        ("latest_update", TEXT_MAX_LENGTH),
    ],
)
def test_a_plan_file_with_a_text_over_the_limit_is_refused_at_its_line(
    client, group, secretariat, column, limit
):
    url = reverse("work_plan_import", kwargs={"group_slug": group.slug})
    line = {column: too_long(limit)}
    if column == "latest_update":
        line = {"latest_update_date": "2016-05-17"} | line

    response = client.post(url, PLAN | {"file": import_file(**line)})

    assert response.status_code == 200
    problems = [str(p) for p in response.context["preview"].problems]
    expected = f"Line 2, {column}: longer than {limit} characters (it has {limit + 1})."
    assert problems == [expected]
    assert expected in text_of(response)
    assert response.context["confirm_form"] is None  # nothing is offered to import
    assert not WorkPlan.objects.exists()


def test_a_plan_file_with_texts_at_the_limit_is_imported(client, group, secretariat):
    url = reverse("work_plan_import", kwargs={"group_slug": group.slug})
    line = {
        "description": "d" * TEXT_MAX_LENGTH,
        "status_note": "n" * COMMENT_MAX_LENGTH,
        "latest_update_date": "2016-05-17",
        "latest_update": "u" * TEXT_MAX_LENGTH,
    }
    preview = client.post(url, PLAN | {"file": import_file(**line)})
    assert preview.context["preview"].problems == []

    response = client.post(url, as_sent(preview.context["confirm_form"]))

    assert response.status_code == 302
    action = Action.objects.get(plan__slug="2025-27")
    assert (action.description, action.status_note) == (line["description"], line["status_note"])
    assert action.updates.get().text == line["latest_update"]


def test_reading_a_plan_file_reports_every_text_over_the_limit():
    preview = exchange.read_plan_csv(
        WorkingGroupFactory(),
        (
            "number,description,status_note\n"
            f"1,{too_long(TEXT_MAX_LENGTH)},{too_long(COMMENT_MAX_LENGTH)}\n"
            "2,Hold a dialogue.,\n"
        ).encode(),
    )
    assert [(p.line, p.column) for p in preview.problems] == [
        (2, "description"),
        (2, "status_note"),
    ]
    assert not preview.is_valid


# --- Public statement ----------------------------------------------------------------------


def test_a_public_statement_text_over_the_limit_is_refused(client, group, secretariat):
    url = reverse("statement_create", args=[group.slug])
    statement = {"title": "Statement on the regional forum"}

    response = client.post(url, statement | {"text": too_long(LONG_TEXT_MAX_LENGTH)})

    assert_refused(response, LONG_TEXT_MAX_LENGTH)
    assert not PublicStatement.objects.exists()

    assert client.post(url, statement | {"text": "x" * LONG_TEXT_MAX_LENGTH}).status_code == 302
    assert len(PublicStatement.objects.get().text) == LONG_TEXT_MAX_LENGTH


# --- Silence procedure ---------------------------------------------------------------------


def test_a_text_put_under_silence_over_the_limit_is_refused(client, group, secretariat):
    co_chair(group)
    url = reverse("silence_procedure_create", args=[group.slug])
    procedure = {
        "subject": SilenceProcedure.Subject.TEXT,
        "title": "A text",
        "deadline_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        "deadline_time": "17:00",
        "deadline_time_zone": "Asia/Bangkok",
    }

    response = client.post(url, procedure | {"text": too_long(LONG_TEXT_MAX_LENGTH)})

    assert_refused(response, LONG_TEXT_MAX_LENGTH)
    assert not SilenceProcedure.objects.exists()

    response = client.post(url, procedure | {"text": "x" * LONG_TEXT_MAX_LENGTH})
    assert response.status_code == 302
    assert len(SilenceProcedure.objects.get().text) == LONG_TEXT_MAX_LENGTH


def test_a_reason_for_breaking_silence_over_the_limit_is_refused(client, group):
    secretariat = SecretariatFactory()
    co_chair(group)
    focal = participant(group, role=Participation.Role.FOCAL_POINT)
    client.force_login(secretariat)
    client.post(
        reverse("silence_procedure_create", args=[group.slug]),
        {
            "subject": SilenceProcedure.Subject.TEXT,
            "title": "A text",
            "text": "Agree.",
            "deadline_on": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "deadline_time": "17:00",
            "deadline_time_zone": "Asia/Bangkok",
        },
    )
    procedure = SilenceProcedure.objects.get()
    client.force_login(focal)
    url = reverse("silence_break", args=[group.slug, procedure.pk])
    objection = {"member": focal.affiliation_id}

    response = client.post(url, objection | {"reason": too_long(COMMENT_MAX_LENGTH)})

    assert_refused(response, COMMENT_MAX_LENGTH)
    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.UNDER_SILENCE

    assert client.post(url, objection | {"reason": "x" * COMMENT_MAX_LENGTH}).status_code == 302
    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.BROKEN


# --- Approval comments ---------------------------------------------------------------------


def test_an_approval_comment_over_the_limit_is_refused(client, group, secretariat):
    chair = co_chair(group)
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    report_services.report_edit(report, summary="The group met twice.")
    report = report_services.report_submit(report, secretariat)
    client.force_login(chair)
    url = reverse("report_decide", args=[group.slug, report.kind, report.year])
    decision = {
        "decision": Approval.Decision.SENT_BACK,
        "content_hash": report_services.current_content_hash(report),
    }

    # The decision is taken on the report's page, which it leads back to with the reason.
    response = client.post(url, decision | {"comment": too_long(COMMENT_MAX_LENGTH)})
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    assert refusal(COMMENT_MAX_LENGTH) in text_of(page)
    assert not Approval.objects.exists()
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED

    client.post(url, decision | {"comment": "x" * COMMENT_MAX_LENGTH})
    assert len(Approval.objects.get().comment) == COMMENT_MAX_LENGTH
    report.refresh_from_db()
    assert report.status == Report.Status.SENT_BACK


def test_a_statement_approval_comment_over_the_limit_is_refused(client, group, secretariat):
    chair = co_chair(group)
    statement = statements.statement_save(
        None, group=group, by=secretariat, title="Statement", text="The group welcomes it."
    )
    statement = statements.statement_submit(statement, by=secretariat)
    client.force_login(chair)
    url = reverse("statement_decide", args=[group.slug, statement.pk])
    decision = {
        "decision": "sent_back",
        "content_hash": statements.statement_content_hash(statement),
    }

    response = client.post(url, decision | {"comment": too_long(COMMENT_MAX_LENGTH)})
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    assert refusal(COMMENT_MAX_LENGTH) in text_of(page)
    assert not statement.approvals.exists()

    client.post(url, decision | {"comment": "x" * COMMENT_MAX_LENGTH})
    assert len(statement.approvals.get().comment) == COMMENT_MAX_LENGTH


def test_a_plan_objective_over_the_limit_is_refused(client, group, secretariat):
    url = reverse("work_plan_create", kwargs={"group_slug": group.slug})
    sent = as_sent(client.get(url).context["form"]) | {"title": "Plan", "period": "2025-27"}

    response = client.post(url, sent | {"objectives": f"Cooperate.\n{too_long(TEXT_MAX_LENGTH)}"})

    assert response.status_code == 200
    expected = f"objective 2 has at most {TEXT_MAX_LENGTH} characters (it has 10001)"
    assert expected in text_of(response)
    assert not WorkPlan.objects.exists()

    response = client.post(url, sent | {"objectives": f"Cooperate.\n{'x' * TEXT_MAX_LENGTH}"})
    assert response.status_code == 302
    assert len(WorkPlan.objects.get().objectives.get(number=2).text) == TEXT_MAX_LENGTH

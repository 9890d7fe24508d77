"""Decisions between meetings by silence procedure: circulated with a deadline, broken by
one objection, or adopted at the deadline with its effect applied."""

import datetime
import zoneinfo

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups import services
from groups.models import Participation, SilenceProcedure, TermsOfReference
from portal.notifications.models import Notification
from reports.models import PublicStatement
from reports.statements import statement_save
from tests.factories import (
    NominationFactory,
    SecretariatFactory,
    TermsOfReferenceFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)
from workplans.models import Revision, WorkPlan

pytestmark = pytest.mark.django_db

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def world():
    group = WorkingGroupFactory(short_name="WG-TIP")
    return {
        "group": group,
        "secretariat": SecretariatFactory(first_name="Siti", last_name="Officer"),
        "chair": co_chair(group, first_name="Grace", last_name="Chair"),
        "focal": participant(
            group, role=Participation.Role.FOCAL_POINT, first_name="Fiona", last_name="Focal"
        ),
        "expert": participant(group, first_name="Ed", last_name="Expert"),
        "plan": WorkPlanFactory(group=group, status=WorkPlan.Status.DRAFT),
    }


def circulate(world, *, deadline=None, subject="work_plan_revision", **links):
    if subject == "work_plan_revision" and not links:
        links = {"work_plan": world["plan"]}
    return services.silence_procedure_circulate(
        world["group"],
        subject=subject,
        title="Revision of the work plan",
        text="The co-chairs propose that the group adopt the plan.",
        deadline=deadline or timezone.now() + 96 * HOUR,
        deadline_time_zone="Asia/Bangkok",
        by=world["secretariat"],
        **links,
    )


def at(monkeypatch, moment):
    """The clock reads `moment` for the services and the permissions."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_circulating_tells_everyone_taking_part(world):
    procedure = circulate(world)
    told = set(
        Notification.objects.filter(key=f"silence-opened:{procedure.pk}").values_list(
            "person__username", flat=True
        )
    )
    assert told == {world["chair"].username, world["focal"].username, world["expert"].username}
    assert procedure.status == SilenceProcedure.Status.UNDER_SILENCE


def test_a_deadline_under_72_hours_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        circulate(world, deadline=timezone.now() + 71 * HOUR)
    assert "at least 72 hours" in str(refused.value.message_dict["deadline"])
    assert not SilenceProcedure.objects.exists()


def test_the_linked_object_must_fit_the_subject_and_the_group(world):
    other_plan = WorkPlanFactory()
    with pytest.raises(ValidationError) as refused:
        circulate(world, work_plan=other_plan)
    assert "It is not of WG-TIP" in refused.value.message_dict["work_plan"][0]
    with pytest.raises(ValidationError) as refused:
        circulate(world, subject="statement")
    assert "Choose the public statement" in refused.value.message_dict["statement"][0]
    endorsed = TermsOfReferenceFactory(group=world["group"])
    with pytest.raises(ValidationError) as refused:
        circulate(world, subject="terms_of_reference", terms_of_reference=endorsed)
    assert "already endorsed" in refused.value.message_dict["terms_of_reference"][0]
    superseded = WorkPlanFactory(group=world["group"], status=WorkPlan.Status.SUPERSEDED)
    with pytest.raises(ValidationError) as refused:
        circulate(world, work_plan=superseded)
    assert "superseded" in refused.value.message_dict["work_plan"][0]


def test_one_procedure_at_a_time_on_an_object(world):
    circulate(world)
    with pytest.raises(ValidationError) as refused:
        circulate(world)
    assert "already running" in refused.value.message_dict["work_plan"][0]


def test_adopted_at_the_deadline_not_before_and_once(world):
    procedure = circulate(world)

    assert services.silence_procedures_conclude(now=procedure.deadline - SECOND) == 0
    procedure.refresh_from_db()
    assert procedure.is_under_silence and not Revision.objects.exists()

    assert services.silence_procedures_conclude(now=procedure.deadline) == 1
    assert services.silence_procedures_conclude(now=procedure.deadline + HOUR) == 0

    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.ADOPTED
    assert procedure.concluded_at == procedure.deadline
    day = procedure.deadline.astimezone(BANGKOK).date()
    revision = Revision.objects.get()
    assert procedure.revision == revision
    assert revision.label == f"Adopted by silence procedure on {day.day} {day:%B %Y}"
    assert revision.adopted_on == day
    world["plan"].refresh_from_db()
    assert world["plan"].status == WorkPlan.Status.ADOPTED
    told = Notification.objects.filter(key=f"silence-concluded:{procedure.pk}")
    assert told.count() == 3
    assert "adopted by silence procedure on" in told.first().text


def test_a_statement_adopted_by_silence_is_published(world):
    statement = statement_save(
        None, group=world["group"], by=world["secretariat"], title="On labour", text="We agree."
    )
    procedure = circulate(world, subject="statement", statement=statement)
    services.silence_procedures_conclude(now=procedure.deadline + SECOND)
    statement.refresh_from_db()
    assert statement.status == PublicStatement.Status.PUBLISHED
    assert statement.published_at == procedure.deadline


def test_terms_of_reference_and_nomination_are_agreed_but_left_to_the_som(world):
    draft = TermsOfReferenceFactory(
        group=world["group"], status=TermsOfReference.Status.DRAFT, endorsed_on=None
    )
    nomination = NominationFactory(group=world["group"])
    tor_procedure = circulate(world, subject="terms_of_reference", terms_of_reference=draft)
    nomination_procedure = circulate(world, subject="nomination", nomination=nomination)
    assert services.silence_procedures_conclude(now=nomination_procedure.deadline) == 2
    draft.refresh_from_db()
    nomination.refresh_from_db()
    assert draft.status == TermsOfReference.Status.DRAFT
    assert nomination.outcome == "pending"
    for procedure in (tor_procedure, nomination_procedure):
        procedure.refresh_from_db()
        assert procedure.status == SilenceProcedure.Status.ADOPTED


def test_one_objection_breaks_silence_and_nothing_is_adopted(world):
    procedure = circulate(world)
    focal = world["focal"]
    mail.outbox.clear()

    services.silence_break(
        procedure, member=focal.affiliation, by=focal, reason="We need time to consult."
    )

    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.BROKEN
    assert procedure.concluded_at is not None and procedure.concluded_by is None
    told = set(
        Notification.objects.filter(key=f"silence-broken:{procedure.pk}").values_list(
            "person", flat=True
        )
    )
    assert {world["chair"].pk, world["secretariat"].pk} <= told
    assert (
        "We need time to consult."
        in Notification.objects.filter(key=f"silence-broken:{procedure.pk}", person=world["chair"])
        .get()
        .text
    )
    assert services.silence_procedures_conclude(now=procedure.deadline + HOUR) == 0
    assert not Revision.objects.exists()


def test_a_reason_is_required(world):
    procedure = circulate(world)
    focal = world["focal"]
    with pytest.raises(ValidationError) as refused:
        services.silence_break(procedure, member=focal.affiliation, by=focal, reason="  ")
    assert "reason" in refused.value.message_dict
    procedure.refresh_from_db()
    assert procedure.is_under_silence


@pytest.mark.parametrize("after", [datetime.timedelta(0), HOUR])
def test_a_late_objection_is_refused(world, monkeypatch, after):
    procedure = circulate(world)
    at(monkeypatch, procedure.deadline + after)
    focal = world["focal"]
    with pytest.raises(ValidationError) as refused:
        services.silence_break(procedure, member=focal.affiliation, by=focal, reason="Too late")
    assert "silence can no longer be broken" in refused.value.messages[0]
    assert "The deadline passed at" in refused.value.messages[0]
    procedure.refresh_from_db()
    assert procedure.is_under_silence and not procedure.breaks.exists()


def test_one_second_before_the_deadline_silence_can_still_be_broken(world, monkeypatch):
    procedure = circulate(world)
    at(monkeypatch, procedure.deadline - SECOND)
    focal = world["focal"]
    services.silence_break(procedure, member=focal.affiliation, by=focal, reason="Objection")
    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.BROKEN


@pytest.mark.parametrize("who", ["expert", "secretariat", "chair_for_other_member"])
def test_only_the_members_focal_point_may_break(world, who):
    procedure = circulate(world)
    person = world["chair"] if who == "chair_for_other_member" else world[who]
    member = world["focal"].affiliation if who != "expert" else world["expert"].affiliation
    with pytest.raises(ValidationError):
        services.silence_break(procedure, member=member, by=person, reason="No")
    procedure.refresh_from_db()
    assert procedure.is_under_silence


def test_withdrawn_by_the_secretariat(world):
    procedure = circulate(world)
    services.silence_procedure_withdraw(procedure, by=world["secretariat"])
    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.WITHDRAWN
    assert procedure.concluded_by == world["secretariat"]
    assert services.silence_procedures_conclude(now=procedure.deadline + HOUR) == 0
    with pytest.raises(ValidationError):
        services.silence_procedure_withdraw(procedure, by=world["secretariat"])


def test_the_email_shows_the_deadline_in_each_readers_zone(
    world, django_capture_on_commit_callbacks
):
    # 17:00 in Bangkok is 23:00 in Auckland (summer) and 15:30 in Kolkata.
    day = timezone.localdate() + datetime.timedelta(days=10)
    while day.month not in (12, 1, 2):  # New Zealand summer time, UTC+13
        day += datetime.timedelta(days=1)
    deadline = datetime.datetime.combine(day, datetime.time(17), tzinfo=BANGKOK)
    auckland = participant(world["group"], time_zone="Pacific/Auckland")
    kolkata = participant(world["group"], time_zone="Asia/Kolkata")
    late = participant(world["group"], time_zone="Pacific/Kiritimati")  # UTC+14: the next day
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        circulate(world, deadline=deadline)
    by_address = {m.to[0]: m for m in mail.outbox}
    next_day = day + datetime.timedelta(days=1)
    assert f"23:00 on {day:%A} {day.day} {day:%B %Y} your time (Pacific/Auckland)" in (
        by_address[auckland.email].body
    )
    assert f"15:30 on {day:%A} {day.day} {day:%B %Y} your time (Asia/Kolkata)" in (
        by_address[kolkata.email].body
    )
    assert f"00:00 on {next_day:%A} {next_day.day} {next_day:%B %Y} your time" in (
        by_address[late.email].body
    )
    assert (
        f"17:00 on {day:%A} {day.day} {day:%B %Y} (Asia/Bangkok)" in by_address[kolkata.email].body
    )
    html = by_address[auckland.email].alternatives[0][0]
    assert "23:00" in html and "Pacific/Auckland" in html


def test_the_beat_concludes_silence_procedures_once_a_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["conclude-silence-procedures"]
    assert entry["task"] == "groups.tasks.conclude_silence_procedures"
    # Every minute, at the minute: not on every sweep of the job queue, which would load
    # the workers that the fault tests time.
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.minute == set(range(60)) and schedule.hour == set(range(24))
    assert entry["options"]["expires"] <= 60


def test_the_task_adopts_what_is_due(world, monkeypatch):
    from groups.tasks import conclude_silence_procedures

    procedure = circulate(world)
    at(monkeypatch, procedure.deadline + SECOND)
    assert conclude_silence_procedures.delay().get() == 1
    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.ADOPTED


def test_the_group_page_shows_running_and_concluded_procedures(client, world):
    running = circulate(world)
    other = circulate(
        world, work_plan=WorkPlanFactory(group=world["group"], status=WorkPlan.Status.DRAFT)
    )
    services.silence_procedures_conclude(now=other.deadline)  # adopts both
    running = circulate(world, deadline=timezone.now() + 200 * HOUR)
    client.force_login(world["expert"])
    page = client.get(reverse("group_detail", args=[world["group"].slug])).content.decode()
    panel = page.split("Decisions by silence procedure")[1].split("</section>")[0]
    assert reverse("silence_procedure_detail", args=[world["group"].slug, running.pk]) in panel
    day = other.deadline.astimezone(BANGKOK).date()
    assert f"adopted by silence procedure on {day.day} {day:%B %Y}" in panel


# --- The pages ------------------------------------------------------------------------


def detail_url(procedure):
    return reverse("silence_procedure_detail", args=[procedure.group.slug, procedure.pk])


def test_the_secretariat_circulates_from_the_form(client, world):
    client.force_login(world["secretariat"])
    url = reverse("silence_procedure_create", args=[world["group"].slug])
    form = client.get(url, {"work_plan": world["plan"].pk}).content.decode()
    assert f"Revision of the {world['plan'].title}" in form
    assert "at least 72 hours" in form.lower()
    day = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        url,
        {
            "subject": "work_plan_revision",
            "work_plan": world["plan"].pk,
            "title": "Revision of the plan",
            "text": "Adopt it.",
            "deadline_on": day.isoformat(),
            "deadline_time": "17:00",
            "deadline_time_zone": "Asia/Bangkok",
        },
    )
    procedure = SilenceProcedure.objects.get()
    assert response.status_code == 302 and response.url == detail_url(procedure)
    assert procedure.deadline == datetime.datetime.combine(day, datetime.time(17), tzinfo=BANGKOK)


def test_a_deadline_too_soon_is_refused_beside_its_field(client, world):
    client.force_login(world["secretariat"])
    url = reverse("silence_procedure_create", args=[world["group"].slug])
    response = client.post(
        url,
        {
            "subject": "text",
            "title": "A text",
            "text": "Agree.",
            "deadline_on": timezone.localdate().isoformat(),
            "deadline_time": "17:00",
            "deadline_time_zone": "Asia/Bangkok",
        },
    )
    assert response.status_code == 200
    assert "at least 72 hours after circulation" in response.content.decode()
    assert not SilenceProcedure.objects.exists()


def test_bad_input_on_the_form_changes_nothing(client, world):
    client.force_login(world["secretariat"])
    url = reverse("silence_procedure_create", args=[world["group"].slug])
    response = client.post(url, {"subject": "nonsense", "deadline_time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert not SilenceProcedure.objects.exists()


@pytest.mark.parametrize("who", ["expert", "chair", "stranger"])
def test_only_the_secretariat_opens_the_form(client, world, who):
    person = participant(WorkingGroupFactory()) if who == "stranger" else world[who]
    client.force_login(person)
    url = reverse("silence_procedure_create", args=[world["group"].slug])
    assert client.get(url).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, world):
    procedure = circulate(world)
    for url in (detail_url(procedure), reverse("silence_procedure_create", args=["wg-x"])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_a_person_of_another_group_gets_404(client, world):
    procedure = circulate(world)
    client.force_login(participant(WorkingGroupFactory(), role=Participation.Role.FOCAL_POINT))
    assert client.get(detail_url(procedure)).status_code == 404
    url = reverse("silence_break", args=[world["group"].slug, procedure.pk])
    assert client.post(url, {"reason": "No"}).status_code == 404


def test_the_page_shows_the_deadline_in_each_focal_points_zone(client, world):
    day = timezone.localdate() + datetime.timedelta(days=10)
    while day.month not in (12, 1, 2):  # New Zealand summer time, UTC+13
        day += datetime.timedelta(days=1)
    next_day = day + datetime.timedelta(days=1)
    participant(world["group"], role=Participation.Role.FOCAL_POINT, time_zone="Pacific/Auckland")
    participant(world["group"], role=Participation.Role.FOCAL_POINT, time_zone="Asia/Kolkata")
    participant(world["group"], role=Participation.Role.FOCAL_POINT, time_zone="Pacific/Kiritimati")
    deadline = datetime.datetime.combine(day, datetime.time(17), tzinfo=BANGKOK)
    procedure = circulate(world, deadline=deadline)
    reader = world["expert"]
    reader.time_zone = "Pacific/Auckland"
    reader.save()
    client.force_login(reader)
    page = client.get(detail_url(procedure)).content.decode()
    assert f"17:00, {day:%A} {day.day} {day:%B %Y} (Asia/Bangkok)" in page
    assert f"23:00, {day:%A} {day.day} {day:%B %Y} (Pacific/Auckland)" in page
    assert f"15:30, {day:%A} {day.day} {day:%B %Y} (Asia/Kolkata)" in page
    assert f"00:00, {next_day:%A} {next_day.day} {next_day:%B %Y} (Pacific/Kiritimati)" in page
    assert "Your time" in page


def test_a_focal_point_breaks_silence_from_the_page(client, world):
    procedure = circulate(world)
    client.force_login(world["focal"])
    page = client.get(detail_url(procedure)).content.decode()
    assert "Break silence" in page
    url = reverse("silence_break", args=[world["group"].slug, procedure.pk])
    refused = client.post(url, {"member": world["focal"].affiliation_id, "reason": " "})
    assert refused.status_code == 200 and "This field is required" in refused.content.decode()
    response = client.post(
        url, {"member": world["focal"].affiliation_id, "reason": "We must consult."}, follow=True
    )
    page = response.content.decode()
    assert "Silence broken" in page and "We must consult." in page
    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.BROKEN


@pytest.mark.parametrize("who", ["expert", "secretariat"])
def test_others_cannot_break_silence(client, world, who):
    procedure = circulate(world)
    client.force_login(world[who])
    page = client.get(detail_url(procedure)).content.decode()
    assert "Break silence</h2>" not in page
    url = reverse("silence_break", args=[world["group"].slug, procedure.pk])
    client.post(url, {"member": world["focal"].affiliation_id, "reason": "No"})
    procedure.refresh_from_db()
    assert procedure.is_under_silence


def test_after_the_deadline_the_form_is_gone_and_a_post_refused(client, world, monkeypatch):
    procedure = circulate(world)
    at(monkeypatch, procedure.deadline)
    client.force_login(world["focal"])
    assert "Break silence</h2>" not in client.get(detail_url(procedure)).content.decode()
    url = reverse("silence_break", args=[world["group"].slug, procedure.pk])
    response = client.post(
        url, {"member": world["focal"].affiliation_id, "reason": "No"}, follow=True
    )
    assert "silence can no longer be broken" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.is_under_silence


def test_the_secretariat_withdraws_and_others_get_404(client, world):
    procedure = circulate(world)
    url = reverse("silence_procedure_withdraw", args=[world["group"].slug, procedure.pk])
    client.force_login(world["chair"])
    assert client.post(url).status_code == 404
    client.force_login(world["secretariat"])
    assert "Withdraw</button>" in client.get(detail_url(procedure)).content.decode()
    page = client.post(url, follow=True).content.decode()
    assert "Withdrawn on" in page
    procedure.refresh_from_db()
    assert procedure.status == SilenceProcedure.Status.WITHDRAWN


def test_the_page_reads_in_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    procedure = circulate(world)
    client.force_login(world["focal"])
    with django_assert_max_num_queries(14) as small:
        assert client.get(detail_url(procedure)).status_code == 200
    for _ in range(15):
        participant(world["group"], role=Participation.Role.FOCAL_POINT)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(detail_url(procedure)).status_code == 200


# --- The annual report ----------------------------------------------------------------


def test_the_annual_report_lists_the_decisions_concluded_in_its_year(world):
    from reports import assembly, pdf
    from reports import services as report_services

    adopted = circulate(world)
    services.silence_procedures_conclude(now=adopted.deadline)
    broken = circulate(world)
    focal = world["focal"]
    services.silence_break(broken, member=focal.affiliation, by=focal, reason="Not yet")
    running = circulate(
        world,
        work_plan=WorkPlanFactory(group=world["group"], status=WorkPlan.Status.DRAFT),
    )
    year = adopted.deadline.astimezone(BANGKOK).year
    report = report_services.report_start(world["group"], "annual", year)

    content = assembly.report_content(report)

    decided = content["silence_procedures"]
    day = adopted.deadline.astimezone(BANGKOK).date()
    assert [d["text"] for d in decided if d["status"] == "adopted"] == [
        f"Adopted by silence procedure on {day.day} {day:%B %Y}."
    ]
    assert [d["objecting"] for d in decided if d["status"] == "broken"] == [
        [focal.affiliation.display_name]
    ]
    assert running.pk and len(decided) == 2  # the one under silence is not reported
    assert "Fiona" not in str(decided)  # members, never persons
    assert assembly.content_hash(content) == assembly.content_hash(assembly.report_content(report))
    html = pdf.report_html(report, content, preview=True)
    assert "Decisions by silence procedure" in html
    assert f"Adopted by silence procedure on {day.day} {day:%B %Y}" in html

    earlier = report_services.report_start(world["group"], "annual", year - 1)
    assert "silence_procedures" not in assembly.report_content(earlier)

"""The oral-update brief: numbered speaking points in the co-chairs' voice, edited by the
secretariat, on at most two pages, approved exactly as they print. With the real assembly
and renderer (the fakes of this folder's conftest are switched off here)."""

import datetime
import io
import re

import pypdf
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.models import WorkingGroup
from meetings import selectors as meeting_selectors
from meetings.models import Meeting, Outcome
from reports import assembly, brief, pdf, selectors, services
from reports.models import Approval, Report
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    approved_outcome_record,
    co_chair,
    participant,
)
from workplans.models import Action

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
FIRST_PERSON_PLURAL = re.compile(r"\b(we|our|us)\b", re.IGNORECASE)


@pytest.fixture
def rendering():
    """The real assembly and renderer, not the fakes the approval tests use."""
    return None


@pytest.fixture(autouse=True)
def fresh_page_counts():
    cache.clear()


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def printed(report: Report) -> str:
    """The brief's PDF as a co-chair reads it, as one line of text."""
    report = Report.objects.get(pk=report.pk)
    return " ".join(pdf_pages(pdf.report_pdf(report, selectors.content_to_show(report))))


@pytest.fixture
def group():
    return WorkingGroupFactory(
        short_name="WG-X", slug="wg-x", name="Working Group on Regional Cooperation"
    )


@pytest.fixture
def chairs(group):
    return co_chair(group), co_chair(group)


@pytest.fixture
def secretariat():
    return SecretariatFactory()


def held(group, title: str, day: datetime.date, **fields) -> Meeting:
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(1)), datetime.UTC)
    return MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        body="",
        title=title,
        city="Bangkok",
        country="TH",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=6),
        status=Meeting.Status.HELD,
        **fields,
    )


@pytest.fixture
def meeting(group):
    meeting = held(
        group,
        "Second meeting of WG-X",
        datetime.date(YEAR, 3, 18),
        participants_total=60,
        member_countries_total=21,
        organisations_total=4,
    )
    Outcome.objects.create(
        meeting=meeting,
        number=1,
        kind=Outcome.Kind.RECOMMENDATION,
        text="Develop a regional training module on asset recovery.",
    )
    Outcome.objects.create(
        meeting=meeting, number=2, text="Members thanked Thailand for its hospitality."
    )
    approved_outcome_record(meeting)
    return meeting


@pytest.fixture
def report(group, chairs, meeting):
    plan = WorkPlanFactory(group=group, period=f"{YEAR - 1}-{YEAR + 1}")
    ActionFactory(plan=plan, number=1, status=Action.Status.ONGOING)
    report = services.report_start(group, Report.Kind.BRIEF, YEAR)
    return services.report_edit(
        report,
        issues_for_direction="The co-chairs seek direction on **resourcing** the module.",
        next_steps="- Hold the third meeting\n- Publish the *guidance*",
    )


def page_url(name: str, report: Report) -> str:
    return reverse(name, kwargs=report.url_kwargs())


def form_data(response) -> dict:
    """What the edit page sends back unchanged: every point, the empty ones, the version."""
    formset = response.context["formset"]
    data = {
        "read_version": response.context["form"]["read_version"].value(),
        "points-TOTAL_FORMS": len(formset.forms),
        "points-INITIAL_FORMS": len(formset.forms),
        "points-MIN_NUM_FORMS": 0,
        "points-MAX_NUM_FORMS": 1000,
    }
    for i, form in enumerate(formset.forms):
        data[f"points-{i}-section"] = form.initial["section"]
        data[f"points-{i}-text"] = form.initial["text"]
        if form.initial["included"]:
            data[f"points-{i}-included"] = "on"
    return data


def index_of(data: dict, text: str) -> int:
    return next(int(k.split("-")[1]) for k, v in data.items() if k.endswith("-text") and text in v)


# --- The demo's briefs --------------------------------------------------------------------


def test_every_demo_year_of_wg_tip_prints_its_meetings_and_members_on_at_most_two_pages(demo):
    tip = WorkingGroup.objects.get(slug="wg-tip")
    years = {m.local_start.year for m in Meeting.objects.filter(group=tip)}
    years = sorted(y for y in years | {2025} if y <= YEAR)
    assert {2015, 2016, 2025, 2026} <= set(years)
    for year in years:
        report = services.report_start(tip, Report.Kind.BRIEF, year)
        content = selectors.content_to_show(report)
        pages = pdf_pages(pdf.report_pdf(report, content))
        assert len(pages) <= 2, year
        text = " ".join(pages)
        assert "Oral update to the Ad Hoc Group Senior Officials' Meeting" in text
        assert f"Working Group on Trafficking in Persons, {year}: for oral delivery" in text
        meetings = [
            m
            for m in Meeting.objects.filter(group=tip).exclude(status="cancelled")
            if m.local_start.year == year
        ]
        for meeting in meetings:
            assert meeting.title in text, (year, meeting.title)
            counts = meeting_selectors.participant_counts(meeting, list(meeting.attendance.all()))
            if counts.member_countries:
                assert f"{counts.member_countries} " in text, (year, meeting.title)
        if not meetings:
            assert f"We held no meeting in {year}." in text
        assert brief.page_count(report, content) == len(pages)


def test_the_demo_brief_of_2016_is_approved_as_its_speaking_points(demo):
    report = Report.objects.get(group__slug="wg-tip", kind=Report.Kind.BRIEF, year=2016)
    assert report.is_approved and report.approved_content["format"] == brief.FORMAT
    text = printed(report)
    assert "Approved by the co-chairs on" in text
    assert "Bali Process Following the Money Forum" in text and "35 members took part" in text


# --- Drafting -----------------------------------------------------------------------------


def test_points_speak_for_the_co_chairs_from_the_address_to_the_request_for_direction(report):
    points = brief.draft_points(report)
    assert [p["section"] for p in points] == sorted(
        (p["section"] for p in points), key=list(brief.SECTIONS).index
    )
    assert points[0]["text"].startswith(
        "Co-Chairs, distinguished colleagues: on behalf of the co-chairs of the Working Group "
        "on Regional Cooperation, "
    )
    assert points[0]["text"].endswith(f"we are pleased to give this update on our work in {YEAR}.")
    assert points[-1]["text"].startswith("We would welcome the Senior Officials' guidance on")
    assert points[-1]["text"].endswith("Thank you.")
    for point in points:
        assert FIRST_PERSON_PLURAL.search(point["text"]), point
    texts = [p["text"] for p in points]
    assert (
        "We held the Second meeting of WG-X in Bangkok, Thailand, on 18 March "
        f"{YEAR}; 25 members took part (21 countries and 4 organisations)." in texts
    )
    # Markdown markers are gone; the secretariat's "the co-chairs" is the co-chairs' "we".
    assert "We seek direction on resourcing the module." in texts
    assert "Among our next steps: Publish the guidance." in texts


def test_a_recommendation_is_included_and_another_outcome_only_offered(report):
    outcomes = [p for p in brief.draft_points(report) if p["section"] == "outcomes"]
    assert [(p["included"], "training module" in p["text"]) for p in outcomes] == [
        (True, True),
        (False, False),
    ]
    text = printed(report)
    assert "Develop a regional training module on asset recovery." in text
    assert "hospitality" not in text
    assert "hospitality" not in str(assembly.report_content(report))


def test_outcomes_of_a_meeting_whose_record_is_not_approved_are_not_offered(group, chairs):
    meeting = held(group, "Third meeting of WG-X", datetime.date(YEAR, 5, 2))
    Outcome.objects.create(meeting=meeting, number=1, kind="recommendation", text="Not yet.")
    report = services.report_start(group, Report.Kind.BRIEF, YEAR)
    assert not [p for p in brief.draft_points(report) if p["section"] == "outcomes"]


def test_work_plan_is_one_sentence_with_counts_and_the_actions_completed_in_the_year(group, chairs):
    plan = WorkPlanFactory(group=group, period=f"{YEAR - 1}-{YEAR + 1}")
    ActionFactory(plan=plan, number=1, status=Action.Status.ONGOING)
    done = ActionFactory(
        plan=plan, number=2, status=Action.Status.FOR_ACTION, description="Map the routes."
    )
    ActionFactory(plan=plan, number=3, status=Action.Status.COMPLETE, description="Old work.")
    # Entered before the year began; completed in it.
    done.history.update(history_date=timezone.make_aware(datetime.datetime(YEAR - 1, 6, 1)))
    done.status = Action.Status.COMPLETE
    done.save()
    report = services.report_start(group, Report.Kind.BRIEF, YEAR)
    (point,) = [p["text"] for p in brief.draft_points(report) if p["section"] == "work_plan"]
    assert point.count(".") == 1
    assert f"At the end of {YEAR} our {plan.title} had 3 actions: 1 ongoing and 2 complete" in point
    assert f"in {YEAR} we completed action 2 (Map the routes)" in point
    assert "Old work" not in point


def test_speaking_time_is_counted_at_130_words_a_minute():
    def content(words: int) -> dict:
        return {"points": [{"number": 1, "section": "opening", "text": " ".join(["word"] * words)}]}

    assert brief.speaking_time(content(498)) == "about 4 minutes, 498 words"
    assert brief.speaking_time(content(130)) == "about 1 minute, 130 words"
    assert brief.speaking_minutes(content(131)) == 2


# --- Editing ------------------------------------------------------------------------------


def test_editing_a_point_changes_what_prints_and_withdraws_a_standing_approval(
    report, chairs, secretariat
):
    services.report_submit(report, secretariat)
    approval = services.report_decide(
        report,
        person=chairs[0],
        decision="approved",
        content_hash=services.current_content_hash(report),
    )
    points = brief.draft_points(report)
    points[0]["text"] = "Co-Chairs, distinguished colleagues: we report a year of steady work."
    report = services.brief_points_save(report, points)
    approval.refresh_from_db()
    assert approval.withdrawn_at is not None
    text = printed(report)
    assert "we report a year of steady work" in text and "we are pleased" not in text
    assert services.current_content_hash(report) != approval.content_hash


def test_what_the_co_chairs_approve_is_exactly_the_points_that_print(report, chairs, secretariat):
    points = brief.draft_points(report)
    points[1]["included"] = False
    report = services.brief_points_save(report, points)
    services.report_submit(report, secretariat)
    digest = services.current_content_hash(report)
    for person in chairs:
        services.report_decide(report, person=person, decision="approved", content_hash=digest)
    report.refresh_from_db()
    assert report.is_approved
    kept = [p["text"] for p in report.approved_content["points"]]
    assert kept == [p["text"] for p in points if p["included"]]
    assert [p["number"] for p in report.approved_content["points"]] == list(range(1, len(kept) + 1))
    text = printed(report)
    assert all(t in text for t in kept[:3]) and points[1]["text"] not in text
    with pytest.raises(ValidationError, match="approved report can no longer be changed"):
        services.brief_points_save(report, points)
    with pytest.raises(ValidationError, match="approved report can no longer be changed"):
        services.brief_points_redraft(report)


def test_only_a_brief_has_speaking_points(group, chairs):
    annual = services.report_start(group, Report.Kind.ANNUAL, YEAR)
    with pytest.raises(ValidationError, match="Only an oral-update brief"):
        services.brief_points_save(annual, [{"section": "opening", "text": "Hi."}])


def test_secretariat_edits_every_point_in_the_portal(client, report, secretariat):
    client.force_login(secretariat)
    page = client.get(page_url("brief_points", report))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Meetings held" in html and "Outcomes" in html and "Next steps" in html
    assert "Draft again from the portal's data" in html
    data = form_data(page)
    data[f"points-{index_of(data, 'hospitality')}-included"] = "on"
    data[f"points-{index_of(data, 'Hold the third meeting')}-text"] = ""  # removed
    extra = max(
        int(k.split("-")[1])
        for k, v in data.items()
        if k.endswith("-section") and v == "next_steps"
    )
    data[f"points-{extra}-text"] = "We will   meet again\nin Bali."
    response = client.post(page_url("brief_points", report), data)
    assert response.status_code == 302
    report.refresh_from_db()
    texts = [p["text"] for p in report.speaking_points]
    assert "We will meet again in Bali." in texts
    assert not any("Hold the third meeting" in t for t in texts)
    text = printed(report)
    assert "hospitality" in text and "We will meet again in Bali." in text


def test_draft_again_resets_the_points_to_the_portals_data(client, report, secretariat):
    services.brief_points_save(report, [{"section": "opening", "text": "Only this."}])
    client.force_login(secretariat)
    page = client.get(page_url("brief_points", report))
    version = page.context["form"]["read_version"].value()
    url = page_url("brief_points_redraft", report)
    client.post(url, {"read_version": version})  # not confirmed: nothing changes
    report.refresh_from_db()
    assert report.speaking_points == [
        {"section": "opening", "text": "Only this.", "included": True}
    ]
    response = client.post(url, {"read_version": version, "confirm": "on"}, follow=True)
    assert "drafted again from the portal" in response.content.decode()
    report.refresh_from_db()
    assert report.speaking_points == []
    assert "Co-Chairs, distinguished colleagues" in printed(report)


def test_the_edit_page_is_the_secretariats(client, report, secretariat, group):
    client.force_login(participant(group))
    assert client.get(page_url("brief_points", report)).status_code == 404
    assert client.post(page_url("brief_points_redraft", report)).status_code == 404
    client.force_login(participant(WorkingGroupFactory()))
    assert client.get(page_url("brief_points", report)).status_code == 404
    client.force_login(secretariat)
    annual = services.report_start(group, Report.Kind.ANNUAL, YEAR)
    assert client.get(page_url("brief_points", annual)).status_code == 404
    assert client.get(page_url("brief_points", report)).status_code == 200


def test_the_edit_page_and_the_report_page_take_a_bounded_number_of_queries(
    client, report, secretariat, group, django_assert_max_num_queries
):
    for n in range(2, 6):
        meeting = held(group, f"Meeting {n}", datetime.date(YEAR, 6, n))
        for number in range(1, 4):
            Outcome.objects.create(meeting=meeting, number=number, text=f"Agreed {n}.{number}.")
        approved_outcome_record(meeting)
    client.force_login(secretariat)
    with django_assert_max_num_queries(40):
        assert client.get(page_url("brief_points", report)).status_code == 200
    with django_assert_max_num_queries(45):
        assert client.get(page_url("report_detail", report)).status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update({"points-0-text": "x" * 50_000}), "at most 1500 characters"),
        (lambda d: d.update({"points-0-section": "praise"}), "Select a valid choice"),
        (lambda d: d.update({"points-TOTAL_FORMS": "5000"}), "Please submit at most"),
        (lambda d: d.update({"read_version": "not a number"}), "lost the version"),
    ],
    ids=["a 50,000-character point", "unknown section", "tampered count", "garbled version"],
)
def test_bad_input_is_refused_with_a_clear_error_and_changes_nothing(
    client, report, secretariat, change, message
):
    client.force_login(secretariat)
    data = form_data(client.get(page_url("brief_points", report)))
    change(data)
    history = report.history.count()
    response = client.post(page_url("brief_points", report), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.speaking_points == [] and report.history.count() == history


def test_the_service_refuses_what_the_form_would(report):
    for points, message in [
        ([{"section": "opening", "text": "x" * 50_000}], "at most 1,500"),
        ([{"section": "praise", "text": "We thank you."}], "not in a part of the brief"),
        ([{"section": "opening", "text": "  "}], "Keep at least one point"),
        ([{"section": "opening", "text": "We."}] * 41, "at most 40"),
        ("points", "a list of points"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.brief_points_save(report, points)
    report.refresh_from_db()
    assert report.speaking_points == []


def test_an_edit_over_someone_elses_is_refused_saying_who_changed_what(client, report, secretariat):
    client.force_login(secretariat)
    mine = form_data(client.get(page_url("brief_points", report)))
    other = SecretariatFactory(first_name="Ana", last_name="Lim")
    client.force_login(other)
    theirs = form_data(client.get(page_url("brief_points", report)))
    theirs["points-0-text"] = "Co-Chairs: we are glad to be here."
    assert client.post(page_url("brief_points", report), theirs).status_code == 302
    client.force_login(secretariat)
    mine["points-0-text"] = "Co-Chairs: good morning to you all, from us."
    response = client.post(page_url("brief_points", report), mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert "saved this brief" in html and "Speaking points" in html
    assert str(other) in html and "we are glad to be here" in html
    report.refresh_from_db()
    assert report.speaking_points[0]["text"] == "Co-Chairs: we are glad to be here."
    # Seen the change, the second try is accepted.
    again = dict(mine, read_version=response.context["form"]["read_version"].value())
    assert client.post(page_url("brief_points", report), again).status_code == 302


# --- Two pages at most ---------------------------------------------------------------------


def test_a_brief_over_two_pages_is_flagged_before_submission_and_refused(
    client, report, secretariat
):
    long = " ".join(["We worked on the regional priorities with our members."] * 24)
    services.brief_points_save(report, [{"section": "meetings", "text": long}] * 8)
    client.force_login(secretariat)
    html = client.get(page_url("report_detail", report)).content.decode()
    match = re.search(r"Runs to (\d+) pages: at most two may be submitted — shorten or leave", html)
    assert match and int(match[1]) > 2
    assert "Edit the speaking points" in html
    response = client.post(page_url("report_submit", report), follow=True)
    assert f"Runs to {match[1]} pages" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT and report.submitted_at is None
    assert not report.approvers.exists() and not Approval.objects.exists()


def test_a_brief_that_fits_says_so_with_its_speaking_time(client, report, secretariat, chairs):
    client.force_login(secretariat)
    html = client.get(page_url("report_detail", report)).content.decode()
    size = brief.size(report, assembly.report_content(report))
    assert f"Fits on {size.pages} page" in html and size.pages <= 2
    assert f"Read aloud at 130 words a minute: {size.speaking_time}." in html
    # A co-chair reads the submitted brief and its size, without the secretariat's link.
    services.report_submit(report, secretariat)
    client.force_login(chairs[0])
    html = client.get(page_url("report_detail", report)).content.decode()
    assert size.speaking_time in html and "Edit the speaking points" not in html

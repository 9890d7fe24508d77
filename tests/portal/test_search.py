"""Search: one box over everything a person may open, and nothing else."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from groups.models import Participation
from meetings import agenda, papers
from meetings.models import Attendance, Invitation, Meeting, Outcome
from portal.search.highlight import highlight
from portal.search.selectors import search
from reports.models import PublicStatement, Report, ReportVersion
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    approved_outcome_record,
    co_chair,
    participant,
)
from workplans import services as workplan_services
from workplans.models import WorkPlan

pytestmark = pytest.mark.django_db

# Every searchable text of the world holds this word, and a tag of its own.
WORD = "quokka"
SOON = datetime.date.today() + datetime.timedelta(days=365)


def _pdf(name="Paper.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n")


def _meeting(group, tag, *, published=True, body="", **fields):
    meeting = MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP if group else Meeting.Kind.SOM,
        group=group,
        body=body if not group else "",
        title=f"Meeting {WORD} {tag}",
        **fields,
    )
    agenda.item_add(meeting, title=f"Item {WORD} {tag}-item", description="Opening words.")
    if published:
        agenda.agenda_publish(meeting)
    Outcome.objects.create(meeting=meeting, number=1, text=f"Agreed {WORD} {tag}-outcome.")
    for access in ("public", "participants", "cleared", "secretariat"):
        papers.document_add(
            meeting,
            title=f"Paper {WORD} {tag}-{access}",
            access=access,
            upload=_pdf(),
            uploaded_by=None,
        )
    return meeting


def _plan(group, tag, status=WorkPlan.Status.ADOPTED):
    plan = WorkPlanFactory(group=group, status=status, title=f"Plan {tag}")
    action = ActionFactory(plan=plan, description=f"Hold a {WORD} dialogue {tag}-action.")
    workplan_services.update_post(
        action,
        text=f"Held {WORD} {tag}-update.",
        author=SecretariatFactory(),
        reported_on=datetime.date(2016, 5, 18),
    )
    return plan


def _report(group, kind, year, status, tag, **fields):
    approved = status in (Report.Status.APPROVED,)
    return Report.objects.create(
        group=group,
        kind=kind,
        year=year,
        status=status,
        summary=f"Summary {WORD} {tag}.",
        approved_at=timezone.now() if approved else None,
        approved_content_hash="0" * 64 if approved else "",
        **fields,
    )


def _statement(group, tag, status):
    published = status == PublicStatement.Status.PUBLISHED
    return PublicStatement.objects.create(
        group=group,
        title=f"Statement {WORD} {tag}",
        text=f"The group says {WORD} {tag}-text.",
        status=status,
        published_at=timezone.now() if published else None,
        approved_content_hash="0" * 64 if published else "",
    )


@pytest.fixture
def world():
    """A group, a clearance group and another group, each with one of everything; a
    draft agenda, a draft plan, draft statements, a draft report narrative after an
    approved version, a Bali Process body's meeting; and a person of every role."""
    own = WorkingGroupFactory(short_name="WG-OWN")
    cleared = WorkingGroupFactory(short_name="WG-CLR", clearance_required=True)
    other = WorkingGroupFactory(short_name="WG-OTH")
    w = {"own": own, "cleared": cleared, "other": other}

    w["held"] = held = _meeting(own, "ownheld", status=Meeting.Status.HELD, city="Hà Nội")
    approved_outcome_record(held, summary=f"Record {WORD} ownrecord.")
    w["draft_agenda"] = _meeting(own, "owndraftagenda", published=False)
    w["cleared_meeting"] = _meeting(cleared, "clearedmeeting")
    w["other_meeting"] = _meeting(other, "othermeeting")
    w["body_meeting"] = _meeting(None, "bodymeeting", body=Meeting.Body.AD_HOC_GROUP)

    w["plan"] = _plan(own, "ownplan")
    w["draft_plan"] = _plan(own, "owndraftplan", WorkPlan.Status.DRAFT)
    _plan(cleared, "clearedplan")
    _plan(other, "otherplan")

    approver = MemberFactory()
    w["approved_report"] = _report(
        own, Report.Kind.ANNUAL, 2016, Report.Status.APPROVED, "ownapproved"
    )
    w["submitted_report"] = _report(
        own, Report.Kind.BRIEF, 2016, Report.Status.SUBMITTED, "ownsubmitted"
    )
    w["submitted_report"].approvers.set([approver])
    w["redrafted_report"] = redrafted = _report(
        own, Report.Kind.ANNUAL, 2017, Report.Status.DRAFT, "ownredrafted", version=2
    )
    ReportVersion.objects.create(
        report=redrafted,
        number=1,
        status=Report.Status.APPROVED,
        approved_at=timezone.now(),
        approved_content_hash="1" * 64,
        approved_content={"summary": "What the co-chairs approved."},
        superseded_at=timezone.now(),
    )
    _report(cleared, Report.Kind.ANNUAL, 2016, Report.Status.APPROVED, "clearedapproved")
    _report(other, Report.Kind.ANNUAL, 2016, Report.Status.APPROVED, "otherapproved")

    w["published_statement"] = _statement(own, "ownpublished", PublicStatement.Status.PUBLISHED)
    w["draft_statement"] = _statement(own, "owndraftstatement", PublicStatement.Status.DRAFT)
    w["submitted_statement"] = _statement(
        own, "ownsubmittedstatement", PublicStatement.Status.SUBMITTED
    )
    _statement(other, "otherpublished", PublicStatement.Status.PUBLISHED)

    clearance = {"clearance_level": "Negative Vetting 1", "clearance_expires_on": SOON}
    w["secretariat"] = SecretariatFactory()
    w["co_chair"] = co_chair(own)
    w["expert"] = participant(own)
    # Invited to take part in another group's meeting: reads its participants' papers.
    Invitation.objects.create(meeting=w["other_meeting"], person=w["expert"])
    w["focal_point"] = participant(own, role=Participation.Role.FOCAL_POINT, member=approver)
    w["uncleared"] = participant(cleared)
    w["cleared_expert"] = participant(cleared, **clearance)
    w["observer"] = UserFactory(affiliation=MemberFactory(is_observer=True, ahg_joined_on=None))
    Invitation.objects.create(meeting=held, person=w["observer"], as_observer=True)
    Attendance.objects.create(
        meeting=held, member=w["observer"].affiliation, person=w["observer"], as_observer=True
    )
    w["stranger"] = participant(other)
    w["inactive"] = participant(own, is_active=False)
    return w


ROLES = [
    "secretariat",
    "co_chair",
    "expert",
    "focal_point",
    "uncleared",
    "cleared_expert",
    "observer",
    "stranger",
    "inactive",
]


def tags_found(user, text=WORD, **filters) -> set[str]:
    """The tags of every result (all pages) of the person's search."""
    hits = search(user, text, **filters)[0:1000]
    return {str(hit.title) + " " + str(hit.snippet or "") for hit in hits}


def found(user, tag, text=WORD) -> bool:
    return any(tag in shown for shown in tags_found(user, text))


# --- Each kind is found -------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "ownheld",  # a meeting
        "ownheld-item",  # an agenda item
        "ownheld-outcome",  # an outcome
        "ownheld-participants",  # a paper, by its title
        "ownplan-action",  # an action
        "ownplan-update",  # a progress update
        "ownapproved",  # a report
        "ownpublished",  # a public statement
    ],
)
def test_a_word_is_found_in_each_kind(world, tag):
    assert found(world["co_chair"], tag)
    assert found(world["secretariat"], tag)


def test_a_place_is_found_without_its_accents(world):
    hits = search(world["expert"], "ha noi")[0:100]
    assert [hit.thing for hit in hits] == [world["held"]]
    assert "<mark>Hà</mark> <mark>Nội</mark>" in hits[0].snippet
    assert [h.thing for h in search(world["expert"], "HÀ NỘI")[0:100]] == [world["held"]]


def test_the_last_word_also_finds_longer_words(world):
    assert found(world["expert"], "ownheld-item", "quok")


def test_a_paper_is_found_by_its_title_only(world):
    hits = search(world["secretariat"], "ownheld-secretariat")[0:100]
    assert {hit.kind.key for hit in hits} == {"document"}


def test_speakers_are_not_searched(world):
    item = world["held"].agenda_items.get()
    agenda.speaker_add(item, name="Ms Wallaby of Thailand", affiliation="Thailand")
    assert search(world["secretariat"], "wallaby").count() == 0


# --- Nobody finds what they may not open ----------------------------------------------------


def test_a_member_expert_finds_only_what_their_group_shows_them(world):
    shown = " ".join(tags_found(world["expert"]))
    for tag in [
        "ownheld-item",
        "ownheld-participants",
        "ownplan-action",
        "ownapproved",
        "ownpublished",
        "otherpublished",
        "bodymeeting-item",
        # invited to take part in another group's meeting
        "othermeeting-item",
        "othermeeting-participants",
    ]:
        assert tag in shown, tag
    for tag in [
        "owndraftagenda-item",  # a draft agenda
        "owndraftagenda-outcome",  # outcomes not yet approved
        "ownheld-cleared",  # a paper for the cleared
        "ownheld-secretariat",
        "owndraftplan",  # a draft plan
        "ownsubmitted",  # a report waiting for the co-chairs
        "ownredrafted",  # the draft after an approved version
        "owndraftstatement",
        "ownsubmittedstatement",
        "clearedmeeting",
        "otherplan",
        "otherapproved",
        "othermeeting-cleared",
    ]:
        assert tag not in shown, tag


def test_the_co_chairs_find_the_drafts_they_decide(world):
    shown = " ".join(tags_found(world["co_chair"]))
    for tag in [
        "owndraftagenda-item",
        "owndraftagenda-outcome",
        "owndraftplan-action",
        "ownsubmitted",
        "ownsubmittedstatement",
    ]:
        assert tag in shown, tag
    for tag in ["owndraftstatement", "ownredrafted", "ownheld-cleared", "clearedmeeting"]:
        assert tag not in shown, tag


def test_a_report_opened_for_its_approved_version_is_not_found_by_its_draft(world):
    report = world["redrafted_report"]
    for role in ("expert", "co_chair"):
        assert not found(world[role], "ownredrafted"), role
    assert found(world["secretariat"], "ownredrafted")
    assert report.versions.exists()


def test_an_approver_finds_the_report_they_decide(world):
    assert found(world["focal_point"], "ownsubmitted")
    assert not found(world["expert"], "ownsubmitted")


def test_a_clearance_group_is_found_only_with_a_clearance(world):
    shown = " ".join(tags_found(world["uncleared"]))
    for tag in ["clearedmeeting", "clearedplan", "clearedapproved"]:
        assert tag not in shown, tag
    # A Bali Process body's meeting is theirs, as to everyone taking part in a group.
    assert "bodymeeting-item" in shown
    assert found(world["cleared_expert"], "clearedmeeting-cleared")


def test_an_observer_finds_only_their_meeting_and_its_public_papers(world):
    shown = " ".join(tags_found(world["observer"]))
    assert "ownheld-item" in shown and "ownheld-public" in shown
    for tag in [
        "ownheld-participants",
        "owndraftagenda",
        "ownplan",
        "ownapproved",
        "bodymeeting",
        "othermeeting",
    ]:
        assert tag not in shown, tag


def test_a_person_of_another_group_and_a_closed_account_find_none_of_the_group(world):
    assert not any("own" in t and "ownpublished" not in t for t in tags_found(world["stranger"]))
    assert {t for t in tags_found(world["inactive"]) if "published" not in t} == set()


# --- The page -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("search"), {"q": WORD})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_page_shows_results_with_their_kind_group_and_link(client, world):
    client.force_login(world["expert"])
    response = client.get(reverse("search"), {"q": "ownplan-action"})
    assert response.status_code == 200
    page = response.content.decode()
    plan = world["plan"]
    action = plan.actions.get()
    assert reverse("action_detail", args=[plan.group.slug, plan.slug, action.number]) in page
    assert "Actions" in page and "WG-OWN" in page
    assert "<mark>ownplan</mark>" in page


def test_an_empty_search_explains_itself(client, world):
    client.force_login(world["expert"])
    page = client.get(reverse("search")).content.decode()
    assert "Type a word or two" in page
    page = client.get(reverse("search"), {"q": "&|!:*()"}).content.decode()
    assert "nothing to search for" in page


def test_a_search_too_long_is_refused_with_a_message(client, world):
    client.force_login(world["expert"])
    response = client.get(reverse("search"), {"q": "a" * 201})
    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()


@pytest.mark.parametrize(
    "text",
    [
        "'",
        '"quokka',
        "quokka & | ! : * ( )",
        "a:*",
        "!quokka",
        "quokka'; DROP TABLE x",
        "(((",
        "\\",
        "ʼquokka",
        "½",
        "Ⅻ",
        "ß",
        "日本語",
        "🙂",
        "a" * 200,
        "-",
        "quokka <->",
    ],
)
def test_any_input_gives_a_page(client, world, text):
    client.force_login(world["expert"])
    response = client.get(reverse("search"), {"q": text, "kind": ["x", "meeting"], "group": text})
    assert response.status_code == 200


def test_filters_by_kind_and_group(client, world):
    user = world["secretariat"]
    kinds = {h.kind.key for h in search(user, WORD, kinds=["document", "action"])[0:1000]}
    assert kinds == {"document", "action"}
    groups = {h.group for h in search(user, WORD, group=world["other"])[0:1000]}
    assert groups == {world["other"]}
    client.force_login(world["expert"])
    page = client.get(
        reverse("search"), {"q": WORD, "kind": "meeting", "group": world["other"].slug}
    )
    # A group the person does not see is no choice of theirs.
    assert "Select a valid choice" in page.content.decode()
    page = client.get(reverse("search"), {"q": WORD, "kind": "meeting", "group": world["own"].slug})
    body = page.content.decode()
    assert "Meeting <mark>quokka</mark> ownheld" in body
    assert "othermeeting" not in body and "ownheld-item" not in body


def test_the_page_counts_each_kind(client, world):
    client.force_login(world["expert"])
    page = client.get(reverse("search"), {"q": "ownheld"}).content.decode()
    assert "Papers (2)" in page  # the public and the participants' papers


def test_results_are_paged(client, world):
    user = world["secretariat"]
    plan = world["plan"]
    for n in range(30):
        ActionFactory(plan=plan, description=f"Paged wombat {n}.")
    client.force_login(user)
    first = client.get(reverse("search"), {"q": "wombat"}).content.decode()
    assert "Results 1–20 of 30" in first
    second = client.get(reverse("search"), {"q": "wombat", "page": 2}).content.decode()
    assert "Results 21–30 of 30" in second


def test_highlights_are_escaped(world):
    marked = highlight("<script>alert('quokka')</script> & Quokkas", ["quokka"])
    assert "<script>" not in marked
    assert marked == (
        "&lt;script&gt;alert(&#x27;<mark>quokka</mark>&#x27;)&lt;/script&gt; &amp; "
        "<mark>Quokkas</mark>"
    )


def test_a_stored_title_is_escaped_on_the_page(client, world):
    _statement(world["own"], "<b>boldquokka</b>", PublicStatement.Status.PUBLISHED)
    client.force_login(world["expert"])
    page = client.get(reverse("search"), {"q": "boldquokka"}).content.decode()
    assert "&lt;b&gt;<mark>boldquokka</mark>&lt;/b&gt;" in page
    assert "<b>boldquokka" not in page


def test_a_statement_is_quoted_in_its_words_without_its_markdown(client, world):
    statement = _statement(world["own"], "plain", PublicStatement.Status.PUBLISHED)
    statement.text = (
        "The **Following the Money** forum met [online](https://example.org) on _wombats_."
    )
    statement.save()
    client.force_login(world["expert"])
    page = client.get(reverse("search"), {"q": "wombats"}).content.decode()
    assert "The Following the Money forum met online on <mark>wombats</mark>." in page
    assert "**" not in page and "](https" not in page


def test_a_long_text_shows_the_part_around_its_match(world):
    text = "Lorem ipsum " * 60 + "quokka sighted " + "dolor sit " * 60
    marked = highlight(text, ["quokka"], length=120)
    assert "<mark>quokka</mark>" in marked and marked.startswith("…") and marked.endswith("…")
    assert len(marked) < 200


@pytest.mark.parametrize("role", ["expert", "secretariat"])
def test_the_page_asks_as_many_queries_for_2_matches_as_for_20(
    client, world, django_assert_max_num_queries, role
):
    user = world[role]
    client.force_login(user)

    def grow(n):
        for i in range(n):
            ActionFactory(plan=world["plan"], description=f"Grown numbat {i}.")
            _meeting(world["own"], f"numbat{i}")

    grow(2)
    with django_assert_max_num_queries(16) as small:
        assert client.get(reverse("search"), {"q": "numbat"}).status_code == 200
    grow(18)
    # The person takes part in more groups, too.
    for _ in range(5):
        group = WorkingGroupFactory()
        Participation.objects.create(
            person=user,
            group=group,
            member=user.affiliation or MemberFactory(),
            role=Participation.Role.EXPERT,
            started_on=datetime.date(2015, 1, 1),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("search"), {"q": "numbat"}).status_code == 200


# --- PostgreSQL ---------------------------------------------------------------------------


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL's full-text search: set DATABASE_URL to a PostgreSQL database"
        )


INDEX_OF_KIND = {
    "meeting": "search_meeting",
    "agenda_item": "search_agenda_item",
    "outcome": "search_outcome",
    "document": "search_document",
    "action": "search_action",
    "progress_update": "search_progress_update",
    "report": "search_report",
    "statement": "search_statement",
}


@pytest.mark.parametrize("kind", sorted(INDEX_OF_KIND))
def test_postgresql_reads_each_kind_through_its_search_index(world, kind):
    needs_postgresql()
    from portal.search.selectors import KINDS_BY_KEY, _matches, words_of

    rows = _matches(KINDS_BY_KEY[kind], world["secretariat"], words_of("ha noi"), None)
    with connection.cursor() as cursor:
        # The tables here are tiny, where reading them whole is cheaper: the point is
        # whether the planner can use the index at all, i.e. that the expressions agree.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = rows.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {INDEX_OF_KIND[kind]}" in plan, plan


def test_no_drawn_input_gives_a_500(client, world):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    client.force_login(world["co_chair"])
    text = st.text(st.characters(exclude_characters="\x00"), max_size=220)

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        q=text,
        kind=st.lists(text | st.sampled_from(["meeting", "report"]), max_size=3),
        group=text | st.just(world["own"].slug),
        page=text,
    )
    def check(q, kind, group, page):
        response = client.get(
            reverse("search"), {"q": q, "kind": kind, "group": group, "page": page}
        )
        assert response.status_code == 200

    check()

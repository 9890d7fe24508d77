"""A group's public statements: drafted by the secretariat, approved by every co-chair on
the exact content read, published on the group's public page; the Chatham House check."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from groups.models import CoChairTerm, Participation
from meetings import agenda
from meetings import services as meeting_services
from portal.notifications.models import Notification
from reports import statements
from reports.models import PublicStatement, StatementApproval
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    co_chair,
    held_chatham_house_meeting,
    participant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip", name="Working Group on TIP")


@pytest.fixture
def chairs(group):
    """The two people deciding for the group's two co-chair members."""
    return co_chair(group, email="first@example.org"), co_chair(group, email="second@example.org")


@pytest.fixture
def secretariat():
    return SecretariatFactory(email="secretariat@example.org")


@pytest.fixture
def draft(group, chairs, secretariat):
    return statements.statement_save(
        None,
        group=group,
        by=secretariat,
        title="Statement on the regional forum",
        text="The Working Group **welcomes** the forum's recommendations.",
    )


@pytest.fixture
def submitted(draft, secretariat):
    return statements.statement_submit(draft, by=secretariat)


def read_hash(statement):
    """The fingerprint a co-chair reads on the page: of the statement as saved now."""
    return statements.statement_content_hash(PublicStatement.objects.get(pk=statement.pk))


def approve(statement, person, **fields):
    fields.setdefault("content_hash", read_hash(statement))
    return statements.statement_decide(statement, by=person, decision="approved", **fields)


def send_back(statement, person, comment="Please shorten it."):
    return statements.statement_decide(
        statement,
        by=person,
        decision="sent_back",
        content_hash=read_hash(statement),
        comment=comment,
    )


def refresh(statement):
    statement.refresh_from_db()
    return statement


def public_page(client, group):
    return client.get(reverse("group_public", args=[group.slug])).content.decode()


def detail_url(statement):
    return reverse("statement_detail", args=[statement.group.slug, statement.pk])


# --- The whole flow ---------------------------------------------------------------------


def test_a_statement_is_published_once_every_co_chair_approved_it(
    client, draft, chairs, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = chairs
    with django_capture_on_commit_callbacks(execute=True):
        statements.statement_submit(draft, by=secretariat)
    assert refresh(draft).status == PublicStatement.Status.SUBMITTED
    assert sorted(m.pk for m in draft.approvers.all()) == sorted(
        [first.affiliation_id, second.affiliation_id]
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["first@example.org", "second@example.org"]
    assert "waiting for your approval" in mailoutbox[0].subject
    asked = Notification.objects.filter(kind=Notification.Kind.APPROVAL_REQUESTED)
    assert sorted(n.person_id for n in asked) == sorted([first.pk, second.pk])
    assert asked[0].link == detail_url(draft)

    approve(draft, first)
    assert refresh(draft).status == PublicStatement.Status.SUBMITTED
    assert "Statement on the regional forum" not in public_page(client, draft.group)

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve(draft, second)
    draft = refresh(draft)
    assert draft.status == PublicStatement.Status.PUBLISHED
    assert draft.published_at is not None
    assert draft.approved_content_hash == read_hash(draft)
    assert "Statement on the regional forum" in public_page(client, draft.group)
    page = client.get(reverse("statement_public", args=[draft.group.slug, draft.pk]))
    assert "<strong>welcomes</strong>" in page.content.decode()
    feed = client.get(reverse("group_statements_feed", args=[draft.group.slug]))
    assert "Statement on the regional forum" in feed.content.decode()
    # The secretariat is told that it is published.
    assert [m.to[0] for m in mailoutbox] == ["secretariat@example.org"]
    assert "published" in mailoutbox[0].subject


def test_the_same_approval_sent_twice_is_recorded_once(submitted, chairs):
    first, _ = chairs
    assert approve(submitted, first) == approve(submitted, first)
    assert submitted.approvals.count() == 1


def test_a_decision_on_a_stale_hash_is_refused(submitted, chairs):
    first, _ = chairs
    with pytest.raises(ValidationError, match="changed since you read it"):
        approve(submitted, first, content_hash="0" * 64)
    assert not submitted.approvals.exists()


def test_a_statement_sent_back_returns_to_the_secretariat_who_is_told(
    submitted, chairs, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = chairs
    approve(submitted, first)
    with django_capture_on_commit_callbacks(execute=True):
        send_back(submitted, second, "Name the forum's host country.")
    assert refresh(submitted).status == PublicStatement.Status.SENT_BACK
    told = Notification.objects.get(kind=Notification.Kind.APPROVAL_DECIDED)
    assert told.person == secretariat
    assert "Name the forum's host country." in told.text
    assert "secretariat@example.org" in [m.to[0] for m in mailoutbox]
    # A co-chair no longer decides on it until it is submitted again.
    with pytest.raises(ValidationError, match="co-chairs decide"):
        approve(submitted, first)


def test_sending_back_needs_a_comment(submitted, chairs):
    with pytest.raises(ValidationError, match="Say why"):
        send_back(submitted, chairs[0], comment="  ")
    assert refresh(submitted).status == PublicStatement.Status.SUBMITTED


def test_an_edit_after_a_decision_withdraws_it(submitted, chairs, secretariat):
    first, second = chairs
    approval = approve(submitted, first)
    send_back(submitted, second)
    statements.statement_save(
        submitted,
        group=submitted.group,
        by=secretariat,
        title=submitted.title,
        text="The Working Group welcomes the forum's recommendations, as amended.",
    )
    approval.refresh_from_db()
    assert approval.withdrawn_at is not None
    assert not submitted.approvals.filter(withdrawn_at__isnull=True).exists()
    statements.statement_submit(submitted, by=secretariat)
    approve(submitted, second)
    # The first co-chair's approval was of the text before the edit: it does not count.
    assert refresh(submitted).status == PublicStatement.Status.SUBMITTED
    approve(submitted, first)
    assert refresh(submitted).status == PublicStatement.Status.PUBLISHED


def test_a_statement_with_the_co_chairs_cannot_be_edited(submitted, secretariat):
    with pytest.raises(ValidationError, match="sends it back"):
        statements.statement_save(
            submitted, group=submitted.group, by=secretariat, title="New", text="New text."
        )
    assert refresh(submitted).title == "Statement on the regional forum"


def test_a_published_statement_never_changes(submitted, chairs, secretariat):
    for person in chairs:
        approve(submitted, person)
    with pytest.raises(ValidationError, match="published"):
        statements.statement_save(
            submitted, group=submitted.group, by=secretariat, title="New", text="New text."
        )
    with pytest.raises(ValidationError):
        statements.statement_submit(submitted, by=secretariat)


def test_a_group_without_a_serving_co_chair_cannot_submit(secretariat):
    group = WorkingGroupFactory()
    statement = statements.statement_save(
        None, group=group, by=secretariat, title="A title", text="A text."
    )
    with pytest.raises(ValidationError, match="no serving co-chair"):
        statements.statement_submit(statement, by=secretariat)
    assert refresh(statement).status == PublicStatement.Status.DRAFT


def test_a_statement_about_another_groups_meeting_is_refused(group, secretariat):
    other = MeetingFactory(kind="working_group", group=WorkingGroupFactory(), body="")
    with pytest.raises(ValidationError, match="Choose a meeting of WG-TIP"):
        statements.statement_save(
            None, group=group, by=secretariat, title="T", text="X.", meeting=other
        )
    assert not PublicStatement.objects.exists()


def test_a_statement_adopted_by_silence_procedure_is_published_once(draft):
    deadline = timezone.now() - datetime.timedelta(hours=1)
    statements.statement_publish_by_silence(draft, on=deadline)
    draft = refresh(draft)
    assert draft.is_published and draft.published_at == deadline
    assert draft.approved_content_hash == read_hash(draft)
    statements.statement_publish_by_silence(draft, on=timezone.now())
    assert refresh(draft).published_at == deadline


# --- The Chatham House check --------------------------------------------------------------


@pytest.fixture
def chatham_meeting(group, secretariat):
    """A held meeting under the Chatham House Rule: "Ms Speaker of Thailand" spoke to it,
    José Ramos Ñúñez spoke as a person of the portal, and a delegate of the Maldives
    attended."""
    meeting = held_chatham_house_meeting(
        group, "Second Meeting", timezone.now() - datetime.timedelta(days=30)
    )
    item = meeting.agenda_items.get()
    speaker = UserFactory(first_name="José", last_name="Ramos Ñúñez")
    agenda.speaker_add(item, person=speaker)
    maldives = MemberFactory(name="Maldives", short_name="MV")
    delegate = participant(group, member=maldives, first_name="Aminath", last_name="Shareef")
    meeting_services.attendance_add(meeting, member=maldives, person=delegate, by=secretariat)
    return meeting


def draft_about(meeting, text, by, title="Statement on the Second Meeting"):
    return statements.statement_save(
        None, group=meeting.group, by=by, title=title, text=text, meeting=meeting
    )


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        (
            "As Ms Speaker of Thailand said, the group agreed.",
            ["Ms Speaker of Thailand", "Thailand"],
        ),
        ("Thailand proposed a training module.", ["Thailand"]),
        ("The group thanks jose ramos nunez for his remarks.", ["José Ramos Ñúñez", "Ramos Ñúñez"]),
        ("Ms Aminath SHAREEF presented the study.", ["Aminath Shareef", "Shareef"]),
        ("The delegation of the maldives spoke first.", ["Maldives"]),
        ("MV hosted the side event.", ["MV"]),
        ("The group agreed on its next steps.", []),
        # Whole words only: "Thailandia" names nobody at the meeting.
        ("The Thailandia report was noted.", []),
    ],
)
def test_a_draft_naming_someone_at_a_chatham_house_meeting_is_flagged(
    chatham_meeting, secretariat, chairs, text, flagged
):
    statement = draft_about(chatham_meeting, text, secretariat)
    assert statements.statement_names_flagged(statement) == flagged


def test_the_title_is_checked_too(chatham_meeting, secretariat, chairs):
    statement = draft_about(chatham_meeting, "Agreed.", secretariat, title="Thailand's forum")
    assert statements.statement_names_flagged(statement) == ["Thailand"]


def test_a_meeting_not_under_the_chatham_house_rule_never_flags(
    chatham_meeting, secretariat, chairs
):
    chatham_meeting.chatham_house = False
    chatham_meeting.save()
    statement = draft_about(chatham_meeting, "Thailand proposed a module.", secretariat)
    assert statements.statement_names_flagged(statement) == []
    statements.statement_submit(statement, by=secretariat)
    assert refresh(statement).status == PublicStatement.Status.SUBMITTED


def test_a_flagged_draft_is_submitted_only_once_the_names_are_confirmed(
    chatham_meeting, secretariat, chairs
):
    statement = draft_about(chatham_meeting, "Thailand and the Maldives spoke.", secretariat)
    with pytest.raises(ValidationError) as refused:
        statements.statement_submit(statement, by=secretariat)
    message = " ".join(refused.value.messages)
    assert "Chatham House Rule" in message and "Maldives, Thailand" in message
    assert refresh(statement).status == PublicStatement.Status.DRAFT

    statements.statement_submit(statement, by=secretariat, names_confirmed=True)
    statement = refresh(statement)
    assert statement.status == PublicStatement.Status.SUBMITTED
    assert statement.names_confirmed == ["Maldives", "Thailand"]
    assert statement.names_confirmed_by == secretariat


# --- The pages ------------------------------------------------------------------------


def test_the_secretariat_drafts_a_statement_on_the_group_page(client, group, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("group_detail", args=[group.slug])).content.decode()
    assert reverse("statement_create", args=[group.slug]) in page
    response = client.post(
        reverse("statement_create", args=[group.slug]),
        {"title": "On the forum", "text": "We met.", "meeting": ""},
    )
    statement = PublicStatement.objects.get()
    assert response.status_code == 302 and response.url == detail_url(statement)
    assert statement.created_by == secretariat and statement.status == "draft"
    page = client.get(reverse("group_detail", args=[group.slug])).content.decode()
    assert "On the forum" in page and "Draft" in page


def test_a_draft_without_a_title_gives_a_form_error_and_saves_nothing(client, group, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("statement_create", args=[group.slug]), {"title": "", "text": "We met."}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not PublicStatement.objects.exists()


def test_an_edit_while_with_the_co_chairs_gives_a_form_error(client, submitted, secretariat):
    client.force_login(secretariat)
    url = reverse("statement_edit", args=[submitted.group.slug, submitted.pk])
    response = client.post(url, {"title": "Changed", "text": "Changed."})
    assert response.status_code == 200
    assert "sends it back" in response.content.decode()
    assert refresh(submitted).title == "Statement on the regional forum"


def test_a_published_statement_has_no_edit_page(client, submitted, chairs, secretariat):
    for person in chairs:
        approve(submitted, person)
    client.force_login(secretariat)
    url = reverse("statement_edit", args=[submitted.group.slug, submitted.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Changed", "text": "Changed."}).status_code == 404


def test_the_secretariat_sees_the_flagged_names_and_confirms_them_on_submission(
    client, chatham_meeting, secretariat, chairs
):
    statement = draft_about(chatham_meeting, "Thailand spoke.", secretariat)
    client.force_login(secretariat)
    page = client.get(detail_url(statement)).content.decode()
    assert "Chatham House Rule" in page and 'name="names_confirmed"' in page
    submit = reverse("statement_submit", args=[statement.group.slug, statement.pk])
    client.post(submit)
    assert refresh(statement).status == PublicStatement.Status.DRAFT
    client.post(submit, {"names_confirmed": "on"})
    assert refresh(statement).status == PublicStatement.Status.SUBMITTED


def test_a_co_chair_approves_on_the_page_bound_to_the_hash_shown(client, submitted, chairs):
    first, _ = chairs
    client.force_login(first)
    page = client.get(detail_url(submitted)).content.decode()
    content_hash = read_hash(submitted)
    assert f'name="content_hash" value="{content_hash}"' in page
    decide = reverse("statement_decide", args=[submitted.group.slug, submitted.pk])
    client.post(decide, {"decision": "approved", "content_hash": content_hash})
    assert submitted.approvals.get().decision == StatementApproval.Decision.APPROVED
    page = client.get(detail_url(submitted)).content.decode()
    assert "You approved this content" in page
    assert "Approve this statement" not in page


def test_a_co_chair_deciding_on_a_stale_page_is_told_to_read_it_again(client, submitted, chairs):
    client.force_login(chairs[0])
    decide = reverse("statement_decide", args=[submitted.group.slug, submitted.pk])
    response = client.post(decide, {"decision": "approved", "content_hash": "0" * 64}, follow=True)
    assert "changed since you read it" in response.content.decode()
    assert not submitted.approvals.exists()


def test_who_opens_a_statement_page(client, submitted, chairs, secretariat, group):
    member = participant(group)
    focal_point = participant(group, role=Participation.Role.FOCAL_POINT)
    stranger = participant(WorkingGroupFactory())
    url = detail_url(submitted)
    edit = reverse("statement_edit", args=[group.slug, submitted.pk])
    decide = reverse("statement_decide", args=[group.slug, submitted.pk])
    submit = reverse("statement_submit", args=[group.slug, submitted.pk])
    client.force_login(secretariat)
    assert client.get(url).status_code == 200
    assert client.get(edit).status_code == 200
    assert client.post(decide, {"decision": "approved"}).status_code == 404
    client.force_login(chairs[0])
    assert client.get(url).status_code == 200
    assert client.get(edit).status_code == 404
    assert client.post(submit).status_code == 404
    # A member who is not a co-chair reads a statement once it is published.
    for person in (member, focal_point, stranger):
        client.force_login(person)
        assert client.get(url).status_code == 404, person
        assert client.get(edit).status_code == 404, person
        assert client.post(decide, {"decision": "approved"}).status_code == 404, person
    client.logout()
    for page in (url, edit):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_who_drafts_a_statement(client, group, chairs):
    url = reverse("statement_create", args=[group.slug])
    client.force_login(chairs[0])
    assert client.get(url).status_code == 404
    client.force_login(participant(WorkingGroupFactory()))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).url.startswith(reverse("login"))


def test_a_draft_is_nowhere_public(client, draft, submitted, group):
    statement_page = reverse("statement_public", args=[group.slug, draft.pk])
    assert client.get(statement_page).status_code == 404
    assert draft.title not in public_page(client, group)
    feed = client.get(reverse("group_statements_feed", args=[group.slug])).content.decode()
    assert draft.title not in feed and draft.text not in feed
    assert draft.title not in client.get(reverse("statements_feed")).content.decode()


def test_a_published_statement_is_read_by_the_groups_members(client, submitted, chairs, group):
    for person in chairs:
        approve(submitted, person)
    client.force_login(participant(group))
    assert client.get(detail_url(submitted)).status_code == 200
    page = client.get(reverse("group_detail", args=[group.slug])).content.decode()
    assert submitted.title in page


def test_the_public_page_links_to_the_feed(client, group):
    page = public_page(client, group)
    feed = reverse("group_statements_feed", args=[group.slug])
    assert '<link rel="alternate" type="application/atom+xml"' in page and feed in page


# --- The homes ----------------------------------------------------------------------------


def test_a_co_chair_sees_the_statement_waiting_for_their_approval(client, submitted, chairs):
    first, _ = chairs
    client.force_login(first)
    page = client.get(reverse("home")).content.decode()
    assert submitted.title in page and detail_url(submitted) in page
    approve(submitted, first)
    assert submitted.title not in client.get(reverse("home")).content.decode()


def test_the_secretariat_sees_how_long_a_statement_waits(client, submitted, secretariat):
    PublicStatement.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=3)
    )
    client.force_login(secretariat)
    page = client.get(reverse("home")).content.decode()
    assert submitted.title in page
    assert "Waiting 3 days" in page and "0 of 2 co-chairs approved" in page


# --- Query counts -----------------------------------------------------------------------


def published(group, secretariat, count):
    made = []
    for number in range(count):
        statement = statements.statement_save(
            None, group=group, by=secretariat, title=f"Statement {number}", text="Agreed."
        )
        made.append(statements.statement_publish_by_silence(statement, on=timezone.now()))
    return made


@pytest.mark.parametrize("count", [2, 20])
def test_the_public_page_reads_a_bounded_number_of_queries(
    client, group, secretariat, count, django_assert_max_num_queries
):
    published(group, secretariat, count)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("group_public", args=[group.slug]))
    assert page.content.decode().count("Statement ") >= count


@pytest.mark.parametrize("count", [2, 20])
def test_the_statement_page_reads_a_bounded_number_of_queries(
    client, group, chairs, secretariat, count, django_assert_max_num_queries
):
    statements_made = published(group, secretariat, count)
    for number in range(count):
        statements.statement_save(
            None, group=group, by=secretariat, title=f"Draft {number}", text="Drafted."
        )
    client.force_login(secretariat)
    with django_assert_max_num_queries(7):
        assert client.get(detail_url(statements_made[0])).status_code == 200
    with django_assert_max_num_queries(4):
        public = reverse("statement_public", args=[group.slug, statements_made[0].pk])
        assert client.get(public).status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_the_group_page_lists_statements_in_a_bounded_number_of_queries(
    client, group, chairs, secretariat, count, django_assert_max_num_queries
):
    published(group, secretariat, count)
    client.force_login(secretariat)
    url = reverse("group_detail", args=[group.slug])
    client.get(url)
    with django_assert_max_num_queries(14):
        assert client.get(url).content.decode().count("Statement ") >= count


def test_a_co_chair_whose_term_ended_still_decides_on_what_they_were_asked(
    client, submitted, chairs
):
    first, _ = chairs
    CoChairTerm.objects.filter(member=first.affiliation).update(
        ended_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(first)
    assert client.get(detail_url(submitted)).status_code == 200
    approve(submitted, first)
    assert submitted.approvals.get().member == first.affiliation

"""A group's public page and its public papers: read without signing in, showing what the
group made public and nothing else."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from groups.models import WorkingGroup
from meetings import papers, services
from meetings.models import Document, Meeting
from tests.factories import (
    CoChairTermFactory,
    MeetingFactory,
    MemberFactory,
    TermsOfReferenceFactory,
    WorkingGroupFactory,
    participant,
)

pytestmark = pytest.mark.django_db


def _meeting(group, *, status=Meeting.Status.HELD, days_ago=30, **fields):
    return MeetingFactory(
        kind=Meeting.Kind.WORKING_GROUP,
        group=group,
        body="",
        status=status,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        **fields,
    )


def _paper(meeting, title, access):
    return papers.document_add(
        meeting,
        title=title,
        access=access,
        upload=SimpleUploadedFile(f"{title}.pdf", b"%PDF-1.4\n%%EOF\n"),
        uploaded_by=None,
    )


def _download_url(paper: Document) -> str:
    return reverse("document_download", args=[paper.meeting_id, paper.pk, 1])


@pytest.fixture
def group():
    """A group with an endorsed and a draft Terms of Reference, a co-chair, a held meeting
    with a public and a participants' paper and two members recorded, and a planned one."""
    group = WorkingGroupFactory(name="Working Group on Trafficking", short_name="WG-T")
    TermsOfReferenceFactory(group=group, version=1, text="The endorsed purpose and scope.")
    TermsOfReferenceFactory(
        group=group, version=2, status="draft", endorsed_on=None, text="A draft not agreed."
    )
    CoChairTermFactory(group=group, member=MemberFactory(name="Indonesia", slug="indonesia"))
    held = _meeting(group, title="Second meeting", chatham_house=True)
    _paper(held, "Concept note", "public")
    _paper(held, "Members' progress", "participants")
    thailand = MemberFactory(name="Thailand", slug="thailand")
    delegate = participant(group, member=thailand, first_name="Somchai", last_name="Delegate")
    services.invitations_send(held, persons=[delegate], members=[thailand])
    services.attendance_record(held, list(held.invitations.select_related("member", "person")))
    planned = _meeting(group, status=Meeting.Status.PLANNED, days_ago=-30, title="Next meeting")
    _paper(planned, "Draft agenda notes", "public")
    return group


def test_anyone_reads_what_the_group_made_public(client, group):
    response = client.get(reverse("group_public", args=[group.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in [
        "Working Group on Trafficking",
        "Indonesia",
        "The endorsed purpose and scope.",
        "Second meeting",
        "Concept note",
        "Thailand",
    ]:
        assert shown in page, shown
    assert _download_url(Document.objects.get(title="Concept note")) in page


def test_the_public_page_shows_nothing_unpublished(client, group):
    page = client.get(reverse("group_public", args=[group.slug])).content.decode()
    # Not the draft Terms of Reference, not a participants' paper, not a meeting not held
    # (nor its papers), and never a person, under the Chatham House Rule or not.
    for hidden in [
        "A draft not agreed.",
        "Members&#x27; progress",
        "Members' progress",
        "Next meeting",
        "Draft agenda notes",
        "Somchai",
        "Delegate",
    ]:
        assert hidden not in page, hidden


def test_a_group_still_proposed_has_no_public_page(client):
    proposed = WorkingGroupFactory(status=WorkingGroup.Status.PROPOSED)
    assert client.get(reverse("group_public", args=[proposed.slug])).status_code == 404
    assert client.get(reverse("group_public", args=["no-such-group"])).status_code == 404


def test_anyone_downloads_a_public_paper_of_a_meeting_held(client, group):
    response = client.get(_download_url(Document.objects.get(title="Concept note")))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")


def test_any_other_paper_sends_the_visitor_to_sign_in(client, group):
    for title in ["Members' progress", "Draft agenda notes"]:
        response = client.get(_download_url(Document.objects.get(title=title)))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_signed_in_person_of_another_group_downloads_public_papers_only(client, group):
    client.force_login(participant(WorkingGroupFactory()))
    public = client.get(_download_url(Document.objects.get(title="Concept note")))
    assert public.status_code == 200
    private = client.get(_download_url(Document.objects.get(title="Members' progress")))
    assert private.status_code == 404


def test_the_public_page_costs_the_same_queries_with_more_meetings(
    client, group, django_assert_max_num_queries
):
    url = reverse("group_public", args=[group.slug])
    with django_assert_max_num_queries(8):
        client.get(url)
    for n in range(5):
        meeting = _meeting(group, title=f"Meeting {n}", days_ago=60 + n)
        _paper(meeting, f"Paper {n}", "public")
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert "Paper 4" in response.content.decode()


def test_the_demo_groups_public_page_reads_as_published(client, demo):
    page = client.get(reverse("group_public", args=["wg-tip"])).content.decode()
    assert "Concept note" in page or "concept note" in page
    assert "Progress on the Forward Work Plan 2024-2026" not in page
    assert "WG-TIP annual meeting 2027" not in page


def test_anyone_reads_the_public_list_of_participants_of_a_meeting_held(client, group):
    held = Meeting.objects.get(title="Second meeting")
    page = client.get(reverse("participants_public", args=[held.pk]))
    assert page.status_code == 200
    assert "Thailand" in page.content.decode() and "Somchai" not in page.content.decode()
    pdf = client.get(reverse("participants_public_pdf", args=[held.pk]))
    assert pdf.status_code == 200 and pdf.getvalue().startswith(b"%PDF-")
    # The list that names the delegates, and any list of a meeting not held: sign in first.
    planned = Meeting.objects.get(title="Next meeting")
    for url in [
        reverse("participants_list", args=[held.pk]),
        reverse("participants_public", args=[planned.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))

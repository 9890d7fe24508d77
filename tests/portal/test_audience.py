"""One audience rule: whoever may not open a thing's page never receives it by another
channel (e-mail, invitation, calendar feed, rendered file), and a person's groups are
worked out once per request."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import CoChairTerm, Participation
from meetings import agenda, calendar, papers
from meetings import services as meeting_services
from meetings.models import AgendaItem, Document, Invitation, Meeting
from portal import permissions
from reports import services as report_services
from reports.models import RenderJob, Report
from tests.factories import (
    CoChairTermFactory,
    MeetingFactory,
    MemberFactory,
    ParticipationFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
CLEARED = {"clearance_level": "Negative Vetting 1", "clearance_expires_on": TODAY + 365 * DAY}
LAPSED = {"clearance_level": "Negative Vetting 1", "clearance_expires_on": TODAY - DAY}
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def group_meeting(group, **fields) -> Meeting:
    starts_at = timezone.now() + 30 * DAY
    defaults = {
        "kind": Meeting.Kind.WORKING_GROUP,
        "group": group,
        "body": "",
        "title": f"Meeting of {group.short_name}",
        "starts_at": starts_at,
        "ends_at": starts_at + datetime.timedelta(hours=8),
        "venue": "Shangri-La",
        "city": "Colombo",
    }
    return MeetingFactory(**{**defaults, **fields})


def clearance_lapses(person) -> None:
    """The person's clearance passes its last day (recorded in the back office)."""
    person.clearance_expires_on = TODAY - DAY
    person.save(update_fields=["clearance_expires_on"])


@pytest.fixture
def dcn():
    """WG-DCN, whose meetings need a clearance; Sri Lanka answers there through two focal
    points, Nimal Perera (clearance expired) and Kamala Silva (cleared)."""
    group = WorkingGroupFactory(short_name="WG-DCN", slug="wg-dcn", clearance_required=True)
    sri_lanka = MemberFactory(name="Sri Lanka", slug="sri-lanka", country="LK")
    focal = Participation.Role.FOCAL_POINT
    nimal = participant(
        group,
        role=focal,
        member=sri_lanka,
        first_name="Nimal",
        last_name="Perera",
        email="nimal@lk.example",
        **LAPSED,
    )
    kamala = participant(
        group,
        role=focal,
        member=sri_lanka,
        first_name="Kamala",
        last_name="Silva",
        email="kamala@lk.example",
        **CLEARED,
    )
    return {
        "group": group,
        "sri_lanka": sri_lanka,
        "nimal": nimal,
        "kamala": kamala,
        "meeting": group_meeting(group, title="Border data exchange"),
    }


@pytest.fixture
def secretariat(client):
    person = SecretariatFactory()
    client.force_login(person)
    return person


def addresses() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def invitations_page(meeting) -> str:
    return reverse("meeting_invitations", args=[meeting.pk])


# --- E-mail ------------------------------------------------------------------------------


def test_an_invitation_of_a_member_is_mailed_only_to_its_focal_points_who_may_see_the_meeting(
    dcn, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.invitations_send(dcn["meeting"], members=[dcn["sri_lanka"]])
    assert addresses() == ["kamala@lk.example"]
    assert "Border data exchange" in mail.outbox[0].subject


def test_a_change_of_place_is_not_mailed_to_an_invited_person_whose_clearance_lapsed(
    dcn, django_capture_on_commit_callbacks
):
    guest = UserFactory(first_name="Ana", last_name="Cruz", email="ana@ph.example", **CLEARED)
    meeting = dcn["meeting"]
    meeting_services.invitations_send(meeting, persons=[guest])
    meeting_services.invitation_answer(meeting.invitations.get(), "accepted", guest)
    clearance_lapses(guest)
    mail.outbox.clear()

    meeting.venue = "Cinnamon Grand"
    with django_capture_on_commit_callbacks(execute=True):
        assert meeting_services.meeting_save(meeting) == 1
    assert mail.outbox == []


@pytest.fixture
def dcn_report(dcn):
    """A WG-DCN annual report whose approvers are Sri Lanka and New Zealand."""
    group = dcn["group"]
    CoChairTermFactory(group=group, member=dcn["sri_lanka"])
    new_zealand = MemberFactory(name="New Zealand", country="NZ")
    CoChairTermFactory(group=group, member=new_zealand, seat=CoChairTerm.Seat.SECOND)
    participant(
        group,
        role=Participation.Role.FOCAL_POINT,
        member=new_zealand,
        email="aroha@nz.example",
        **CLEARED,
    )
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    return report_services.report_edit(report, summary="The group met twice.")


def test_a_report_waiting_for_approval_is_mailed_only_to_focal_points_who_may_open_it(
    dcn_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(dcn_report, SecretariatFactory())
    assert addresses() == ["aroha@nz.example", "kamala@lk.example"]
    assert all("waiting for your approval" in m.subject for m in mail.outbox)


def test_a_changed_report_is_mailed_only_to_focal_points_who_may_open_it(
    dcn_report, django_capture_on_commit_callbacks
):
    report_services.report_submit(dcn_report, SecretariatFactory())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_edit(
            Report.objects.get(pk=dcn_report.pk), summary="The group met three times."
        )
    assert addresses() == ["aroha@nz.example", "kamala@lk.example"]
    assert all("was changed" in m.subject for m in mail.outbox)


def test_the_home_page_asks_for_approval_only_those_who_decide_for_the_report(client):
    chaired, other = WorkingGroupFactory(short_name="WG-TIP"), WorkingGroupFactory()
    person = participant(other, role=Participation.Role.FOCAL_POINT)
    # An expert where their member co-chairs: a focal point elsewhere decides nothing here.
    ParticipationFactory(person=person, group=chaired, member=person.affiliation)
    CoChairTermFactory(group=chaired, member=person.affiliation)
    chair = co_chair(chaired)
    report = report_services.report_start(chaired, Report.Kind.ANNUAL, 2016)
    report_services.report_submit(
        report_services.report_edit(report, summary="Met twice."), SecretariatFactory()
    )
    for reader, asked in ((person, False), (chair, True)):
        client.force_login(reader)
        home = client.get(reverse("home")).content.decode()
        assert ("Waiting for your approval" in home) is asked


# --- Invitations -------------------------------------------------------------------------


def test_inviting_a_person_who_may_not_see_the_meeting_is_refused_at_the_form_with_the_reason(
    client, dcn, secretariat, django_capture_on_commit_callbacks
):
    meeting = dcn["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invitations_page(meeting), {"invite": "1", "persons": [dcn["nimal"].pk]}
        )
    assert response.status_code == 200
    assert response.context["invite"].errors["persons"] == [
        "Nimal Perera holds no valid clearance for WG-DCN."
    ]
    assert response.content.decode().count("Nimal Perera holds no valid clearance") == 1
    assert not meeting.invitations.exists() and mail.outbox == []


def test_the_service_refuses_the_same_invitation_whatever_page_sends_it(dcn):
    with pytest.raises(Exception, match="Nimal Perera holds no valid clearance for WG-DCN"):
        meeting_services.invitations_send(dcn["meeting"], persons=[dcn["nimal"]])
    assert not dcn["meeting"].invitations.exists()


def test_inviting_a_member_tells_only_its_cleared_focal_points_and_the_page_says_who_is_skipped(
    client, dcn, secretariat, django_capture_on_commit_callbacks
):
    meeting = dcn["meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invitations_page(meeting),
            {"invite": "1", "members": [dcn["sri_lanka"].pk]},
            follow=True,
        )
    page = response.content.decode()
    assert meeting.invitations.get().member == dcn["sri_lanka"]
    assert addresses() == ["kamala@lk.example"]
    assert (
        "Sri Lanka is invited, but not everyone who answers for it is told: "
        "Nimal Perera holds no valid clearance for WG-DCN." in page
    )
    # The list of invitations keeps saying so.
    assert "Not told, may not see the meeting: Nimal Perera holds no valid clearance" in page
    assert "focal points who hold a valid clearance for WG-DCN are told" in page


# --- A clearance that lapses ends what it opened ------------------------------------------


def test_a_pending_invitation_no_longer_opens_the_meeting_once_the_clearance_lapses(client, dcn):
    guest = UserFactory(first_name="Ana", last_name="Cruz", **CLEARED)
    meeting = dcn["meeting"]
    meeting_services.invitations_send(meeting, persons=[guest])
    invitation = meeting.invitations.get()
    client.force_login(guest)
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 200

    clearance_lapses(guest)
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 404
    answer = reverse("invitation_answer", args=[meeting.pk, invitation.pk])
    assert client.post(answer, {"response": "accepted"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING
    guest.refresh_from_db()
    with pytest.raises(Exception, match="Ana Cruz holds no valid clearance for WG-DCN"):
        meeting_services.invitation_answer(invitation, "accepted", guest)

    client.force_login(SecretariatFactory())
    page = client.get(invitations_page(meeting)).content.decode()
    assert "Not told, may not see the meeting: Ana Cruz holds no valid clearance" in page


def test_a_meeting_leaves_the_private_calendar_feed_once_the_clearance_lapses(client, dcn):
    kamala, meeting = dcn["kamala"], dcn["meeting"]
    feed = calendar.feed_create(kamala)
    address = reverse("calendar_feed", args=[feed.token])
    uid = calendar.meeting_uid(meeting)
    assert uid in client.get(address).content.decode()

    clearance_lapses(kamala)
    response = client.get(address)
    assert response.status_code == 200 and uid not in response.content.decode()


# --- Rendered files ----------------------------------------------------------------------


@pytest.fixture
def approved_report(django_capture_on_commit_callbacks):
    """A WG-TIP report rendered as a draft holding a sentence removed before approval,
    then approved by both co-chairs (which renders and keeps the approved PDF)."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    chairs = [co_chair(group), co_chair(group)]
    secretariat = SecretariatFactory()
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    report = report_services.report_edit(report, summary="A dispute with a neighbour.")
    with django_capture_on_commit_callbacks(execute=True):
        draft = report_services.render_enqueue(report, secretariat)
    report = report_services.report_edit(report, summary="The group met twice.")
    report_services.report_submit(report, secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        for person in chairs:
            content_hash = report_services.current_content_hash(Report.objects.get(pk=report.pk))
            report_services.report_decide(
                report, person=person, decision="approved", content_hash=content_hash
            )
    report.refresh_from_db()
    draft.refresh_from_db()
    assert report.is_approved and report.approved_pdf and draft.status == "succeeded"
    return {
        "report": report,
        "draft": draft,
        "final": report.render_jobs.exclude(pk=draft.pk).get(),
        "chair": chairs[0],
        "member": participant(group),
        "secretariat": secretariat,
    }


def job_pdf(report, job) -> str:
    return reverse("report_job_pdf", kwargs={**report.url_kwargs(), "job_id": job.pk})


def test_a_member_cannot_download_a_draft_rendering_once_the_report_is_approved(
    client, approved_report
):
    report, draft = approved_report["report"], approved_report["draft"]
    client.force_login(approved_report["member"])
    assert client.get(job_pdf(report, draft)).status_code == 404
    approved = client.get(reverse("report_pdf", kwargs=report.url_kwargs()))
    assert approved.status_code == 200 and approved["Content-Type"] == "application/pdf"
    # The rendering of the approved content is the approved PDF: that one they may have.
    assert client.get(job_pdf(report, approved_report["final"])).status_code == 200


def test_a_member_is_never_shown_a_draft_rendering_by_the_status_or_the_report_page(
    client, approved_report
):
    report, draft = approved_report["report"], approved_report["draft"]
    RenderJob.objects.filter(pk=draft.pk).update(queued_at=timezone.now() + DAY)  # the latest
    client.force_login(approved_report["member"])
    state = client.get(reverse("report_job_status", kwargs=report.url_kwargs())).json()
    assert state["id"] == approved_report["final"].pk
    page = client.get(reverse("report_detail", kwargs=report.url_kwargs())).content.decode()
    assert job_pdf(report, draft) not in page


@pytest.mark.parametrize("who", ["secretariat", "chair"])
def test_the_secretariat_and_the_approvers_still_open_the_draft_renderings(
    client, approved_report, who
):
    report, draft = approved_report["report"], approved_report["draft"]
    client.force_login(approved_report[who])
    assert client.get(job_pdf(report, draft)).status_code == 200
    state = client.get(reverse("report_job_status", kwargs=report.url_kwargs())).json()
    assert state["id"] in (draft.pk, approved_report["final"].pk)


# --- Pages that named what their reader may not see ---------------------------------------


@pytest.fixture
def public_paper():
    """A public paper attached to an item of a WG-TIP agenda that is not yet published."""
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    meeting = group_meeting(group)
    item = AgendaItem.objects.create(
        meeting=meeting, position=1, title="Draft item: sanctions on Ruritania"
    )
    document = papers.document_add(
        meeting,
        title="Concept note",
        access=Document.Access.PUBLIC,
        upload=SimpleUploadedFile("Concept note.pdf", PDF, content_type="application/pdf"),
        uploaded_by=None,
        agenda_item=item,
    )
    return {"group": group, "meeting": meeting, "document": document}


def paper_page(client, person, document) -> str:
    client.force_login(person)
    url = reverse("document_detail", args=[document.meeting_id, document.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_public_paper_does_not_show_the_item_title_of_an_unpublished_agenda(client, public_paper):
    group, meeting, document = (public_paper[k] for k in ("group", "meeting", "document"))
    observer = UserFactory(affiliation=MemberFactory(is_observer=True, ahg_joined_on=None))
    meeting_services.invitations_send(meeting, persons=[observer])
    for reader in (participant(group), observer):
        assert "sanctions on Ruritania" not in paper_page(client, reader, document)
    assert "sanctions on Ruritania" in paper_page(client, co_chair(group), document)

    agenda.agenda_publish(meeting)
    assert "sanctions on Ruritania" in paper_page(client, participant(group), document)


def test_an_observers_meeting_page_does_not_link_to_the_group_page_they_cannot_open(client):
    group = WorkingGroupFactory(short_name="WG-TIP", slug="wg-tip")
    meeting = group_meeting(group)
    observer = UserFactory(affiliation=MemberFactory(is_observer=True, ahg_joined_on=None))
    meeting_services.invitations_send(meeting, persons=[observer])
    group_page = reverse("group_detail", args=[group.slug])

    client.force_login(observer)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "WG-TIP" in page and f'href="{group_page}"' not in page
    assert client.get(group_page).status_code == 404

    client.force_login(participant(group))
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert f'href="{group_page}"' in page


def test_an_attendance_error_is_shown_once(client, secretariat):
    meeting = group_meeting(WorkingGroupFactory())  # still to come
    person = UserFactory(affiliation=MemberFactory())
    meeting_services.invitations_send(meeting, persons=[person])
    response = client.post(
        invitations_page(meeting),
        {"attendance": "1", "attended": [meeting.invitations.get().pk]},
    )
    page = response.content.decode()
    assert page.count("Attendance is recorded once the meeting has started.") == 1
    assert not meeting.attendance.exists()


# --- A person's groups, worked out once per request ---------------------------------------


def person_in_groups(count: int):
    """A focal point of one member in `count` groups, co-chair of the first, each group
    with a coming meeting; returns the person and the first group's meeting."""
    member = MemberFactory()
    person = UserFactory(affiliation=member)
    meetings = []
    for n in range(count):
        group = WorkingGroupFactory()
        ParticipationFactory(
            person=person, group=group, member=member, role=Participation.Role.FOCAL_POINT
        )
        if n == 0:
            CoChairTermFactory(group=group, member=member)
        meetings.append(group_meeting(group))
    return person, meetings[0]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# Session and user, the person's groups (2), then what each page shows. The home page has
# a panel for each role the person holds (approvals, the co-chaired group's meeting, actions
# and proposals, their meetings with papers and answers, their member's actions), each a
# few queries whatever the count of groups: tests/portal/test_homes.py pins each role's.
MOST_QUERIES = {"home": 20, "group_list": 6, "meeting_detail": 13, "action_list": 9}


@pytest.mark.parametrize("page", list(MOST_QUERIES))
def test_the_queries_of_a_page_do_not_grow_with_the_groups_a_person_takes_part_in(
    client, page, django_assert_max_num_queries
):
    counts = []
    for groups in (1, 6):
        person, meeting = person_in_groups(groups)
        client.force_login(person)
        url = reverse(page, args=[meeting.pk] if page == "meeting_detail" else [])
        queries(client, url)  # the first request also sets up the session
        counts.append(queries(client, url))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(MOST_QUERIES[page]):
        client.get(url)


def test_a_person_s_groups_are_worked_out_once_however_many_questions_are_asked(
    django_assert_num_queries,
):
    person, meeting = person_in_groups(6)
    groups = list(permissions.visible_groups(SecretariatFactory()))
    with django_assert_num_queries(2):  # the participations, then the co-chair terms
        roles = [permissions.role_in_group(person, group) for group in groups]
        for group in groups:
            permissions.can_view_group(person, group)
            permissions.can_approve_for_group(person, group)
    assert roles.count(permissions.Role.CO_CHAIR) == 1
    assert roles.count(permissions.Role.MEMBER) == 5

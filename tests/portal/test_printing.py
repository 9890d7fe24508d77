"""Printed documents: an agenda, a list of participants or a work plan is asked for by a
request, printed by a worker in a child process under the printing limits, and served
from the one printing of the same content to everyone who may see that content."""

import datetime
import io

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from meetings import agenda
from meetings import pack as meeting_pack
from meetings import pdf as meeting_pdf
from meetings.models import Document, Meeting, MeetingPack
from portal import pdf
from portal.audit.models import AccessRecord
from portal.printing import services, tasks
from portal.printing.models import PrintedDocument
from reports import services as report_services
from reports.models import RenderJob, Report
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    SecretariatFactory,
    WorkingGroupFactory,
    WorkPlanFactory,
    co_chair,
    participant,
)

pytestmark = pytest.mark.django_db

Status = PrintedDocument.Status
SPEAKER = "Ms Ani Wibowo"
# A paragraph of a long description, repeated (within the longest text allowed, 10,000).
PARAGRAPH = "The group reviews the regional trends in trafficking and agrees its next steps. "
# The most queries the waiting page and the served PDF make, whatever the agenda's length:
# the session and the person, the meeting and the reader's part in it (invitations and
# attendance, asked twice: once to find the meeting, once for the agenda's rights), the
# agenda items with their speakers, papers and versions, then the printing of that content
# (asked for the first time: its row made) or, served, the printing and the access log.
WAITING_QUERIES = 16
SERVED_QUERIES = 14


def cleared():
    """A security clearance valid for a year, as a person's fields."""
    return {
        "clearance_level": "Negative Vetting 1",
        "clearance_expires_on": timezone.localdate() + datetime.timedelta(days=365),
    }


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def served(response) -> bytes:
    return b"".join(response.streaming_content)


def long_text(length: int = 9_000) -> str:
    return (PARAGRAPH * (length // len(PARAGRAPH) + 1))[:length]


def agenda_meeting(group, *, items: int = 3, description: str = "", **fields):
    """A meeting of the group under the Chatham House Rule, with a published agenda
    whose second item has a named speaker and a paper for the secretariat only."""
    meeting = MeetingFactory(
        kind="working_group",
        group=group,
        body="",
        title=fields.pop("title", "Second meeting of WG-TIP"),
        chatham_house=True,
        **fields,
    )
    added = [
        agenda.item_add(
            meeting, title=f"Agenda item {n}", duration_minutes=15, description=description
        )
        for n in range(1, items + 1)
    ]
    agenda.speaker_add(added[min(1, items - 1)], name=SPEAKER, affiliation="Indonesia")
    Document.objects.create(
        meeting=meeting,
        agenda_item=added[0],
        title="Secretariat costing notes",
        access=Document.Access.SECRETARIAT,
    )
    agenda.agenda_publish(meeting)
    return meeting


@pytest.fixture
def group():
    # A group that requires a security clearance: each download of its documents is logged.
    return WorkingGroupFactory(
        name="Working Group on Trafficking in Persons", short_name="WG-TIP", clearance_required=True
    )


@pytest.fixture
def meeting(group):
    return agenda_meeting(group)


@pytest.fixture
def member(group):
    return participant(group, **cleared())


@pytest.fixture
def fellow_member(group):
    """Another expert of the group, with the same rights as ``member``."""
    return participant(group, **cleared())


@pytest.fixture
def sent(settings, monkeypatch):
    """A worker on the other side of a broker: printings are sent to it (the ids listed
    here) instead of being printed in the request."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    ids = []
    monkeypatch.setattr(services.PRINTINGS, "send_after_commit", ids.append)
    return ids


@pytest.fixture
def layouts(monkeypatch):
    """The documents laid out in a printing child process, counted."""
    made = []
    real = pdf.in_child

    def counted(function, *args, **kwargs):
        made.append(function)
        return real(function, *args, **kwargs)

    monkeypatch.setattr(pdf, "in_child", counted)
    return made


def agenda_url(meeting) -> str:
    return reverse("agenda_pdf", args=[meeting.pk])


def downloads():
    return list(AccessRecord.objects.filter(event=AccessRecord.Event.DOWNLOADED).order_by("pk"))


# --- Asked for by the request, printed by the worker --------------------------------------


def test_a_member_waits_for_the_agenda_then_is_served_the_pdf(
    client, meeting, member, sent, layouts
):
    url = agenda_url(meeting)
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 202
    assert "no-store" in response["Cache-Control"]
    assert "printing/waiting.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Queued: the PDF will follow in a moment." in page
    assert f'<a href="{url}">Open the PDF</a>' in page
    assert f'href="{reverse("meeting_detail", args=[meeting.pk])}"' in page
    assert "Try again" not in page
    assert layouts == []  # nothing is laid out in the request
    (document,) = PrintedDocument.objects.all()
    assert sent == [document.pk] and document.requested_by == member

    state = client.get(url, headers={"Accept": "application/json"})
    assert state.status_code == 200 and "no-store" in state["Cache-Control"]
    assert state.json() == {
        "status": "queued",
        "text": "Queued: the PDF will follow in a moment.",
        "working": True,
        "error": "",
        "url": url,
    }
    assert downloads() == []

    assert services.printing_run(document.pk).status == Status.SUCCEEDED
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="second-meeting-of-wg-tip-agenda.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "Agenda item 2" in pdf_text(served(response))
    (line,) = downloads()
    assert (line.person, line.object_kind, line.object_id) == (
        member,
        "agenda PDF",
        str(meeting.pk),
    )
    assert len(layouts) == 1  # the worker's, once
    assert client.get(url, headers={"Accept": "application/json"}).json()["status"] == "succeeded"


def test_a_stranger_to_the_group_gets_404_and_no_printing(client, meeting, sent):
    client.force_login(participant(WorkingGroupFactory()))
    assert client.get(agenda_url(meeting)).status_code == 404
    assert client.post(agenda_url(meeting)).status_code == 404
    assert not PrintedDocument.objects.exists() and sent == []


def test_a_visitor_waits_for_the_public_list_of_participants_of_a_held_meeting(client, sent):
    meeting = MeetingFactory(title="Senior Officials Meeting 2030", status=Meeting.Status.HELD)
    url = reverse("participants_public_pdf", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 202
    page = response.content.decode()
    assert "Public list of participants: Senior Officials Meeting 2030 (PDF)" in page
    assert f'href="{reverse("participants_public", args=[meeting.pk])}"' in page
    (document,) = PrintedDocument.objects.all()
    assert document.requested_by is None and sent == [document.pk]
    services.printing_run(document.pk)
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="senior-officials-meeting-2030-participants-public.pdf"'
    )
    assert served(response).startswith(b"%PDF-")


def test_sixty_requests_of_readers_with_the_same_rights_make_one_printing(
    client, meeting, member, fellow_member, sent
):
    url = agenda_url(meeting)
    for person in (member, fellow_member):
        client.force_login(person)
        for _ in range(30):
            assert client.get(url).status_code == 202
    (document,) = PrintedDocument.objects.all()
    assert sent == [document.pk]

    # The secretariat sees the speakers named and may open more papers: another printing.
    secretariat = SecretariatFactory()
    client.force_login(secretariat)
    assert client.get(url).status_code == 202
    theirs = PrintedDocument.objects.exclude(pk=document.pk).get()
    assert theirs.contents_hash != document.contents_hash
    assert sent == [document.pk, theirs.pk]

    for printing in (document, theirs):
        services.printing_run(printing.pk)
    client.force_login(fellow_member)
    assert SPEAKER not in pdf_text(served(client.get(url)))
    client.force_login(secretariat)
    assert SPEAKER in pdf_text(served(client.get(url)))
    assert PrintedDocument.objects.count() == 2


def test_a_changed_agenda_is_printed_again_and_the_earlier_file_goes(
    client, meeting, member, sent, settings
):
    url = agenda_url(meeting)
    client.force_login(member)
    client.get(url)
    first = services.printing_run(PrintedDocument.objects.get().pk)
    first_file = first.pdf.name
    assert default_storage.exists(first_file)

    item = meeting.agenda_items.get(title="Agenda item 3")
    agenda.item_update(item, title="Forward Work Plan 2030-32")
    response = client.get(url)
    assert response.status_code == 202  # not the earlier printing, whose content is gone
    second = PrintedDocument.objects.exclude(pk=first.pk).get()
    assert default_storage.exists(first_file)  # served to nobody, kept until the new one is ready

    services.printing_run(second.pk)
    first.refresh_from_db()
    assert first.status == Status.SUCCEEDED and first.pdf.name == ""
    assert not default_storage.exists(first_file)
    text = pdf_text(served(client.get(url)))
    assert "Forward Work Plan 2030-32" in text and "Agenda item 3" not in text


# --- The printing limits ------------------------------------------------------------------


def test_a_work_plan_too_large_for_the_memory_allowed_fails_with_the_reason_and_can_be_tried_again(
    client, group, member, settings
):
    plan = WorkPlanFactory(group=group, title="Forward Work Plan 2030-32", period="2030-32")
    for number in range(1, 9):
        ActionFactory(plan=plan, number=number, description=long_text(3_000))
    url = reverse("work_plan_pdf", args=[group.slug, plan.slug])
    settings.PRINT_MEMORY_LIMIT_MB = 16
    client.force_login(member)
    response = client.get(url)  # printed in-process here: no worker in these settings
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "The PDF could not be printed." in page
    assert "Printing needed more than the 16 MB of memory allowed" in page
    assert "Try again</button>" in page and 'method="post"' in page
    assert "Open the PDF" not in page
    (failed,) = PrintedDocument.objects.all()
    assert failed.status == Status.FAILED
    # Asking again without pressing the button shows the same failure.
    assert client.get(url).status_code == 200
    assert PrintedDocument.objects.count() == 1

    settings.PRINT_MEMORY_LIMIT_MB = 512
    response = client.post(url)
    assert response.status_code == 302 and response.url == url
    assert PrintedDocument.objects.count() == 2
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "The group reviews the regional trends" in pdf_text(served(response))


def test_an_agenda_too_long_for_the_time_allowed_fails_with_the_reason(
    client, group, member, settings
):
    meeting = agenda_meeting(group, items=24, description=long_text())
    settings.PRINT_TIME_LIMIT = 1
    client.force_login(member)
    response = client.get(agenda_url(meeting))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The PDF could not be printed." in page
    assert "Printing took longer than the 1 second allowed" in page
    assert PrintedDocument.objects.get().status == Status.FAILED


def test_a_report_rendering_fails_with_the_memory_reason_under_a_small_ceiling(settings):
    group = WorkingGroupFactory(short_name="WG-X", slug="wg-x")
    plan = WorkPlanFactory(group=group, period="2015-17")
    ActionFactory(plan=plan, description=long_text(2_000))
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    settings.PRINT_MEMORY_LIMIT_MB = 16
    job = report_services.render_enqueue(report)
    job = report_services.render_run(job.pk)
    assert job.status == RenderJob.Status.FAILED
    assert "Printing needed more than the 16 MB of memory allowed" in job.error
    assert not job.pdf


def test_a_meeting_pack_fails_with_the_memory_reason_under_a_small_ceiling(
    meeting, member, settings
):
    settings.PRINT_MEMORY_LIMIT_MB = 16
    pack = meeting_pack.pack_request(meeting, member)
    pack = meeting_pack.pack_run(pack.pk)
    assert pack.status == MeetingPack.Status.FAILED
    assert "Printing needed more than the 16 MB of memory allowed" in pack.error
    assert not pack.pdf


# --- The printing child process -----------------------------------------------------------


def refused_query_leaves_the_parents_connection_working():
    User = get_user_model()
    before = User.objects.count()

    def reads_the_database():
        return str(User.objects.count()).encode()

    with pytest.raises(pdf.PrintingFailed, match="read the database while being printed"):
        pdf.in_child(reads_the_database)
    assert User.objects.count() == before
    get_user_model().objects.create(username="after-the-child")
    assert User.objects.count() == before + 1


def test_a_document_that_reads_the_database_while_printed_fails_and_the_connection_lives(
    member,
):
    refused_query_leaves_the_parents_connection_working()


def test_on_postgresql_a_document_that_reads_the_database_fails_and_the_connection_lives(
    member,
):
    if connection.vendor != "postgresql":
        pytest.skip("set DATABASE_URL to a PostgreSQL database to share its connection")
    refused_query_leaves_the_parents_connection_working()


def test_a_passing_error_in_the_child_arrives_as_an_oserror():
    def disk_full():
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left on device") as raised:
        pdf.in_child(disk_full)
    assert not isinstance(raised.value, pdf.PrintingFailed)


def test_the_parts_done_in_the_child_reach_the_parent_in_order():
    heard = []

    def in_five_parts(progress):
        for done in range(1, 6):
            progress(done)
        return b"%PDF-1.7 five parts"

    assert pdf.in_child(in_five_parts, progress=heard.append) == b"%PDF-1.7 five parts"
    assert heard == [1, 2, 3, 4, 5]


# --- The same content, the same bytes -----------------------------------------------------


def test_the_same_agenda_printed_twice_at_the_same_time_gives_the_same_bytes(
    client, meeting, member, sent
):
    client.force_login(member)
    client.get(agenda_url(meeting))
    first = services.printing_run(PrintedDocument.objects.get().pk)
    first_bytes = first.pdf.read()
    first.pdf.close()
    PrintedDocument.objects.filter(pk=first.pk).update(status=Status.FAILED)

    document = meeting_pdf.agenda_printable(meeting, **meeting_pdf.agenda_variant(member, meeting))
    second = services.printing_request(document, member, again=True)
    assert second.pk != first.pk and second.status == Status.QUEUED
    PrintedDocument.objects.filter(pk=second.pk).update(queued_at=first.queued_at)
    second = services.printing_run(second.pk)
    assert second.pdf.name != first.pdf.name
    assert second.pdf.read() == first_bytes


def approved_report():
    """WG-X's annual report for 2016, approved by its two co-chairs (its PDF rendered)."""
    group = WorkingGroupFactory(short_name="WG-X", slug="wg-x", name="Working Group X")
    chairs = co_chair(group), co_chair(group)
    plan = WorkPlanFactory(group=group, period="2015-17", title="Forward Work Plan 2015-17")
    ActionFactory(plan=plan, number=2, description="Develop a training module.")
    report = report_services.report_start(group, Report.Kind.ANNUAL, 2016)
    report = report_services.report_edit(report, summary="The group met twice.")
    report_services.report_submit(report, SecretariatFactory())
    content_hash = report_services.current_content_hash(report)
    for person in chairs:
        report_services.report_decide(
            report, person=person, decision="approved", content_hash=content_hash
        )
    return Report.objects.get(pk=report.pk)


def test_an_approved_report_rendered_twice_gives_the_approved_pdf_byte_for_byte(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        report = approved_report()
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED and report.approved_pdf
    approved = report.approved_pdf.read()
    renderings = []
    for _ in range(2):
        job = report_services.render_run(report_services.render_enqueue(report).pk)
        assert job.status == RenderJob.Status.SUCCEEDED
        renderings.append(job.pdf.read())
    assert renderings[0] == renderings[1] == approved
    assert approved.startswith(b"%PDF-")


# --- The sweep ----------------------------------------------------------------------------


def test_a_printing_queued_or_running_too_long_is_sent_again(
    client, group, meeting, member, sent, settings
):
    client.force_login(member)
    client.get(agenda_url(meeting))
    queued = PrintedDocument.objects.get()
    client.get(agenda_url(agenda_meeting(group, title="Third meeting of WG-TIP")))
    running = PrintedDocument.objects.exclude(pk=queued.pk).get()
    services.PRINTINGS.claim(running.pk)
    assert sent == [queued.pk, running.pk]

    assert services.printing_requeue_stale() == []
    later = timezone.now() + datetime.timedelta(seconds=settings.JOB_STALE_AFTER + 1)
    assert {d.pk for d in services.printing_requeue_stale(later)} == {queued.pk, running.pk}
    assert sorted(sent[2:]) == sorted([queued.pk, running.pk])
    running.refresh_from_db()
    assert running.status == Status.QUEUED
    # Sent again, the printing is printed once.
    assert services.printing_run(running.pk).status == Status.SUCCEEDED
    assert services.printing_run(running.pk).attempts == 2


def test_beat_sweeps_every_kind_of_job_in_one_task(settings, monkeypatch):
    """One sweep message per interval: no sweep of another kind waits in the queue to make
    the broker look busy while this one decides whether a queued job's message was lost."""
    from portal import celery
    from portal import tasks as portal_tasks

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "stale" in e["task"]]
    assert [e["task"] for e in entries] == ["portal.tasks.requeue_stale_jobs"]
    assert entries[0]["schedule"] == float(settings.JOB_SWEEP_INTERVAL)
    assert portal_tasks.requeue_stale_jobs.name == entries[0]["task"]

    asked = []
    monkeypatch.setattr(celery, "waiting_in_queue", lambda: asked.append(1) or 0)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_AFTER + 1)
    lost = PrintedDocument.objects.create(
        kind=PrintedDocument.Kind.AGENDA, subject_id=1, contents_hash="a" * 64
    )
    PrintedDocument.objects.filter(pk=lost.pk).update(queued_at=long_ago)
    sent = []
    monkeypatch.setattr(services.PRINTINGS, "send_after_commit", sent.append)
    found = portal_tasks.requeue_stale_jobs()
    assert found == {"renderings": 0, "meeting packs": 0, "printings": 1}
    assert sent == [lost.pk] and asked == [1]  # the broker asked once for all kinds
    assert tasks.requeue_stale_printed_documents.name.startswith("portal.printing.")


# --- Query counts -------------------------------------------------------------------------


def queries(client, url, at_most) -> tuple[int, int]:
    """The queries of the waiting page and of the served PDF, each within its bound."""
    with at_most(WAITING_QUERIES) as waiting:
        assert client.get(url).status_code == 202
    services.printing_run(PrintedDocument.objects.latest("pk").pk)
    with at_most(SERVED_QUERIES) as serving:
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
    served(response)
    return len(waiting), len(serving)


def test_the_waiting_page_and_the_served_pdf_make_as_many_queries_for_2_items_as_for_20(
    client, group, member, sent, django_assert_max_num_queries
):
    client.force_login(member)
    short = agenda_meeting(group, items=2, title="Short meeting")
    long = agenda_meeting(group, items=20, title="Long meeting")
    for meeting in (short, long):
        for item in meeting.agenda_items.all():
            Document.objects.create(meeting=meeting, agenda_item=item, title=f"Paper {item.pk}")
            agenda.speaker_add(item, name=f"Speaker {item.pk}", affiliation="Fiji")
    assert queries(client, agenda_url(short), django_assert_max_num_queries) == queries(
        client, agenda_url(long), django_assert_max_num_queries
    )

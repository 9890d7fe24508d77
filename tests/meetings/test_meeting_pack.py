"""The meeting pack: one PDF per reader with the agenda and every paper they may read."""

import datetime
import io
import re

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from meetings import agenda, pack, papers, services, tasks
from meetings.models import Document, MeetingPack
from tests.factories import (
    MeetingFactory,
    MemberFactory,
    SecretariatFactory,
    UserFactory,
    WorkingGroupFactory,
    co_chair,
    participant,
)

pytestmark = pytest.mark.django_db

PUBLIC, PARTICIPANTS, CLEARED, SECRETARIAT = (
    Document.Access.PUBLIC,
    Document.Access.PARTICIPANTS,
    Document.Access.CLEARED,
    Document.Access.SECRETARIAT,
)


def paper_pdf(text: str, *, pages: int = 1, size: str = "A4") -> bytes:
    """A real PDF whose pages read "<text>, page n"."""
    body = "".join(
        f'<p style="break-before: page">{text}, page {n}</p>' for n in range(1, pages + 1)
    )
    return HTML(string=f"<style>@page {{ size: {size} }}</style>{body}").write_pdf()


def encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(paper_pdf("Locked paper text"))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add(meeting, title, access, content, *, name=None, item=None):
    upload = SimpleUploadedFile(name or f"{title}.pdf", content)
    return papers.document_add(
        meeting, title=title, access=access, upload=upload, uploaded_by=None, agenda_item=item
    )


def valid_clearance():
    return {
        "clearance_level": "Negative Vetting 1",
        "clearance_expires_on": timezone.localdate() + datetime.timedelta(days=365),
    }


@pytest.fixture(scope="module")
def pdfs():
    """The papers' PDFs, rendered once for the module."""
    return {
        "concept": paper_pdf("Concept note text", pages=2),
        "programme": paper_pdf("Public programme text", size="letter landscape"),
        "cleared": paper_pdf("Cleared briefing text"),
        "costing": paper_pdf("Secretariat costing text"),
        "annex": paper_pdf("Annex text"),
    }


@pytest.fixture
def group():
    return WorkingGroupFactory(short_name="WG-TIP", name="Working Group on Trafficking")


@pytest.fixture
def meeting(group, pdfs, settings):
    """A meeting with a published agenda of two items and a paper of every access level."""
    settings.PORTAL_URL = "https://portal.example.org"
    meeting = MeetingFactory(
        kind="working_group", group=group, body="", title="Second meeting of WG-TIP"
    )
    opening = agenda.item_add(meeting, title="Opening and welcome")
    trends = agenda.item_add(meeting, title="Trends in the region")
    agenda.agenda_publish(meeting)
    add(meeting, "Concept note", PARTICIPANTS, pdfs["concept"], item=opening)
    add(meeting, "Programme", PUBLIC, pdfs["programme"], item=trends)
    add(meeting, "Cleared briefing", CLEARED, pdfs["cleared"], item=trends)
    add(meeting, "Costing", SECRETARIAT, pdfs["costing"], item=opening)
    add(meeting, "Annex", PARTICIPANTS, pdfs["annex"])
    add(meeting, "Speaking notes", PARTICIPANTS, b"Speaking notes text\n", name="notes.txt")
    return meeting


@pytest.fixture
def expert(group):
    return participant(group, first_name="Somchai", last_name="Rattanakul")


@pytest.fixture
def observer(meeting):
    person = UserFactory(affiliation=MemberFactory(is_observer=True, ahg_joined_on=None))
    services.invitations_send(meeting, persons=[person])
    return person


def request_pack(client, meeting, capture):
    """Press "Prepare my meeting pack"; the in-process worker makes it after commit."""
    with capture(execute=True):
        response = client.post(reverse("meeting_pack_request", args=[meeting.pk]))
    assert response.status_code == 302, response
    return MeetingPack.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[-1]))


def download(client, pack_row):
    response = client.get(reverse("meeting_pack_pdf", args=[pack_row.meeting_id, pack_row.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pack_for(person, meeting):
    """A pack made at once, through the services, without the web pages."""
    requested = pack.pack_request(meeting, person)
    return pack.pack_run(requested.pk)


def outline(reader, items=None):
    """The bookmarks as (title, page index, [children])."""
    found = []
    for entry in reader.outline if items is None else items:
        if isinstance(entry, list):
            found[-1][2].extend(outline(reader, entry))
        else:
            found.append((entry.title, reader.get_destination_page_number(entry), []))
    return found


# --- What goes in ---------------------------------------------------------------------


def test_the_experts_pack_holds_the_agenda_and_the_papers_of_participants(
    client, meeting, expert, django_capture_on_commit_callbacks
):
    client.force_login(expert)
    made = request_pack(client, meeting, django_capture_on_commit_callbacks)
    assert made.status == MeetingPack.Status.SUCCEEDED and made.reader == expert
    text = text_of(download(client, made))
    assert "Prepared for Somchai Rattanakul" in text
    assert "1. Opening and welcome" in text and "2. Trends in the region" in text
    for paper in ("Concept note text, page 2", "Public programme text", "Annex text"):
        assert paper in text
    assert "Cleared briefing text" not in text and "Cleared briefing" not in text
    assert "Secretariat costing text" not in text and "Costing" not in text


def test_the_agenda_comes_first_then_the_papers_in_agenda_order(meeting, expert):
    text = text_of(pack_for(expert, meeting).pdf.read())
    order = [
        "Contents",
        "AGENDA",
        "Concept note text, page 1",
        "Concept note text, page 2",
        "Public programme text",
        "Annex text",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_an_expert_and_an_invited_observer_get_different_packs(
    client, meeting, group, observer, django_capture_on_commit_callbacks
):
    client.force_login(participant(group))
    experts = text_of(
        download(client, request_pack(client, meeting, django_capture_on_commit_callbacks))
    )
    client.force_login(observer)
    observers = text_of(
        download(client, request_pack(client, meeting, django_capture_on_commit_callbacks))
    )
    # The participants' papers are the expert's; the observer reads the public ones, as on
    # the meeting page; neither reads the cleared or the secretariat's papers.
    assert "Concept note text" in experts and "Annex text" in experts
    assert "Public programme text" in experts and "Public programme text" in observers
    assert "Concept note text" not in observers and "Annex text" not in observers
    assert "Speaking notes" not in observers
    assert "Cleared briefing" not in experts + observers
    assert "Secretariat costing text" not in experts + observers


def test_a_cleared_expert_gets_the_cleared_papers_an_uncleared_one_does_not(
    client, meeting, group, django_capture_on_commit_callbacks
):
    client.force_login(participant(group, **valid_clearance()))
    cleared = text_of(
        download(client, request_pack(client, meeting, django_capture_on_commit_callbacks))
    )
    client.force_login(participant(group))
    uncleared = text_of(
        download(client, request_pack(client, meeting, django_capture_on_commit_callbacks))
    )
    assert "Cleared briefing text" in cleared
    assert "Cleared briefing" not in uncleared


def test_an_observer_not_invited_asks_for_no_pack(client, meeting):
    client.force_login(UserFactory(affiliation=MemberFactory(is_observer=True, ahg_joined_on=None)))
    response = client.post(reverse("meeting_pack_request", args=[meeting.pk]))
    assert response.status_code == 404
    assert not MeetingPack.objects.exists()


def test_in_a_clearance_group_only_the_cleared_reader_has_a_pack(
    client, pdfs, django_capture_on_commit_callbacks
):
    group = WorkingGroupFactory(clearance_required=True)
    meeting = MeetingFactory(kind="working_group", group=group, body="")
    item = agenda.item_add(meeting, title="Targeting syndicates")
    agenda.agenda_publish(meeting)
    add(meeting, "Cleared briefing", CLEARED, pdfs["cleared"], item=item)
    cleared = participant(group, **valid_clearance())
    uncleared = participant(group)
    client.force_login(uncleared)
    assert client.post(reverse("meeting_pack_request", args=[meeting.pk])).status_code == 404
    client.force_login(cleared)
    made = request_pack(client, meeting, django_capture_on_commit_callbacks)
    assert "Cleared briefing text" in text_of(download(client, made))
    # The clearance lapses: the pack made under it is no longer theirs to open.
    type(cleared).objects.filter(pk=cleared.pk).update(
        clearance_expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    url = reverse("meeting_pack_pdf", args=[meeting.pk, made.pk])
    assert client.get(url).status_code == 404
    assert client.get(reverse("meeting_pack", args=[meeting.pk, made.pk])).status_code == 404


def test_a_pack_made_under_rights_that_lapsed_is_not_handed_out(client, meeting, group):
    cleared = participant(group, **valid_clearance())
    made = pack_for(cleared, meeting)
    type(cleared).objects.filter(pk=cleared.pk).update(
        clearance_expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(cleared)
    response = client.get(reverse("meeting_pack_pdf", args=[meeting.pk, made.pk]))
    assert response.status_code == 302
    assert response.url == reverse("meeting_pack", args=[meeting.pk, made.pk])
    page = client.get(response.url).content.decode()
    assert "This pack is out of date" in page and "Prepare a new meeting pack" in page
    assert reverse("meeting_pack_pdf", args=[meeting.pk, made.pk]) not in page
    cleared.refresh_from_db()
    renewed = pack_for(cleared, meeting)
    assert renewed.pk != made.pk
    assert "Cleared briefing" not in text_of(renewed.pdf.read())


def test_a_member_cannot_ask_for_a_pack_of_a_draft_agenda(client, group, expert):
    meeting = MeetingFactory(kind="working_group", group=group, body="")
    agenda.item_add(meeting, title="Opening")
    client.force_login(expert)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "The meeting pack can be prepared once the agenda is published." in page
    assert "Prepare my meeting pack" not in page
    assert client.post(reverse("meeting_pack_request", args=[meeting.pk])).status_code == 404
    # The co-chairs read the draft agenda, and so may have its pack.
    chair = co_chair(group)
    assert "(draft)" in text_of(pack_for(chair, meeting).pdf.read())


def test_the_meeting_page_offers_the_pack_once_the_agenda_is_seen(client, meeting, expert):
    client.force_login(expert)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Meeting pack (PDF)" in page and "Prepare my meeting pack" in page
    assert f'action="{reverse("meeting_pack_request", args=[meeting.pk])}"' in page


# --- The PDF --------------------------------------------------------------------------


def test_bookmarks_follow_the_agenda_with_the_papers_of_each_item(meeting, expert):
    reader = pypdf.PdfReader(io.BytesIO(pack_for(expert, meeting).pdf.read()))
    marks = outline(reader)
    assert [title for title, _, _ in marks] == [
        "Contents",
        "Agenda",
        "1. Opening and welcome",
        "2. Trends in the region",
        "Other papers",
    ]
    children = {title: [child[0] for child in kids] for title, _, kids in marks}
    assert children["1. Opening and welcome"] == ["Concept note"]
    assert children["2. Trends in the region"] == ["Programme"]
    assert children["Other papers"] == ["Annex", "Speaking notes"]
    pages = {child[0]: child[1] for _, _, kids in marks for child in kids}
    assert pages["Concept note"] < pages["Programme"] < pages["Annex"]
    assert "Concept note text, page 1" in reader.pages[pages["Concept note"]].extract_text()
    assert "Annex text" in reader.pages[pages["Annex"]].extract_text()


def test_every_page_has_its_number_in_the_whole_pack_whatever_its_size(meeting, expert):
    reader = pypdf.PdfReader(io.BytesIO(pack_for(expert, meeting).pdf.read()))
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {total}" in page.extract_text(), number
    # The public programme is a landscape Letter page: its number is on it too.
    wide = next(p for p in reader.pages if "Public programme text" in p.extract_text())
    assert float(wide.mediabox.width) > float(wide.mediabox.height)
    assert re.search(r"Page \d+ of \d+", wide.extract_text())


def test_the_contents_page_names_the_first_page_of_each_paper(meeting, expert):
    reader = pypdf.PdfReader(io.BytesIO(pack_for(expert, meeting).pdf.read()))
    contents = " ".join(reader.pages[1].extract_text().split())
    first = next(n for n, page in enumerate(reader.pages, 1) if "Annex text" in page.extract_text())
    assert re.search(rf"Annex \(version 1; Group participants\) PDF document {first}\b", contents)


def test_a_paper_that_is_not_a_pdf_is_listed_with_its_link(meeting, expert):
    notes = meeting.documents.get(title="Speaking notes")
    text = text_of(pack_for(expert, meeting).pdf.read())
    link = f"https://portal.example.org/meetings/{meeting.pk}/documents/{notes.pk}/"
    assert "Speaking notes (version 1; Group participants)" in text
    assert "Not a PDF: open it from its link." in text and link in text
    assert "Speaking notes text" not in text


def test_a_broken_or_locked_pdf_is_listed_and_the_pack_is_still_made(meeting, expert):
    add(meeting, "Damaged annex", PARTICIPANTS, b"%PDF-1.4\n%%EOF\n")
    add(meeting, "Locked annex", PARTICIPANTS, encrypted_pdf())
    made = pack_for(expert, meeting)
    assert made.status == MeetingPack.Status.SUCCEEDED
    text = text_of(made.pdf.read())
    assert "Damaged annex" in text and "Locked annex" in text
    assert text.count("This PDF could not be included; open it from its link.") == 2
    assert "Locked paper text" not in text and "Annex text" in text


# --- The job --------------------------------------------------------------------------


def test_the_same_contents_give_the_same_pack_and_a_new_version_a_new_one(
    client, meeting, expert, pdfs, settings, django_capture_on_commit_callbacks
):
    client.force_login(expert)
    first = request_pack(client, meeting, django_capture_on_commit_callbacks)
    again = request_pack(client, meeting, django_capture_on_commit_callbacks)
    assert again.pk == first.pk and MeetingPack.objects.count() == 1
    annex = meeting.documents.get(title="Annex")
    papers.version_add(
        annex, upload=SimpleUploadedFile("Annex.pdf", paper_pdf("Annex v2 text")), uploaded_by=None
    )
    renewed = request_pack(client, meeting, django_capture_on_commit_callbacks)
    assert renewed.pk != first.pk
    text = text_of(download(client, renewed))
    assert "Annex v2 text" in text and "Annex text" not in text
    # The earlier pack no longer matches the papers: it is not handed out, nor kept.
    assert client.get(reverse("meeting_pack_pdf", args=[meeting.pk, first.pk])).status_code == 302
    first.refresh_from_db()
    assert not first.pdf and first.status == MeetingPack.Status.SUCCEEDED
    assert len(list((settings.MEDIA_ROOT / "meetings" / "packs").iterdir())) == 1


def test_another_persons_pack_is_404_even_for_the_secretariat(client, meeting, expert, group):
    made = pack_for(expert, meeting)
    for person in (participant(group), SecretariatFactory()):
        client.force_login(person)
        for name in ("meeting_pack", "meeting_pack_pdf"):
            url = reverse(name, args=[meeting.pk, made.pk])
            assert client.get(url).status_code == 404, (person, name)
    other = MeetingFactory(kind="working_group", group=group, body="")
    client.force_login(expert)
    assert client.get(reverse("meeting_pack", args=[other.pk, made.pk])).status_code == 404


def test_the_download_is_a_private_attachment_named_after_the_meeting(client, meeting, expert):
    made = pack_for(expert, meeting)
    client.force_login(expert)
    response = client.get(reverse("meeting_pack_pdf", args=[meeting.pk, made.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="second-meeting-of-wg-tip-meeting-pack.pdf"'
    )
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_progress_is_written_as_the_parts_are_done_and_shown_on_the_page(
    client, meeting, expert, monkeypatch
):
    requested = pack.pack_request(meeting, expert)
    assert requested.parts_done == 0 and requested.parts_total == 5  # 4 papers + the agenda
    client.force_login(expert)
    url = reverse("meeting_pack", args=[meeting.pk, requested.pk])
    assert "Queued: your meeting pack will follow." in client.get(url).content.decode()
    seen, pages = [], []
    real_holding = pack._holding

    class Watched:
        """The pack's row as the run updates it: each part done is looked at from outside."""

        def __init__(self, rows):
            self.rows = rows

        def update(self, **values):
            updated = self.rows.update(**values)
            if set(values) == {"parts_done"}:
                row = MeetingPack.objects.get(pk=requested.pk)
                seen.append((row.status, row.parts_done, row.parts_total))
                pages.append(client.get(url).content.decode())
            return updated

    monkeypatch.setattr(pack, "_holding", lambda p: Watched(real_holding(p)))
    done = pack.pack_run(requested.pk)
    # Told by the printing child as each paper is read, then the front matter.
    assert [parts for _, parts, _ in seen][:4] == [1, 2, 3, 4]
    assert {status for status, _, _ in seen} == {MeetingPack.Status.RUNNING}
    assert "Being put together: 1 of 5 parts." in pages[0]
    state = client.get(url, headers={"Accept": "application/json"}).json()
    assert state["parts_done"] == 5 and state["status"] == "succeeded" and not state["working"]
    assert done.parts_done == done.parts_total == 5
    page = client.get(url).content.decode()
    assert "Ready." in page and reverse("meeting_pack_pdf", args=[meeting.pk, done.pk]) in page


def test_a_failure_is_shown_with_its_reason_and_can_be_tried_again(
    client, meeting, expert, monkeypatch, django_capture_on_commit_callbacks
):
    real = pack.pack_pdf

    def broken(*args, **kwargs):
        raise ValueError("the agenda template is missing")

    monkeypatch.setattr(pack, "pack_pdf", broken)
    client.force_login(expert)
    failed = request_pack(client, meeting, django_capture_on_commit_callbacks)
    assert failed.status == MeetingPack.Status.FAILED and not failed.pdf
    page = client.get(reverse("meeting_pack", args=[meeting.pk, failed.pk])).content.decode()
    assert "Your meeting pack could not be made." in page
    assert "ValueError: the agenda template is missing" in page
    assert "Try again" in page
    monkeypatch.setattr(pack, "pack_pdf", real)
    retried = request_pack(client, meeting, django_capture_on_commit_callbacks)
    assert retried.pk != failed.pk and retried.status == MeetingPack.Status.SUCCEEDED


def test_a_transient_error_is_retried_and_the_last_attempt_fails(meeting, expert, monkeypatch):
    requested = pack.pack_request(meeting, expert)
    real = pack.pack_pdf

    def disk_full(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pack, "pack_pdf", disk_full)
    with pytest.raises(OSError):
        pack.pack_run(requested.pk)
    requested.refresh_from_db()
    assert requested.status == MeetingPack.Status.QUEUED and requested.error == "OSError: disk full"
    MeetingPack.objects.filter(pk=requested.pk).update(attempts=pack.MAX_ATTEMPTS - 1)
    failed = pack.pack_run(requested.pk)  # not raised: no retry is left
    assert failed.status == MeetingPack.Status.FAILED and failed.attempts == pack.MAX_ATTEMPTS
    monkeypatch.setattr(pack, "pack_pdf", real)
    assert pack.pack_run(requested.pk).status == MeetingPack.Status.FAILED  # left alone


def test_the_sweep_sends_a_lost_pack_to_a_worker_again(
    meeting, expert, settings, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_AFTER + 1)
    lost = pack.pack_request(meeting, expert)
    MeetingPack.objects.filter(pk=lost.pk).update(
        status=MeetingPack.Status.RUNNING, started_at=long_ago, attempts=1
    )
    given_up = MeetingPack.objects.create(
        meeting=meeting,
        reader=expert,
        contents_hash="0" * 64,
        status=MeetingPack.Status.RUNNING,
        started_at=long_ago,
        attempts=pack.MAX_ATTEMPTS,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert pack.pack_requeue_stale() == [lost]
    lost.refresh_from_db()
    given_up.refresh_from_db()
    assert lost.status == MeetingPack.Status.SUCCEEDED and lost.attempts == 2
    assert given_up.status == MeetingPack.Status.FAILED
    assert given_up.error == f"Gave up after {pack.MAX_ATTEMPTS} attempts."
    schedule = settings.CELERY_BEAT_SCHEDULE["requeue-stale-jobs"]
    assert schedule["task"] == "portal.tasks.requeue_stale_jobs"
    assert schedule["schedule"] == settings.JOB_SWEEP_INTERVAL
    assert tasks.make_meeting_pack.max_retries == pack.MAX_ATTEMPTS - 1


def test_a_pack_asked_for_while_the_broker_is_down_stays_queued_for_the_sweep(
    meeting, expert, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.make_meeting_pack, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        queued = pack.pack_request(meeting, expert)
    queued.refresh_from_db()
    assert queued.status == MeetingPack.Status.QUEUED


# --- Queries --------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code in (200, 302)
    return len(queries)


def test_the_pack_pages_ask_the_same_few_queries_however_many_papers(client, meeting, expert, pdfs):
    client.force_login(expert)
    made = pack_for(expert, meeting)
    urls = [
        reverse("meeting_pack", args=[meeting.pk, made.pk]),
        reverse("meeting_pack_pdf", args=[meeting.pk, made.pk]),
    ]
    few = [count_queries(client, url) for url in urls]
    item = meeting.agenda_items.first()
    for n in range(8):
        add(meeting, f"Country paper {n}", PARTICIPANTS, pdfs["annex"], item=item)
        add(meeting, f"Loose paper {n}", PUBLIC, pdfs["annex"])
    more = pack_for(expert, meeting)
    urls = [
        reverse("meeting_pack", args=[meeting.pk, more.pk]),
        reverse("meeting_pack_pdf", args=[meeting.pk, more.pk]),
    ]
    many = [count_queries(client, url) for url in urls]
    assert many == few and max(many) <= 16


def test_a_rotated_page_keeps_its_number_readable(meeting, expert):
    reader = pypdf.PdfReader(io.BytesIO(paper_pdf("Turned paper text")))
    writer = pypdf.PdfWriter()
    writer.append(reader)
    writer.pages[0].rotate(90)
    turned = io.BytesIO()
    writer.write(turned)
    add(meeting, "Turned annex", PARTICIPANTS, turned.getvalue())
    made = pypdf.PdfReader(io.BytesIO(pack_for(expert, meeting).pdf.read()))
    page = next(p for p in made.pages if "Turned paper text" in p.extract_text())
    # The turn is now part of the page's content: the number reads upright on top of it.
    assert page.rotation == 0 and float(page.mediabox.width) > float(page.mediabox.height)
    assert re.search(rf"Page \d+ of {len(made.pages)}", page.extract_text())


def test_a_pack_whose_reader_may_no_longer_see_the_agenda_fails_with_the_reason(meeting, expert):
    requested = pack.pack_request(meeting, expert)
    agenda.agenda_unpublish(meeting)
    failed = pack.pack_run(requested.pk)
    assert failed.status == MeetingPack.Status.FAILED and not failed.pdf
    assert failed.error == "You may no longer see this meeting's agenda."


def test_the_meeting_page_leads_each_reader_to_their_own_latest_pack(
    client, meeting, group, django_capture_on_commit_callbacks
):
    reader, other = participant(group), participant(group)
    client.force_login(reader)
    made = request_pack(client, meeting, django_capture_on_commit_callbacks)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Your latest pack" in page and "Ready" in page
    assert reverse("meeting_pack", args=[meeting.pk, made.pk]) in page
    client.force_login(other)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "Your latest pack" not in page
    assert reverse("meeting_pack", args=[meeting.pk, made.pk]) not in page

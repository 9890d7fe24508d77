"""The meeting pack: one reader's PDF with the agenda and every paper they may read, in
agenda order, with bookmarks and page numbers running over the whole pack.

What goes in is decided by the reader's rights (``permissions.pack_access_levels``: the
papers they may read, as on the meeting page; ``permissions.can_see_speakers``: whether its
agenda names the speakers) at the moment the pack is made, and summed
up in a contents hash: asking again for unchanged contents gives the pack already made,
and a pack whose contents no longer match what its reader may read (a new paper version,
a lapsed clearance) is never handed out.

The job is a row that is the truth about it, claimed, retried and swept as every
background job is (portal/jobs.py, shared with the report renderings).
"""

import dataclasses
import datetime
import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pypdf
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from meetings import agenda, papers, pdf, selectors
from meetings.models import Document, DocumentVersion, Meeting, MeetingPack
from portal import jobs, links, permissions
from portal import pdf as printing

logger = logging.getLogger(__name__)

# A pack still not made after this many attempts is given up as failed; how long a job may
# wait or run before it counts as lost is settings.JOB_STALE_AFTER, as for renderings.
MAX_ATTEMPTS = jobs.MAX_ATTEMPTS
COVER_TEMPLATE = "meetings/pdf/pack.html"
STAMP_TEMPLATE = "meetings/pdf/pack_page_numbers.html"
# Laid over the agenda's own print styles: the pack numbers its pages itself, across all.
PAGES_STYLESHEET = "css/pack-pages.css"
NOT_INCLUDED = "could not be included; open it from its link"
MM = 72 / 25.4  # PDF points in a millimetre


# --- What goes in -------------------------------------------------------------------------


@dataclass(frozen=True)
class PackPaper:
    """The latest version of one paper the reader may read, as plain values."""

    document_id: int
    title: str
    access: str
    kind: str
    version: int
    sha256: str
    file_name: str
    is_pdf: bool
    link: str


@dataclass(frozen=True)
class PackSection:
    """The papers of one agenda item (``number`` is the item's), or of no item (None)."""

    number: int | None
    title: str
    papers: tuple[PackPaper, ...]


@dataclass(frozen=True)
class PackContents:
    meeting: Meeting
    scheduled: list[agenda.ScheduledItem]
    sections: list[PackSection]
    contents_hash: str

    @property
    def papers(self) -> list[PackPaper]:
        return [paper for section in self.sections for paper in section.papers]


def _paper(meeting: Meeting, document: Document) -> PackPaper | None:
    # The versions come prefetched; the latest is the one with the highest number.
    latest = max(document.versions.all(), key=lambda v: v.number, default=None)
    if latest is None:
        return None
    path = reverse("document_detail", args=[meeting.pk, document.pk])
    return PackPaper(
        document_id=document.pk,
        title=document.title,
        access=document.get_access_display(),
        kind=papers.kind_label(latest.content_type, latest.content_type),
        version=latest.number,
        sha256=latest.sha256,
        file_name=latest.file.name,
        is_pdf=latest.content_type == papers.PDF.content_type,
        link=links.absolute(path) or path,
    )


def _section(meeting, number, title, documents) -> PackSection:
    found = (_paper(meeting, document) for document in documents)
    return PackSection(number, title, tuple(paper for paper in found if paper is not None))


def pack_contents(meeting: Meeting, reader) -> PackContents | None:
    """The agenda as the reader sees it and, in agenda order (items by position, the papers
    of each item by title, then the papers of no item), the latest version of every paper
    they may read; None when they may not have a pack of this meeting."""
    levels = permissions.pack_access_levels(reader, meeting)
    if levels is None:
        return None
    # The pack leaves the portal with its reader: it names the speakers only if they may
    # see who speaks (the Chatham House Rule, in portal.permissions).
    scheduled = agenda.schedule(
        meeting,
        selectors.agenda_items(meeting, levels),
        speakers_named=permissions.can_see_speakers(reader, meeting),
    )
    loose = (
        meeting.documents.filter(access__in=levels, agenda_item__isnull=True)
        .prefetch_related(Prefetch("versions", DocumentVersion.objects.order_by("-number")))
        .order_by("title")
    )
    sections = [
        _section(meeting, entry.number, entry.item.title, entry.item.paper_list)
        for entry in scheduled
    ]
    sections.append(_section(meeting, None, "Other papers", loose))
    return PackContents(meeting, scheduled, sections, _contents_hash(meeting, scheduled, sections))


def _contents_hash(meeting, scheduled, sections) -> str:
    """sha256 over the agenda as shown and (document, version, sha256) of every paper."""
    shown = {
        "meeting": _agenda_facts(meeting),
        "agenda": [dataclasses.asdict(pdf.printed_item(entry)) for entry in scheduled],
        "papers": [
            [section.number, paper.document_id, paper.version, paper.sha256, paper.title]
            for section in sections
            for paper in section.papers
        ],
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True, default=str).encode()).hexdigest()


def _agenda_facts(meeting: Meeting) -> list:
    return [
        meeting.pk,
        meeting.title,
        meeting.get_kind_display(),
        meeting.get_status_display(),
        pdf.holder(meeting),
        meeting.starts_at.isoformat(),
        meeting.ends_at.isoformat(),
        meeting.time_zone,
        meeting.location,
        meeting.objectives,
        meeting.chatham_house,
        meeting.agenda_is_published,
    ]


def current_contents_hash(meeting: Meeting, reader) -> str | None:
    """What a pack for this reader would hold now; None when they may have none."""
    contents = pack_contents(meeting, reader)
    return contents.contents_hash if contents else None


def is_current(pack: MeetingPack) -> bool:
    """Whether the pack still holds exactly what its reader may read now: a pack made
    before a change (a new version, rights that lapsed or grew) is not handed out."""
    return pack.contents_hash == current_contents_hash(pack.meeting, pack.reader)


# --- The PDF ------------------------------------------------------------------------------


@dataclass
class _Included:
    paper: PackPaper
    reader: pypdf.PdfReader | None
    first_page: int = 0  # 1-based, in the whole pack

    @property
    def pages(self) -> int:
        return len(self.reader.pages) if self.reader else 0


def _open_paper(paper: PackPaper) -> pypdf.PdfReader | None:
    """The paper's PDF, checked by writing it out once; None when it cannot go in (missing,
    encrypted or broken), so that one bad paper never stops the pack."""
    try:
        with default_storage.open(paper.file_name, "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        return None
    reader = printing.appendable(data)
    if reader is None:
        logger.info("Paper %s could not go into a meeting pack.", paper.document_id)
    return reader


def _render(html: str):
    """WeasyPrint's pages of one part, fetching nothing but the static folder's files."""
    return printing.layout(html, stylesheets=(PAGES_STYLESHEET,))


def _agenda_part(contents: PackContents, printed_at):
    """The agenda as its own printable template shows it (the pack lays it out itself, to
    number its pages across the whole pack); and the page of each item."""
    document = _render(pdf.agenda_html(contents.meeting, contents.scheduled, printed_at))
    # Each item's heading is a level-3 bookmark of the agenda: where it sits is its page.
    item_pages = [
        index for index, page in enumerate(document.pages) for level, *_ in page.bookmarks
    ]
    return document, item_pages


def cover_html(contents: PackContents, reader_name, included, printed_at, agenda_page: int):
    """The HTML of the cover and the contents, naming the first page of every paper."""
    by_document = {entry.paper.document_id: entry for entry in included}
    sections = [
        {
            "number": section.number,
            "title": section.title,
            "papers": [(paper, by_document.get(paper.document_id)) for paper in section.papers],
        }
        for section in contents.sections
        if section.papers
    ]
    meeting = contents.meeting
    context = pdf.agenda_context(meeting, contents.scheduled, printed_at) | {
        "cover_block": {
            "kicker": "Meeting pack",
            "title": meeting.title,
            "subtitle": f"Prepared for {reader_name}",
            "facts": [
                ("Held by", pdf.holder(meeting)),
                ("Meeting", meeting.get_kind_display()),
                ("When", pdf.when(meeting)),
                ("Where", meeting.location or "to be announced"),
            ],
        },
        "reader_name": reader_name,
        "sections": sections,
        "agenda_page": agenda_page,
        "not_included": NOT_INCLUDED,
    }
    with timezone.override(meeting.zone):
        return render_to_string(COVER_TEMPLATE, context)


def _cover_part(contents: PackContents, reader_name, included, printed_at, agenda_page: int):
    """The cover and the contents laid out."""
    return _render(cover_html(contents, reader_name, included, printed_at, agenda_page))


def _stamp(writer: pypdf.PdfWriter) -> None:
    """Lay "Page n of N" over every page, whatever its size or rotation: each number is
    printed on a small sheet of its own (``pack-print.css``), then set in the page's
    bottom right corner."""
    pages = writer.pages
    html = render_to_string(STAMP_TEMPLATE, {"numbers": range(1, len(pages) + 1)})
    overlay = pypdf.PdfReader(io.BytesIO(printing.write(_render(html))))
    for page, stamp in zip(pages, overlay.pages, strict=True):
        if page.rotation:
            page.transfer_rotation_to_content()
        box = page.cropbox
        width, height = float(box.width), float(box.height)
        right, bottom = min(17 * MM, width * 0.08), min(11 * MM, height * 0.04)
        x = float(box.left) + width - right - float(stamp.mediabox.width)
        page.merge_transformed_page(
            stamp, pypdf.Transformation().translate(x, float(box.bottom) + bottom)
        )


def pack_pdf(
    contents: PackContents, reader_name: str, *, progress: Callable[[int], None] | None = None
) -> bytes:
    """The pack as PDF bytes: cover, contents, agenda, then every PDF paper, with bookmarks
    (the agenda, each item with its papers) and "Page n of N" on every page.

    ``progress`` hears the number of parts done: one per paper, then the front matter.
    """
    tell = progress or (lambda done: None)
    included = []
    for done, paper in enumerate(contents.papers, start=1):
        if paper.is_pdf:
            included.append(_Included(paper, _open_paper(paper)))
        tell(done)
    printed_at = timezone.now().astimezone(contents.meeting.zone)
    readable = [entry for entry in included if entry.reader is not None]
    agenda_part, item_pages = _agenda_part(contents, printed_at)
    # The contents page names each paper's first page: render it until its length holds.
    cover_pages = 2
    for _ in range(3):
        page = cover_pages + len(agenda_part.pages) + 1
        for entry in readable:
            entry.first_page = page
            page += entry.pages
        cover = _cover_part(contents, reader_name, included, printed_at, cover_pages + 1)
        if len(cover.pages) == cover_pages:
            break
        cover_pages = len(cover.pages)
    cover_pages = len(cover.pages)
    front = cover.copy(cover.pages + agenda_part.pages)
    writer = pypdf.PdfWriter()
    writer.append(pypdf.PdfReader(io.BytesIO(printing.write(front))), import_outline=False)
    for entry in readable:
        writer.append(entry.reader, import_outline=False)
    tell(len(contents.papers) + 1)
    _stamp(writer)
    _outline(writer, contents, readable, cover_pages, item_pages)
    meeting = contents.meeting
    writer.add_metadata(
        {
            "/Title": f"Meeting pack: {meeting.title}",
            "/Author": "Bali Process Regional Support Office",
            "/Subject": f"Prepared for {reader_name}",
        }
    )
    writer.page_mode = "/UseOutlines"
    # The parts' own structure does not survive the merge; their language is declared again.
    writer.root_object[pypdf.generic.NameObject("/Lang")] = pypdf.generic.TextStringObject("en")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _outline(writer, contents: PackContents, readable, agenda_start: int, item_pages) -> None:
    """Bookmarks: Contents, Agenda, then each agenda item with its papers, then the papers
    of no item. A paper that is not in the pack points at the contents page."""
    first_pages = {entry.paper.document_id: entry.first_page - 1 for entry in readable}
    writer.add_outline_item(title="Contents", page_number=1 if agenda_start > 1 else 0)
    writer.add_outline_item(title="Agenda", page_number=agenda_start)
    numbered = iter(item_pages)
    for section in contents.sections:
        if section.number is None:
            if not section.papers:
                continue
            where, title = agenda_start, section.title
        else:
            where = agenda_start + next(numbered, 0)
            title = f"{section.number}. {section.title}"
        parent = writer.add_outline_item(title=title, page_number=where)
        for paper in section.papers:
            writer.add_outline_item(
                title=paper.title, page_number=first_pages.get(paper.document_id, 1), parent=parent
            )


# --- The job ------------------------------------------------------------------------------


class NoLongerReadable(Exception):
    """The reader may no longer have a pack of this meeting (their rights changed)."""


def _reusable(meeting: Meeting, reader, contents_hash: str) -> MeetingPack | None:
    return (
        MeetingPack.objects.filter(
            meeting=meeting,
            reader=reader,
            contents_hash=contents_hash,
            status__in=[
                MeetingPack.Status.QUEUED,
                MeetingPack.Status.RUNNING,
                MeetingPack.Status.SUCCEEDED,
            ],
        )
        .order_by("-queued_at", "-pk")
        .first()
    )


def pack_request(meeting: Meeting, reader) -> MeetingPack:
    """The reader's pack of the meeting as it stands: the one already queued, being made or
    ready for the same contents, else a new one, sent to a worker after commit."""
    contents = pack_contents(meeting, reader)
    if contents is None:
        raise ValidationError("The meeting pack follows once the agenda is published.")
    with transaction.atomic():
        # One reader asking twice at once gets one pack: their row is the lock.
        get_user_model().objects.select_for_update().filter(pk=reader.pk).first()
        pack = _reusable(meeting, reader, contents.contents_hash)
        if pack is None:
            pack = MeetingPack.objects.create(
                meeting=meeting,
                reader=reader,
                contents_hash=contents.contents_hash,
                parts_total=len(contents.papers) + 1,
            )
            _send_to_worker(pack.pk)
    pack.meeting = meeting
    return pack


def _pack_task():
    from meetings import tasks

    return tasks.make_meeting_pack


PACKS = jobs.Jobs(
    MeetingPack, task=_pack_task, what="Meeting pack", related=("meeting__group", "reader")
)
_send_to_worker = PACKS.send_after_commit
_holding = PACKS.holding


def _claim(pack_id: int) -> MeetingPack | None:
    """The pack, now being made under this attempt, or None when it is not queued."""
    return PACKS.claim(pack_id, parts_done=0)


def _file_name(pack: MeetingPack) -> str:
    stem = slugify(pack.meeting.title)[:80] or f"meeting-{pack.meeting_id}"
    return f"{stem}-pack-{pack.pk}-attempt{pack.attempts}.pdf"


def pack_run(pack_id: int) -> MeetingPack | None:
    """Make a pack's PDF; a pack already being made, ready, failed or deleted is left alone.

    The parts done are written as they are done, so the reader's page shows the progress.
    A transient error (OSError) puts the pack back in the queue and is raised again so the
    task retries it, until the last attempt, which fails the pack.
    """
    pack = _claim(pack_id)
    if pack is None:
        return MeetingPack.objects.filter(pk=pack_id).first()
    try:
        contents = pack_contents(pack.meeting, pack.reader)
        if contents is None:
            raise NoLongerReadable("You may no longer see this meeting's agenda.")
        total = len(contents.papers) + 1
        _holding(pack).update(parts_total=total, contents_hash=contents.contents_hash)

        def progress(done: int) -> None:
            _holding(pack).update(parts_done=done)

        # Put together in a child process under the printing limits (portal/pdf.py).
        data = printing.in_child(
            pack_pdf, contents, pack.reader.get_full_name() or str(pack.reader), progress=progress
        )
        pack.pdf.save(_file_name(pack), ContentFile(data), save=False)
    except Exception as error:
        return _pack_failed(pack, error)
    finished = _holding(pack).update(
        status=MeetingPack.Status.SUCCEEDED,
        pdf=pack.pdf.name,
        parts_done=total,
        finished_at=timezone.now(),
        error="",
    )
    if not finished:
        # The sweep gave this run up for dead and another one owns the pack now.
        pack.pdf.delete(save=False)
    else:
        _remove_earlier_files(pack)
    return MeetingPack.objects.get(pk=pack.pk)


def _remove_earlier_files(pack: MeetingPack) -> None:
    """The reader's earlier packs of the meeting are out of date once a new one is ready:
    their files go (the rows stay, as the record of the jobs), so that no copy made under
    other rights or of older papers lingers in storage."""
    earlier = MeetingPack.objects.filter(
        meeting=pack.meeting_id, reader=pack.reader_id, queued_at__lte=pack.queued_at
    ).exclude(Q(pk=pack.pk) | Q(pdf=""))
    for old in earlier:
        old.pdf.delete(save=False)
        MeetingPack.objects.filter(pk=old.pk).update(pdf="")


def _pack_failed(pack: MeetingPack, error: Exception) -> MeetingPack:
    """Record why the pack could not be made; a passing error is queued again and re-raised."""
    known = isinstance(error, (NoLongerReadable, printing.PrintingFailed))
    return PACKS.failed(pack, error, reason=str(error) if known else None)


def pack_requeue_stale(
    now: datetime.datetime | None = None, *, broker_idle: bool = True
) -> list[MeetingPack]:
    """Send again to a worker the packs queued or being made too long (a lost message, a
    dead worker); give up on those that have had every attempt (the rule of every job, in
    portal/jobs.py)."""
    return PACKS.requeue_stale(now, broker_idle=broker_idle)

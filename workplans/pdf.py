"""The printed work plan: the plan as a document (title block, background, objectives, the
regional priorities it serves, the table of actions, its attachments), then every PDF
attachment appended after its pages.

Reading and printing are apart: ``plan_document`` reads the plan, its actions (as
``ActionFacts``) and its attachments' files; ``plan_pdf`` turns that into PDF bytes
without a query. An attachment that cannot be read as a PDF is listed as not appended,
and the document is made all the same.
"""

import io
import logging
import re
from dataclasses import dataclass, field

import pypdf
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone

from meetings import papers
from portal import pdf
from workplans import selectors
from workplans.models import Attachment, WorkPlan
from workplans.projection import ActionFacts, action_facts

logger = logging.getLogger(__name__)

TEMPLATE = "workplans/pdf/plan.html"
AUTHOR = "Bali Process Regional Support Office"
APPENDED = "appended below"
NOT_APPENDED = "could not be appended; download it from the plan's page in the portal"
LISTED_ONLY = "not appended (not a PDF); download it from the plan's page in the portal"
# The contents name the first page of each appended attachment: laid out again until the
# plan's own pages stop changing in number (once, nearly always).
MAX_LAYOUTS = 3


@dataclass(frozen=True)
class PrintedAttachment:
    """One attachment as the document lists it; ``data`` is the file of a PDF, read when
    the document was loaded (None when the file is missing)."""

    label: str
    title: str
    action_number: int | None
    kind: str
    size: str
    is_pdf: bool
    data: bytes | None = None
    # The stored file's name, by which a PDF not read with the document is read to print.
    file_name: str = ""


@dataclass(frozen=True)
class PlanDocument:
    """Everything the printed plan shows, as plain values: printing it runs no query."""

    group_name: str
    group_short_name: str
    title: str
    period: str
    status: str
    status_word: str
    adopted_at: str
    background: list[str]
    objectives: list[tuple[int, str]]
    # The regional priorities the plan serves and those its actions name, by numeral.
    priorities: list[tuple[str, str]]
    actions: list[ActionFacts]
    attachments: list[PrintedAttachment] = field(default_factory=list)

    @property
    def is_draft(self) -> bool:
        return self.status == WorkPlan.Status.DRAFT


def paragraphs(text: str) -> list[str]:
    """A text's paragraphs, split at blank lines."""
    return [part.strip() for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _read(name: str) -> bytes | None:
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read()
    except (FileNotFoundError, ValueError):
        return None


def printed_attachment(attachment: Attachment, *, read_file: bool = True) -> PrintedAttachment:
    """The attachment as the document lists it, with its file read when it is a PDF (or
    read when printed, without ``read_file``)."""
    return PrintedAttachment(
        label=attachment.label,
        title=attachment.title,
        action_number=attachment.action.number if attachment.action_id else None,
        kind=papers.kind_label(attachment.content_type),
        size=filesizeformat(attachment.size).replace("\xa0", " "),
        is_pdf=attachment.is_pdf,
        data=_read(attachment.file.name) if attachment.is_pdf and read_file else None,
        file_name=attachment.file.name,
    )


def _adopted_at(plan: WorkPlan) -> str:
    meeting = plan.adopted_at
    if meeting is None:
        return ""
    day = meeting.starts_at.astimezone(meeting.zone)
    return f"{meeting.title}, {day:%-d %B %Y}"


def plan_document(plan: WorkPlan, *, read_files: bool = True) -> PlanDocument:
    """The plan as its printed document shows it, read in a fixed number of queries; its
    PDF attachments' files are read too, or when printed without ``read_files``."""
    actions = list(selectors.actions_for_plan(plan))
    priorities = {p.numeral: p for p in plan.priorities.all()}
    for action in actions:
        priorities.update({p.numeral: p for p in action.priorities.all()})
    attachments = plan.attachments.select_related("action").order_by("label", "pk")
    return PlanDocument(
        group_name=plan.group.name,
        group_short_name=plan.group.short_name,
        title=plan.title,
        period=plan.period,
        status=plan.status,
        status_word=plan.get_status_display(),
        adopted_at=_adopted_at(plan),
        background=paragraphs(plan.background),
        objectives=[(o.number, o.text) for o in plan.objectives.order_by("number")],
        priorities=[
            (p.numeral, p.text) for p in sorted(priorities.values(), key=lambda p: p.order)
        ],
        actions=[action_facts(action) for action in actions],
        attachments=[printed_attachment(a, read_file=read_files) for a in attachments],
    )


def _reader(attachment: PrintedAttachment) -> pypdf.PdfReader | None:
    """The attachment's pages, or None when they cannot be read (broken, encrypted, empty),
    so that one bad file never stops the document."""
    data = attachment.data
    if data is None and attachment.is_pdf and attachment.file_name:
        data = _read(attachment.file_name)
    if not attachment.is_pdf or data is None:
        return None
    reader = pdf.appendable(data)
    if reader is None:
        logger.info("%s could not be appended to a work plan.", attachment.label)
    return reader


@dataclass
class _Listed:
    attachment: PrintedAttachment
    reader: pypdf.PdfReader | None
    first_page: int | None = None

    @property
    def where(self) -> str:
        if not self.attachment.is_pdf:
            return LISTED_ONLY
        if self.reader is None:
            return NOT_APPENDED
        return f"{APPENDED}, from page {self.first_page}" if self.first_page else APPENDED


def _context(document: PlanDocument, listed: list[_Listed], printed_at) -> dict:
    by_action: dict[int, list[str]] = {}
    for entry in listed:
        if entry.attachment.action_number is not None:
            by_action.setdefault(entry.attachment.action_number, []).append(entry.attachment.label)
    facts = [
        ("Period", document.period),
        ("Status", document.status_word),
    ]
    if document.adopted_at:
        facts.append(("Adopted at", document.adopted_at))
    facts.append(("Actions", str(len(document.actions))))
    notice = (
        "Draft: this work plan has not been adopted and may still change."
        if document.is_draft
        else ""
    )
    return {
        "document": document,
        "block": {
            "kicker": document.group_name,
            "title": document.title,
            "subtitle": "",
            "facts": facts,
            "notice": notice,
        },
        "rows": [(action, by_action.get(action.number, [])) for action in document.actions],
        "listed": listed,
        "printed_at": printed_at,
    }


def plan_html(document: PlanDocument, printed_at=None) -> str:
    """The plan's own pages as HTML, as printed (its attachments listed, not appended)."""
    listed = [_Listed(a, None) for a in document.attachments]
    return render_to_string(TEMPLATE, _context(document, listed, timezone.localtime(printed_at)))


def _layout(document: PlanDocument, listed: list[_Listed], printed_at):
    html = render_to_string(TEMPLATE, _context(document, listed, printed_at))
    return pdf.layout(html)


def plan_pdf(document: PlanDocument, printed_at=None) -> bytes:
    """The plan on A4, tagged, with every readable PDF attachment appended after it."""
    printed_at = timezone.localtime(printed_at)
    listed = [_Listed(a, _reader(a)) for a in document.attachments]
    appended = [entry for entry in listed if entry.reader is not None]
    laid_out = _layout(document, listed, printed_at)
    for _ in range(MAX_LAYOUTS if appended else 0):
        page = len(laid_out.pages) + 1
        for entry in appended:
            entry.first_page, page = page, page + len(entry.reader.pages)
        again = _layout(document, listed, printed_at)
        stable = len(again.pages) == len(laid_out.pages)
        laid_out = again
        if stable:
            break
    own = pdf.write(laid_out)
    if not appended:
        return own
    # The plan's pages keep their tags, language and bookmarks; the attachments follow.
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(own)))
    for entry in appended:
        start = len(writer.pages)
        writer.append(entry.reader, import_outline=False)
        writer.add_outline_item(
            title=f"{entry.attachment.label}: {entry.attachment.title}", page_number=start
        )
    writer.add_metadata({"/Title": f"{document.group_short_name} {document.title}"})
    writer.add_metadata({"/Author": AUTHOR})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plan_printable(plan: WorkPlan):
    """The printed plan, read in full (its attachments' files when printed), ready to print."""
    from portal.printing import services as printing

    document = plan_document(plan, read_files=False)
    kind = printing.Kind.WORK_PLAN
    # A stored file's name is never reused: a replaced attachment is a new name.
    files = "\n".join(a.file_name for a in document.attachments)
    return printing.Printable(
        kind=kind,
        subject_id=plan.pk,
        variant="",
        contents_hash=printing.contents_hash(kind, plan_html(document, printing.HASHED_AT), files),
        file_name=f"{plan.group.slug}-{plan.slug}.pdf",
        make=lambda printed_at: plan_pdf(document, printed_at),
    )

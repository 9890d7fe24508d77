"""Printed documents: asked for by a request, made by a worker, kept while they stand.

An agenda, a list of participants or a work plan is never laid out in the request that
asks for it. The request reads what the reader may see of the document (a ``Printable``,
whose hash covers everything it shows) and is given the printing of exactly that content:
the one already made, the one being made, or a new one sent to a worker. Everyone who
may see the same content shares one printing, so a hundred requests make one PDF, and
the file of an earlier printing goes once a newer one of the same document is ready.

The worker reads the document again from the database and lays it out in a child process
under the printing limits (``portal.pdf.in_child``). The printed-at stamp is the time the
printing was asked for, so the same content always prints to the same bytes.
"""

import datetime
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from portal import jobs, pdf
from portal.printing.models import PrintedDocument

logger = logging.getLogger(__name__)

Kind = PrintedDocument.Kind
Status = PrintedDocument.Status
WORKING = (Status.QUEUED, Status.RUNNING)
# The printed-at stamp a document's content is hashed with: the real stamp is left out of
# the hash, so that the same content asked for twice is one printing.
HASHED_AT = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

# Each kind of document: the model it prints and the function that reads it, given the
# subject and the variant's values, into a Printable.
DOCUMENTS = {
    Kind.AGENDA: ("meetings.Meeting", "meetings.pdf.agenda_printable"),
    Kind.PARTICIPANTS: ("meetings.Meeting", "meetings.participants.participants_printable"),
    Kind.WORK_PLAN: ("workplans.WorkPlan", "workplans.pdf.plan_printable"),
}


class NoLongerPrintable(Exception):
    """The document asked for no longer exists."""


@dataclass(frozen=True)
class Printable:
    """A document read in full, ready to print: ``make(printed_at)`` gives its PDF bytes
    without touching the database (it runs in the printing child process)."""

    kind: str
    subject_id: int
    variant: str
    contents_hash: str
    file_name: str
    make: Callable[[datetime.datetime], bytes]


def variant_of(values: dict) -> str:
    """The variant's values as the canonical JSON kept with a printing."""
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


@cache
def _stylesheets_digest() -> str:
    """The print stylesheets as they are: a changed stylesheet is new content."""
    digest = hashlib.sha256()
    for path in sorted(pdf.static_folder().joinpath("css").glob("*print*.css")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def contents_hash(kind: str, *parts: str | bytes) -> str:
    """The hash of everything a document shows: its kind, what it is made of (its HTML as
    printed at HASHED_AT, the files appended to it) and the print styles. Readers whose
    rights differ but who would be shown the same document share its printing."""
    digest = hashlib.sha256()
    for part in (kind, _stylesheets_digest(), *parts):
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def printable(kind: str, subject, **variant) -> Printable:
    """The document of this kind about ``subject`` (a meeting, a plan) with these values."""
    return import_string(DOCUMENTS[kind][1])(subject, **variant)


def _printable_of(document: PrintedDocument) -> Printable:
    """What a printing prints, read again from the database for the worker."""
    label, _ = DOCUMENTS[document.kind]
    subject = apps.get_model(label).objects.filter(pk=document.subject_id).first()
    if subject is None:
        raise NoLongerPrintable("The document no longer exists.")
    return printable(document.kind, subject, **json.loads(document.variant or "{}"))


def _task():
    from portal.printing import tasks

    return tasks.print_document


PRINTINGS = jobs.Jobs(PrintedDocument, task=_task, what="Printing")


def ready(contents_hash: str) -> PrintedDocument | None:
    """The printing of exactly this content whose file is there, if any."""
    return (
        PrintedDocument.objects.filter(contents_hash=contents_hash, status=Status.SUCCEEDED)
        .exclude(pdf="")
        .first()
    )


def printing_request(document: Printable, by=None, *, again: bool = False) -> PrintedDocument:
    """The printing of the document as it stands: the ready one, the one being made, the
    latest failed one (unless ``again``), else a new one sent to a worker."""
    found = PrintedDocument.objects.filter(contents_hash=document.contents_hash).first()
    if found is not None and found.status == Status.SUCCEEDED and not found.pdf:
        found = ready(document.contents_hash)
    if found is None or (found.status == Status.FAILED and again):
        try:
            with transaction.atomic():
                found = PrintedDocument.objects.create(
                    kind=document.kind,
                    subject_id=document.subject_id,
                    variant=document.variant,
                    contents_hash=document.contents_hash,
                    requested_by=by if by is not None and by.is_authenticated else None,
                )
        except IntegrityError:
            # Someone asked for the same content at the same moment: theirs is ours.
            found = PrintedDocument.objects.get(
                contents_hash=document.contents_hash, status__in=WORKING
            )
        else:
            if not settings.CELERY_TASK_ALWAYS_EAGER:
                PRINTINGS.send_after_commit(found.pk)
    if settings.CELERY_TASK_ALWAYS_EAGER and found.status == Status.QUEUED:
        # Without a broker jobs run in-process; the child process still bounds the work.
        found = _run_in_process(found)
    return found


def _run_in_process(document: PrintedDocument) -> PrintedDocument:
    try:
        return printing_run(document.pk) or document
    except OSError:
        logger.warning("Printing %s stays queued after a passing error.", document.pk)
        return PrintedDocument.objects.get(pk=document.pk)


def printing_run(document_id: int) -> PrintedDocument | None:
    """Print a queued document; one already being printed, ready, failed or gone is left
    alone. A passing error (OSError) queues it again and is raised again, so the task
    retries it, until the last attempt, which fails it."""
    document = PRINTINGS.claim(document_id)
    if document is None:
        return PrintedDocument.objects.filter(pk=document_id).first()
    try:
        source = _printable_of(document)
        data = pdf.in_child(source.make, timezone.localtime(document.queued_at))
        name = f"{source.file_name.removesuffix('.pdf')}-{document.pk}-{document.attempts}.pdf"
        document.pdf.save(name, ContentFile(data), save=False)
    except (pdf.PrintingFailed, NoLongerPrintable) as error:
        return PRINTINGS.failed(document, error, reason=str(error))
    except Exception as error:
        return PRINTINGS.failed(document, error)
    finished = PRINTINGS.holding(document).update(
        status=Status.SUCCEEDED,
        pdf=document.pdf.name,
        # The content as printed, should it have changed since the printing was asked for.
        contents_hash=source.contents_hash,
        finished_at=timezone.now(),
        error="",
    )
    if not finished:
        # The sweep gave this run up for dead and another one owns the printing now.
        document.pdf.delete(save=False)
        return PrintedDocument.objects.get(pk=document.pk)
    _remove_earlier_files(document)
    return PrintedDocument.objects.get(pk=document.pk)


def _remove_earlier_files(document: PrintedDocument) -> None:
    """The files of earlier printings of the same document go once this one is ready (their
    rows stay, as the record of the jobs): no copy of content since changed lingers."""
    earlier = PrintedDocument.objects.filter(
        kind=document.kind,
        subject_id=document.subject_id,
        variant=document.variant,
        queued_at__lte=document.queued_at,
    ).exclude(Q(pk=document.pk) | Q(pdf=""))
    for old in earlier:
        old.pdf.delete(save=False)
        PrintedDocument.objects.filter(pk=old.pk).update(pdf="")


def printing_requeue_stale(
    now: datetime.datetime | None = None, *, broker_idle: bool = True
) -> list[PrintedDocument]:
    """Send again to a worker the printings queued or running too long (the rule of every
    job, in portal/jobs.py)."""
    return PRINTINGS.requeue_stale(now, broker_idle=broker_idle)

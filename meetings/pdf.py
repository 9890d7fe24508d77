"""The printable agenda: a meeting's agenda turned into PDF bytes with WeasyPrint."""

import datetime
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from meetings import agenda, selectors
from meetings.models import Meeting
from portal import permissions

TEMPLATE = "meetings/pdf/agenda.html"


class ResourceRefused(ValueError):
    """The PDF asked for something other than a file of the project's static folder."""


def static_folder() -> Path:
    return Path(settings.STATICFILES_DIRS[0]).resolve()


class StaticFilesOnly(URLFetcher):
    """Serves files of the static folder and refuses everything else: no network, no other file.

    A refusal stops the rendering (``fail_on_errors``), so a PDF never goes out with a
    silently missing stylesheet or with anything fetched from elsewhere.
    """

    def __init__(self, folder: Path | None = None):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        self.folder = (folder or static_folder()).resolve()

    def fetch(self, url, headers=None):
        path = self.path_for(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path2url(path), path.read_bytes(), {"Content-Type": content_type})

    def path_for(self, url: str) -> Path:
        """The file of the static folder that the URL names, or ResourceRefused."""
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ResourceRefused(f"Only files of the static folder are served, not {url!r}.")
        if parts.query or parts.fragment:
            raise ResourceRefused(f"A static file is named without query or fragment: {url!r}.")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.folder) or not path.is_file():
            raise ResourceRefused(f"{url!r} is not a file of the static folder.")
        return path


@dataclass(frozen=True)
class PrintedItem:
    """One agenda item as printed: plain values only, so the template never queries."""

    number: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    minutes: int
    title: str
    description: str
    speakers: list[str]
    papers: list[str]


def printable_agenda(user, meeting: Meeting) -> list[agenda.ScheduledItem]:
    """The scheduled agenda with the papers this person may open and the speakers loaded."""
    items = selectors.agenda_items(meeting, permissions.readable_access_levels(user, meeting))
    prefetch_related_objects([s for item in items for s in item.speaker_list], "person")
    return agenda.schedule(meeting, items)


def _printed(entry: agenda.ScheduledItem) -> PrintedItem:
    item = entry.item
    return PrintedItem(
        number=entry.number,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        minutes=item.duration_minutes,
        title=item.title,
        description=item.description,
        speakers=[
            f"{s.display_name} ({s.affiliation})" if s.affiliation else s.display_name
            for s in item.speaker_list
        ],
        papers=[paper.title for paper in item.paper_list],
    )


def agenda_pdf(meeting: Meeting, *, scheduled_items: list[agenda.ScheduledItem]) -> bytes:
    """The agenda on A4, numbered items with times, speakers and papers, page X of Y."""
    zone = meeting.zone
    context = {
        "meeting": meeting,
        "holder": meeting.group.name if meeting.group_id else meeting.get_body_display(),
        "starts_at": meeting.starts_at.astimezone(zone),
        "ends_at": meeting.ends_at.astimezone(zone),
        "location": meeting.location,
        "is_draft": not meeting.agenda_is_published,
        "items": [_printed(entry) for entry in scheduled_items],
        "printed_at": timezone.now().astimezone(zone),
    }
    # Template filters show aware times in the active zone: make it the meeting's own.
    with timezone.override(zone):
        html = render_to_string(TEMPLATE, context)
    fetcher = StaticFilesOnly()
    # The stylesheet's relative address resolves against the static folder, through the fetcher.
    return HTML(string=html, base_url=path2url(fetcher.folder), url_fetcher=fetcher).write_pdf()

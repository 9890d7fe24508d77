"""Every printed document of the portal is made here: HTML in, an A4 PDF out.

One URL fetcher serves the files of the project's static folder and refuses everything
else, and one function turns a document's HTML into PDF bytes, tagged for accessibility
(PDF/UA-1), so the agenda, the list of participants, the meeting pack, the work plan, the
reports and the brief are all made the same way. Their look is ``static/css/print-base.css``
and the components under ``templates/print/``.
"""

import io
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pypdf
from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

logger = logging.getLogger(__name__)

# Tagged PDF for screen readers: the structure, the language and the title are kept.
PDF_VARIANT = "pdf/ua-1"
AUTHOR = "Regional Support Office"


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


def layout(html: str, *, stylesheets: tuple[str, ...] = ()):
    """The document laid out on its pages (a WeasyPrint Document), to count or merge its
    pages before writing. Relative addresses (``css/print-base.css``) resolve against the
    static folder, through the fetcher; ``stylesheets`` are further files of that folder."""
    fetcher = StaticFilesOnly()
    extra = [CSS(filename=str(fetcher.folder / name), url_fetcher=fetcher) for name in stylesheets]
    document = HTML(string=html, base_url=path2url(fetcher.folder), url_fetcher=fetcher)
    return document.render(stylesheets=extra, pdf_tags=True)


def write(document) -> bytes:
    """A laid-out document (or pages copied from several) as tagged PDF bytes."""
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)


def html_to_pdf(html: str, *, stylesheets: tuple[str, ...] = ()) -> bytes:
    """The document's HTML as an A4 PDF, tagged (PDF/UA-1), fetching only static files."""
    return write(layout(html, stylesheets=stylesheets))


def appendable(data: bytes) -> pypdf.PdfReader | None:
    """An uploaded PDF's pages, ready to append to a printed document; None when they
    cannot be (broken, encrypted, empty). Copied once here, so that a file that breaks
    while being copied breaks here and one bad file never stops the document."""
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted or not reader.pages:
            return None
        checked = io.BytesIO()
        writer = pypdf.PdfWriter()
        writer.append(reader, import_outline=False)
        writer.write(checked)
        checked.seek(0)
        return pypdf.PdfReader(checked)
    except Exception as error:
        logger.info("A PDF could not be appended to a printed document: %r", error)
        return None

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
import os
import select
import signal
import time
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


# --- Printing in a child process -----------------------------------------------------------
#
# A document is laid out in a child process forked for it, under a time limit and a memory
# ceiling (settings.PRINT_TIME_LIMIT, PRINT_MEMORY_LIMIT_MB), so that no document, however
# large, can take the worker or web process that asked for it down with it. Everything the
# document shows is read before the fork: the child may not use the database, whose
# connection it shares with its parent.


class PrintingFailed(Exception):
    """The document could not be printed; the message says why, in the reader's words."""


class PrintingTooSlow(PrintingFailed):
    pass


class PrintingTooLarge(PrintingFailed):
    pass


class _DatabaseRefused(RuntimeError):
    pass


_OK, _ERROR, _PASSING, _MEMORY = b"0", b"1", b"2", b"3"


def _refuse_queries(execute, sql, params, many, context):
    raise _DatabaseRefused(
        "A document read the database while being printed: read everything it shows first."
    )


def _virtual_size() -> int:
    """This process's address space now, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _own_memory(pid: int) -> int:
    """The memory a child holds of its own, in bytes: the pages it no longer shares with
    its parent (written since the fork) and those it added; 0 once it is gone. Pages of
    the parent's heap that the child reuses count here, though they make its address
    space no larger."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return 1024 * sum(
                int(line.split()[1])
                for line in rollup
                if line.startswith(("Private_Clean:", "Private_Dirty:"))
            )
    except (OSError, IndexError, ValueError):
        return 0


# How often the parent looks at the memory its printing child holds, in seconds.
_WATCH_EVERY = 0.1


def _child(write_end: int, progress_end: int | None, function, args, kwargs, memory: int):
    """Runs in the forked child: the ceiling, the document, its bytes or its error."""
    import resource
    import sys

    from django.db import connections

    # Whatever fails to be freed while out of memory is not worth a word on the worker's log.
    sys.unraisablehook = lambda unraisable: None
    status, payload = _ERROR, b""
    try:
        for connection in connections.all(initialized_only=True):
            connection.execute_wrappers.append(_refuse_queries)
        if progress_end is not None:
            # The parts done, told to the parent, which records them (the child may not).
            kwargs = kwargs | {"progress": lambda done: os.write(progress_end, b"%d\n" % done)}
        ceiling = _virtual_size() + memory
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        payload = function(*args, **kwargs)
        if not isinstance(payload, bytes):
            raise TypeError("A printed document is bytes.")
        status = _OK
    except MemoryError:
        status, payload = _MEMORY, b""
    except OSError as error:
        status, payload = _PASSING, str(error).encode()
    except BaseException as error:
        payload = f"{type(error).__name__}: {error}".encode()
        if isinstance(error, _DatabaseRefused):
            import traceback

            logger.error("Printing read the database:\n%s", traceback.format_exc())
    try:
        with os.fdopen(write_end, "wb") as out:
            out.write(status)
            out.write(payload)
    finally:
        os._exit(0 if status == _OK else 1)


def in_child(function, *args, progress=None, **kwargs) -> bytes:
    """``function(*args, **kwargs)``, which makes a document's PDF bytes, run in a child
    process within settings.PRINT_TIME_LIMIT seconds and PRINT_MEMORY_LIMIT_MB megabytes
    more than its parent's; PrintingTooSlow or PrintingTooLarge when it needs more.

    With ``progress``, the function is given a ``progress`` of its own, and each number it
    tells reaches ``progress`` here, in the parent. A passing error in the child (OSError)
    is raised as one, so that the job retries it.
    """
    limit = float(settings.PRINT_TIME_LIMIT)
    memory_mb = settings.PRINT_MEMORY_LIMIT_MB
    # The child's address space is capped (in the child) at its parent's and memory_mb
    # more; but free room in the parent's heap does not count there, so the parent also
    # watches the memory the child holds of its own.
    ceiling = memory_mb * 1024 * 1024
    read_end, write_end = os.pipe()
    told, tell = os.pipe() if progress is not None else (None, None)
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        if told is not None:
            os.close(told)
        _child(write_end, tell, function, args, kwargs, memory_mb * 1024 * 1024)
    os.close(write_end)
    if tell is not None:
        os.close(tell)
    received, heard = bytearray(), bytearray()
    listening = [read_end] + ([told] if told is not None else [])
    deadline = time.monotonic() + limit
    ended = False
    try:
        while read_end in listening:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PrintingTooSlow(
                    f"Printing took longer than the {limit:g} second{'' if limit == 1 else 's'}"
                    " allowed; "
                    "the document is too long to print."
                )
            ready, _, _ = select.select(listening, [], [], min(left, _WATCH_EVERY))
            if _own_memory(pid) > ceiling:
                raise PrintingTooLarge(_too_large(memory_mb))
            for end in ready:
                chunk = os.read(end, 1 << 20)
                if not chunk:
                    listening.remove(end)
                elif end == read_end:
                    received += chunk
                else:
                    heard += chunk
                    *lines, heard = heard.split(b"\n")
                    for line in lines:
                        progress(int(line))
        _, code = os.waitpid(pid, 0)
        ended = True
    finally:
        os.close(read_end)
        if told is not None:
            os.close(told)
        if not ended:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    status, payload = bytes(received[:1]), bytes(received[1:])
    if status == _OK and os.WIFEXITED(code) and os.WEXITSTATUS(code) == 0:
        return payload
    if status == _MEMORY or not status:
        # No answer at all: the child was killed (by the kernel, out of memory) or crashed
        # (a library that could not allocate what it needed).
        how = "" if status else f" (the printing process ended with {_ended_how(code)})"
        raise PrintingTooLarge(_too_large(memory_mb, how))
    message = payload.decode(errors="replace")
    if status == _PASSING:
        raise OSError(message)
    raise PrintingFailed(message)


def _too_large(memory_mb: int, how: str = "") -> str:
    return (
        f"Printing needed more than the {memory_mb} MB of memory allowed{how}; "
        "the document is too large to print."
    )


def _ended_how(code: int) -> str:
    if os.WIFSIGNALED(code):
        return signal.Signals(os.WTERMSIG(code)).name
    return f"exit status {os.WEXITSTATUS(code)}"

"""Serving a printed document: its PDF once printed, until then a page that waits for it.

The document's own view decides who may read it and what they see (a ``Printable``);
``deliver`` answers with the printing of that content. A reader who waits sees the state
change without reloading (static/js/printed-document.js), and after a failure the reason
and a button to try again.
"""

from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from portal.audit import services as audit
from portal.printing import services
from portal.printing.models import PrintedDocument

Status = PrintedDocument.Status
# The methods of a printed document's address: reading it, and asking again after a failure.
METHODS = ["GET", "HEAD", "POST"]


def _state(document: PrintedDocument) -> dict:
    texts = {
        Status.QUEUED: "Queued: the PDF will follow in a moment.",
        Status.RUNNING: "Being printed: the PDF will follow in a moment.",
        Status.SUCCEEDED: "Ready.",
        Status.FAILED: "The PDF could not be printed.",
    }
    return {
        "status": document.status,
        "text": texts[document.status],
        "working": document.status in services.WORKING,
        "error": document.error if document.status == Status.FAILED else "",
    }


def deliver(request, printable: services.Printable, *, title: str, back_url: str, logged):
    """The response to a request for a printed document. ``logged`` is (subject, kind,
    group) for the access log, written each time the file itself is served."""
    if request.method == "POST":
        services.printing_request(printable, request.user, again=True)
        return redirect(request.get_full_path())
    document = services.printing_request(printable, request.user)
    state = _state(document)
    if request.headers.get("Accept") == "application/json":
        response = JsonResponse(state | {"url": request.get_full_path()})
    elif document.status == Status.SUCCEEDED:
        subject, kind, group = logged
        audit.record_download(request, subject, kind=kind, group=group)
        response = FileResponse(document.pdf.open("rb"), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=printable.file_name
        )
    else:
        context = {"title": title, "back_url": back_url, "state": state, "document": document}
        # Accepted while it is being printed; a failure is this page's answer, with its reason.
        status = 200 if document.status == Status.FAILED else 202
        response = render(request, "printing/waiting.html", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response

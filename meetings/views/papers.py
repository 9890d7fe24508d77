"""Pages for a meeting's papers: upload, new version, the document with its versions, download.

The forms live here rather than in meetings/forms.py: they are small and only these
pages use them.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from meetings import papers
from meetings.forms import DocumentForm, VersionForm
from portal import permissions
from portal.audit import services as audit
from portal.forms import add_service_errors
from portal.submissions import answered_once


@login_required
@answered_once
def document_create(request, meeting_id):
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    form = DocumentForm(request.POST or None, request.FILES or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            document = papers.document_add(meeting, **form.cleaned_data, uploaded_by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Uploaded {document.title}.")
            return redirect("meeting_detail", meeting.pk)
    context = {"meeting": meeting, "form": form, "document": None}
    return render(request, "meetings/document_form.html", context)


@login_required
def version_create(request, meeting_id, document_id):
    document = permissions.get_document_for_user(request.user, meeting_id, document_id)
    if not permissions.can_change_meeting(request.user, document.meeting):
        raise Http404("No such page")
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = papers.version_add(
                document, upload=form.cleaned_data["upload"], uploaded_by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Uploaded version {version.number} of {document.title}; "
                "the earlier versions stay available.",
            )
            return redirect("document_detail", document.meeting_id, document.pk)
    context = {"meeting": document.meeting, "form": form, "document": document}
    return render(request, "meetings/document_form.html", context)


@login_required
def document_detail(request, meeting_id, document_id):
    document = permissions.get_document_for_user(request.user, meeting_id, document_id)
    meeting = document.meeting
    # A public paper of an agenda not yet published must not show the draft item's title.
    sees_agenda = document.agenda_item_id and permissions.can_see_agenda(request.user, meeting)
    context = {
        "meeting": meeting,
        "document": document,
        "agenda_item": document.agenda_item if sees_agenda else None,
        "versions": papers.versions_of(document),
        "can_change": permissions.can_change_meeting(request.user, document.meeting),
    }
    return render(request, "meetings/document_detail.html", context)


@require_safe
def document_download(request, meeting_id, document_id, number):
    """A paper's file: for whoever may read it, and for anyone when it is public; anyone
    else signs in first (a member reading it from an e-mail, say)."""
    if request.user.is_authenticated:
        document = permissions.get_downloadable_document(request.user, meeting_id, document_id)
    elif (document := permissions.public_paper(meeting_id, document_id)) is None:
        return redirect_to_login(request.get_full_path())
    version = get_object_or_404(document.versions, number=number)
    try:
        stored = version.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No such file") from None
    restricted = document.access != document.Access.PUBLIC
    audit.record_download(
        request, document, kind="paper", group=document.meeting.group, restricted=restricted
    )
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=version.original_name,
        content_type=version.content_type,
    )
    # Never let a browser guess a type and run a paper as a page; never share a cache.
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response

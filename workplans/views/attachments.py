"""A plan's attachments: their list, the upload form, the download and the removal.

Whoever may read the plan reads and downloads its attachments; the secretariat adds and
removes them (``permissions.can_change_attachments``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from meetings import papers
from portal import permissions
from portal.audit import services as audit
from portal.forms import add_service_errors
from portal.submissions import answered_once
from workplans import selectors, services
from workplans.forms import AttachmentForm

# The types a download may be sent as: those of the accepted kinds, nothing a browser runs.
SAFE_TYPES = frozenset(kind.content_type for kind in papers.KINDS)


@login_required
@require_safe
def attachment_list(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    context = {
        "plan": plan,
        "group": plan.group,
        "attachments": selectors.attachments_of(plan),
        "can_change": permissions.can_change_attachments(request.user, plan),
    }
    return render(request, "workplans/attachment_list.html", context)


@login_required
@answered_once
def attachment_create(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    if not permissions.can_change_attachments(request.user, plan):
        raise Http404("No such page")
    form = AttachmentForm(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            attachment = services.attachment_add(
                plan, **form.cleaned_data, uploaded_by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{attachment.label} is attached to the plan.")
            return redirect("work_plan_attachments", plan.group.slug, plan.slug)
    context = {"plan": plan, "group": plan.group, "form": form}
    return render(request, "workplans/attachment_form.html", context)


@login_required
@require_safe
def attachment_download(request, group_slug, plan_slug, attachment_id):
    attachment = permissions.get_attachment_for_user(
        request.user, group_slug, plan_slug, attachment_id
    )
    try:
        stored = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No such file") from None
    group = attachment.plan.group
    audit.record_download(request, attachment, kind="work plan attachment", group=group)
    content_type = attachment.content_type
    if content_type not in SAFE_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(
        stored,
        # A PDF opens in the browser's viewer; any other kind is saved, never shown as a page.
        as_attachment=content_type != papers.PDF.content_type,
        filename=attachment.original_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response


@login_required
@require_POST
def attachment_remove(request, group_slug, plan_slug, attachment_id):
    attachment = permissions.get_attachment_for_user(
        request.user, group_slug, plan_slug, attachment_id, to_change=True
    )
    plan = attachment.plan
    services.attachment_remove(attachment, by=request.user)
    messages.success(request, f"{attachment.label} is removed from the plan.")
    return redirect("work_plan_attachments", plan.group.slug, plan.slug)

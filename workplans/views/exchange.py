"""Work plans in and out: the plan as CSV and as PDF, and a new plan imported from a CSV file.

An import takes two steps. The upload shows a preview of every line as it would be saved,
with every problem; the preview page carries the file's content back in a signed field
(never stored on disk or in the session), and "Import" saves it all in one transaction.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from portal import permissions
from portal.forms import add_service_errors
from portal.printing import views as printed
from workplans import exchange, pdf
from workplans.forms import PlanImportConfirmForm, PlanImportForm
from workplans.models import WorkPlan

# The signed content of a previewed file is good for this long, for this person and group.
PREVIEW_MAX_AGE = 2 * 60 * 60
SIGNING_SALT = "workplans.exchange.import"
DETAILS = ("title", "period", "slug")


def _salt(request, group) -> str:
    return f"{SIGNING_SALT}:{group.pk}:{request.user.pk}"


def _sign(request, group, data: bytes) -> str:
    # A previewed file without problems is UTF-8 text, so it signs as a string.
    return signing.dumps(data.decode("utf-8-sig"), salt=_salt(request, group), compress=True)


def _unsign(request, group, payload: str) -> bytes | None:
    try:
        text = signing.loads(payload, salt=_salt(request, group), max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    return text.encode("utf-8")


def _file_name(plan: WorkPlan, suffix: str) -> str:
    return f"{plan.group.slug}-{plan.slug}{suffix}"


@login_required
@require_safe
def plan_csv(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    response = HttpResponse(exchange.plan_csv(plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_file_name(plan, ".csv")
    )
    return response


@login_required
@require_http_methods(printed.METHODS)
def plan_pdf(request, group_slug, plan_slug):
    plan = permissions.get_work_plan_for_user(request.user, group_slug, plan_slug)
    return printed.deliver(
        request,
        pdf.plan_printable(plan),
        title=f"{plan.group.short_name} {plan.title}",
        back_url=reverse("work_plan_detail", args=[plan.group.slug, plan.slug]),
        logged=(plan, "work plan PDF", plan.group),
    )


def _preview(request, group, data: bytes, *, details: dict, confirm_form=None):
    """Every line as it would be saved; the import button only for a file without problems."""
    preview = exchange.read_plan_csv(group, data)
    upload_form = None
    if not preview.is_valid:
        upload_form = PlanImportForm(initial=details, group=group)
        confirm_form = None
    elif confirm_form is None:
        confirm_form = PlanImportConfirmForm(
            initial=details | {"payload": _sign(request, group, data)}, group=group
        )
    context = {
        "group": group,
        "preview": preview,
        "form": upload_form,
        "confirm_form": confirm_form,
    }
    return render(request, "workplans/exchange_preview.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_import(request, group_slug):
    """Step one: upload and preview; step two (with the signed content): import."""
    group = permissions.get_group_for_user(request.user, group_slug, to_change=True)
    if request.method == "POST" and "payload" in request.POST:
        return _import(request, group)
    if request.method != "POST":
        form = PlanImportForm(group=group)
    else:
        form = PlanImportForm(request.POST, request.FILES, group=group)
        if form.is_valid():
            details = {name: form.cleaned_data[name] for name in DETAILS}
            return _preview(request, group, form.cleaned_data["file"], details=details)
    return render(request, "workplans/exchange_import.html", {"group": group, "form": form})


def _imported_already(request, group, data: bytes):
    """The plan this same preview made when it was sent before (a second click), if any."""
    details = {name: request.POST.get(name, "") for name in DETAILS}
    plan = exchange.imported_already(group, **details, data=data)
    if plan is not None:
        messages.info(
            request,
            f"This file was imported once already, as {plan.title}; it was not imported again.",
        )
    return plan


def _import(request, group):
    form = PlanImportConfirmForm(request.POST, group=group)
    data = _unsign(request, group, request.POST["payload"])
    if data is None:
        messages.error(request, "The preview has expired or was altered: upload the file again.")
        return redirect("work_plan_import", group_slug=group.slug)
    if plan := _imported_already(request, group, data):
        return redirect("work_plan_detail", plan.group.slug, plan.slug)
    if form.is_valid():
        try:
            plan = exchange.plan_import(
                group,
                title=form.cleaned_data["title"],
                period=form.cleaned_data["period"],
                slug=form.cleaned_data["slug"],
                data=data,
                author=request.user,
            )
        except ValidationError as error:
            # Sent several times at once, the first made the plan while this one waited.
            if plan := _imported_already(request, group, data):
                return redirect("work_plan_detail", plan.group.slug, plan.slug)
            add_service_errors(form, error)
        else:
            count = plan.actions.count()
            messages.success(
                request,
                f"Imported {count} action{'' if count == 1 else 's'} into the draft plan "
                f"{plan.title}.",
            )
            return redirect("work_plan_detail", plan.group.slug, plan.slug)
    details = {name: form.data.get(name, "") for name in DETAILS}
    return _preview(request, group, data, details=details, confirm_form=form)

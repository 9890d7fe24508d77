from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from portal import permissions
from portal.audit import services as audit
from portal.forms import add_service_errors
from reports import brief, selectors, services
from reports.forms import (
    DecisionForm,
    NarrativeForm,
    OutcomeRecordNarrativeForm,
    ReportStartForm,
)
from reports.models import Approval, RenderJob, Report


def _report_url(report: Report) -> str:
    return reverse("report_detail", kwargs=report.url_kwargs())


def _report(request, where: dict, *, to_change: bool = False) -> Report:
    """The report addressed by the URL (group, kind and year; or meeting), or 404."""
    return permissions.get_report_for_user(request.user, **where, to_change=to_change)


def _job_state(report: Report, job: RenderJob | None) -> dict:
    """What the page's script needs to show the latest rendering."""
    if job is None:
        return {"status": None}
    finished = job.finished_at
    state = {
        "id": job.pk,
        "status": job.status,
        "label": job.get_status_display(),
        "attempts": job.attempts,
        "error": job.error if job.status == RenderJob.Status.FAILED else "",
        "queued_at": job.queued_at.isoformat(),
        "finished_at": finished.isoformat() if finished else None,
        "content_hash": job.content_hash,
        "pdf_url": "",
    }
    if job.status == RenderJob.Status.SUCCEEDED and job.pdf:
        state["pdf_url"] = reverse(
            "report_job_pdf", kwargs={**report.url_kwargs(), "job_id": job.pk}
        )
    return state


@login_required
def report_list(request, slug):
    group = permissions.get_group_for_user(request.user, slug)
    reports = permissions.visible_reports(request.user, group)
    context = {
        "group": group,
        "reports": list(reports.filter(meeting__isnull=True).order_by("-year", "kind")),
        "outcome_records": list(
            reports.filter(meeting__isnull=False)
            .select_related("meeting", "group")
            .order_by("-meeting__starts_at")
        ),
        "can_start": permissions.can_change_group(request.user, group),
        "form": ReportStartForm(initial={"year": timezone.localdate().year}),
    }
    return render(request, "reports/report_list.html", context)


@login_required
@require_POST
def report_start(request, slug):
    group = permissions.get_group_for_user(request.user, slug, to_change=True)
    form = ReportStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the kind of report and a year.")
        return redirect("report_list", group.slug)
    report = services.report_start(group, form.cleaned_data["kind"], form.cleaned_data["year"])
    return redirect("report_edit", group.slug, report.kind, report.year)


@login_required
@require_POST
def outcome_record_start(request, meeting_id):
    """Open the meeting's outcome record for the co-chairs' approval."""
    meeting = permissions.get_meeting_for_user(request.user, meeting_id, to_change=True)
    try:
        report = services.outcome_record_start(meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("meeting_outcomes", meeting.pk)
    return redirect(_report_url(report))


@login_required
def report_detail(request, **where):
    """The report as it stands: what the co-chairs approved once they have, else the draft
    built from today's data; ``?version=`` opens an earlier approved version."""
    from reports import pdf

    report = _report(request, where)
    if "version" in request.GET:
        return _report_version(request, report, request.GET["version"])
    if not permissions.reads_report_as_it_stands(request.user, report):
        # While the next version is drafted, the group reads the last approved one.
        latest = report.versions.order_by("-number").first()
        return redirect(f"{_report_url(report)}?version={latest.number}")
    shown = selectors.shown_content(report)
    approver = permissions.report_approver_member(request.user, report)
    decided = None
    if approver and report.status == Report.Status.SUBMITTED:
        decided = selectors.standing_decision(report, approver, shown.content_hash)
    approvals = report.approvals.filter(version=report.version).select_related("member", "person")
    job = permissions.visible_renderings(request.user, report).first()
    can_change = permissions.can_change_report(request.user, report)
    context = {
        "report": report,
        "group": report.group,
        "shown": shown,
        "content_hash": shown.content_hash,
        "preview": pdf.report_html(report, shown.content),
        "approvals": selectors.approval_rows(
            approvals, shown.content_hash, report.approved_content_hash
        ),
        "approvers": list(report.approvers.all()),
        "versions": list(report.versions.all()),
        "can_change": can_change,
        "can_edit": not report.is_approved,
        "can_submit": report.status in (Report.Status.DRAFT, Report.Status.SENT_BACK),
        "can_mark": report.is_approved and not report.is_outcome_record,
        "can_start_version": can_change and bool(shown.changes or shown.not_kept),
        # Offered only while this co-chair has no standing decision on this content.
        "approver": approver if report.status == Report.Status.SUBMITTED and not decided else None,
        "decided": decided,
        "decision_form": DecisionForm(initial={"content_hash": shown.content_hash}),
        "job": job,
        "job_state": _job_state(report, job),
        "Status": Report.Status,
        # The brief's speaking time and pages, shown before it is submitted.
        "brief_size": brief.size(report, shown.content),
    }
    return render(request, "reports/report_detail.html", context)


def _report_version(request, report: Report, number: str):
    """An earlier approved version, as its co-chairs approved it, with their approvals."""
    from reports import pdf

    version = selectors.earlier_version(report, number)
    content = version.approved_content
    approvals = report.approvals.filter(version=version.number).select_related("member", "person")
    context = {
        "report": report,
        "group": report.group,
        "version": version,
        "preview": (
            pdf.report_html(report, content, version=version.number) if content is not None else ""
        ),
        "approvals": selectors.approval_rows(
            approvals, version.approved_content_hash, version.approved_content_hash
        ),
    }
    return render(request, "reports/report_version.html", context)


@login_required
def report_edit(request, **where):
    report = _report(request, where, to_change=True)
    form_class = OutcomeRecordNarrativeForm if report.is_outcome_record else NarrativeForm
    form = form_class(request.POST or None, instance=Report.objects.get(pk=report.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_edit(report, version=form.version, **form.values)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {report}.")
            return redirect(_report_url(report))
    return render(request, "reports/report_edit.html", {"form": form, "report": report})


@login_required
@require_POST
def report_submit(request, **where):
    report = _report(request, where, to_change=True)
    try:
        services.report_submit(report, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Submitted to the co-chairs for approval.")
    return redirect(_report_url(report))


@login_required
@require_POST
def report_decide(request, **where):
    report = _report(request, where)
    if permissions.report_approver_member(request.user, report) is None:
        raise Http404("No such page")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        # The comment is the one field a co-chair types: its error (too long) says what to fix.
        messages.error(
            request, " ".join(form.errors.get("comment", ["Approve the report or send it back."]))
        )
        return redirect(_report_url(report))
    try:
        approval = services.report_decide(report, person=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if approval.decision == Approval.Decision.SENT_BACK:
            messages.success(request, "You sent the report back to the secretariat.")
        else:
            messages.success(request, "You approved the report.")
    return redirect(_report_url(report))


@login_required
@require_POST
def report_mark(request, **where):
    report = _report(request, where, to_change=True)
    try:
        report = services.report_mark(report, request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Recorded: {report.get_status_display().lower()}.")
    return redirect(_report_url(report))


@login_required
@require_POST
def report_render(request, **where):
    report = _report(request, where, to_change=True)
    job = services.render_enqueue(report, request.user)
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(_job_state(report, job))
    messages.success(request, "The rendering is queued: the PDF will follow.")
    return redirect(_report_url(report))


@login_required
@require_POST
def report_job_retry(request, job_id, **where):
    report = _report(request, where, to_change=True)
    job = _job_of(report, job_id)
    try:
        job = services.render_retry(job, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.headers.get("Accept") == "application/json":
        return JsonResponse(_job_state(report, job))
    return redirect(_report_url(report))


@login_required
def report_job_status(request, **where):
    report = _report(request, where)
    latest = permissions.visible_renderings(request.user, report).first()
    return JsonResponse(_job_state(report, latest))


@login_required
def report_job_pdf(request, job_id, **where):
    report = _report(request, where)
    # A draft rendering is for the secretariat and the approvers; 404 for anyone else.
    job = permissions.get_rendering_for_user(request.user, report, job_id)
    if job.status != RenderJob.Status.SUCCEEDED or not job.pdf:
        raise Http404("No such file")
    audit.record_download(request, report, kind="draft report PDF", group=report.group)
    return _pdf_response(job.pdf, report, suffix=f"-draft-{job.pk}")


@login_required
def report_pdf(request, **where):
    """The approved PDF, as frozen when the co-chairs approved the report; ``?version=``
    gives that of an earlier approved version."""
    report = _report(request, where)
    if "version" in request.GET:
        version = selectors.earlier_version(report, request.GET["version"])
        if not version.approved_pdf:
            raise Http404("No approved PDF")
        audit.record_download(request, report, kind="report PDF", group=report.group)
        return _pdf_response(version.approved_pdf, report, suffix=f"-version-{version.number}")
    if not report.approved_pdf:
        raise Http404("No approved PDF")
    audit.record_download(request, report, kind="report PDF", group=report.group)
    return _pdf_response(report.approved_pdf, report)


@login_required
@require_POST
def report_new_version(request, **where):
    """Start the next version of an approved report whose data changed since approval."""
    report = _report(request, where, to_change=True)
    try:
        report = services.report_new_version(report, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Version {report.version} started as a draft; version {report.version - 1}, as "
            "approved, stays readable.",
        )
    return redirect(_report_url(report))


def _job_of(report: Report, job_id: int) -> RenderJob:
    job = get_object_or_404(report.render_jobs, pk=job_id)
    job.report = report
    return job


def _pdf_response(field, report: Report, suffix: str = "") -> FileResponse:
    name = f"{report.file_stem}{suffix}.pdf"
    return FileResponse(
        field.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )

"""Everything that changes a report: drafting, the co-chairs' approval and PDF rendering.

The same approval serves the annual report, the oral-update brief and a meeting's outcome
record (the co-chairs' statement of what the meeting agreed).

Who approves is decided at submission: ``report.approvers`` holds the members with a
co-chair term on that day; for an outcome record, on the day the meeting began, since
its co-chairs are the ones who chaired it. A co-chair whose term ends while the report
waits stays an approver, so a report submitted to two co-chairs is approved by those two
and the rule cannot change under a pending decision; to ask the new co-chair instead, the
secretariat edits and submits the report again.
"""

import datetime
import posixpath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.models import Member
from groups.selectors import current_co_chair_terms
from portal import jobs, permissions, versions
from portal import pdf as printing
from portal.notifications.models import Notification
from portal.notifications.services import notify
from reports.models import NARRATIVE_FIELDS, Approval, RenderJob, Report, ReportVersion

# A rendering still not done after this many attempts is given up as failed; how long
# a job may wait or run before it counts as lost is settings.JOB_STALE_AFTER.
MAX_ATTEMPTS = jobs.MAX_ATTEMPTS


def current_content_hash(report: Report) -> str:
    """The SHA-256 of the report's canonical content as today's data makes it (what a
    co-chair decides on; once approved, the report shows its approved content instead)."""
    from reports import assembly

    return assembly.content_hash(assembly.report_content(report))


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("group", "meeting")
        .get(pk=report.pk)
    )


def _tell_co_chairs(report: Report, what: str) -> None:
    """Tell the focal points of the report's approvers who may open it (the rule is in
    portal.permissions), in the portal and by e-mail, with the address of its page;
    `what` is "submitted" or "changed"."""
    # A submission is told once; each change after it is news of its own.
    when = report.submitted_at if what == "submitted" else timezone.now()
    stamp = when.isoformat()
    notify(
        permissions.report_recipients(report),
        Notification.Kind.APPROVAL_REQUESTED,
        key=f"report-{what}:{report.pk}:v{report.version}:{stamp}",
        template=f"reports/email/report_{what}",
        context={"report": report},
        link=reverse("report_detail", kwargs=report.url_kwargs()),
    )


def _tell_decided(report: Report, approval: Approval) -> None:
    """Tell the secretariat (whom, in portal.permissions) that the co-chairs approved the
    report or sent it back."""
    approved = report.status != Report.Status.SENT_BACK
    notify(
        permissions.report_decision_recipients(report),
        Notification.Kind.APPROVAL_DECIDED,
        key=f"report-{'approved' if approved else 'sent-back'}:{report.pk}:v{report.version}:"
        f"{approval.pk}",
        template=f"reports/email/report_{'approved' if approved else 'sent_back'}",
        context={"report": report, "approval": approval},
        link=reverse("report_detail", kwargs=report.url_kwargs()),
    )


# --- Drafting and approval ---------------------------------------------------------------


@transaction.atomic
def report_start(group, kind: str, year: int) -> Report:
    """The group's report of this kind for the year, created as a draft when missing."""
    if kind not in (Report.Kind.ANNUAL, Report.Kind.BRIEF):
        raise ValidationError({"kind": "Choose an annual report or an oral-update brief."})
    report, _ = Report.objects.get_or_create(
        group=group, kind=kind, year=year, meeting__isnull=True
    )
    return report


@transaction.atomic
def outcome_record_start(meeting) -> Report:
    """The meeting's outcome record, created as a draft when missing."""
    if meeting.group_id is None:
        raise ValidationError(
            "Only a working group's meeting has co-chairs to approve its outcomes."
        )
    report, _ = Report.objects.get_or_create(
        meeting=meeting,
        defaults={
            "group_id": meeting.group_id,
            "kind": Report.Kind.OUTCOME_RECORD,
            "year": meeting.local_start.year,
        },
    )
    return report


@transaction.atomic
def report_edit(report: Report, *, version: int | None = None, **narrative) -> Report:
    """Save the narrative parts; a change withdraws every standing co-chair decision.
    Parts read at `version` are refused when someone saved them since."""
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Not a narrative part: {', '.join(sorted(unknown))}")
    report = _locked(report)
    if report.is_approved:
        raise ValidationError("An approved report can no longer be changed.")
    if report.is_outcome_record:
        # As its page says: an outcome record's summary is its introduction.
        named = {"labels": {"summary": "Introduction"}, "what": "outcome record"}
    else:
        named = {}
    versions.check_version(report, version, fields=narrative, saving=narrative, **named)
    changed = {k: v for k, v in narrative.items() if getattr(report, k) != v}
    if not changed:
        return report
    for field, value in changed.items():
        setattr(report, field, value)
    report.save()
    _content_changed(report)
    return report


@transaction.atomic
def outcomes_changing(meeting) -> None:
    """Called before a meeting's outcomes change: refused once the co-chairs have approved
    them; while they are deciding, the change withdraws their approvals and tells them."""
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("group", "meeting")
        .filter(meeting=meeting)
        .first()
    )
    if report is None:
        return
    if report.is_approved:
        raise ValidationError(
            "The co-chairs have approved this meeting's outcomes: they can no longer change."
        )
    _content_changed(report)


def meeting_group_changing(meeting) -> None:
    """Called before a meeting moves to another group: refused once it has an outcome
    record, which the co-chairs of the group that held the meeting approve."""
    if Report.objects.filter(meeting=meeting).exists():
        raise ValidationError(
            {"group": "Its outcome record is with the co-chairs of the group that held it."}
        )


def _content_changed(report: Report) -> None:
    """Withdraw every standing decision on the report and, once it was submitted, tell the
    co-chairs to read it again."""
    now = timezone.now()
    # Approvals of an earlier version stand for that version's content: they stay.
    withdrawn = list(report.approvals.filter(version=report.version, withdrawn_at__isnull=True))
    for approval in withdrawn:
        approval.withdrawn_at = now
        approval.save(update_fields=["withdrawn_at"])
    if withdrawn or report.status == Report.Status.SUBMITTED:
        _tell_co_chairs(report, "changed")


@transaction.atomic
def report_submit(report: Report, by) -> Report:
    """Send a draft to the co-chairs serving today; they become its approvers."""
    report = _locked(report)
    if report.status not in (Report.Status.DRAFT, Report.Status.SENT_BACK):
        raise ValidationError("Only a draft or a report sent back can be submitted.")
    if report.kind == Report.Kind.BRIEF:
        _brief_fits(report)
    on = None
    if report.is_outcome_record:
        begins = report.meeting.local_start
        if report.meeting.starts_at > timezone.now():
            # Outcomes are what a meeting agreed: there are none before it is held.
            raise ValidationError(
                "The meeting has not been held yet (it begins on "
                f"{begins.day} {begins:%B %Y}): submit its outcome record once it has."
            )
        if not report.meeting.outcomes.exists():
            raise ValidationError("Record the meeting's outcomes before submitting them.")
        on = begins.date()
    serving = current_co_chair_terms(on).filter(group=report.group).values("member")
    approvers = list(Member.objects.filter(pk__in=serving))
    if len(approvers) < 1:
        raise ValidationError(
            "The group had no co-chair serving when the meeting began to approve its outcomes."
            if on
            else "The group has no serving co-chair to approve the report."
        )
    report.status = Report.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report._history_user = by
    report.save()
    report.approvers.set(approvers)
    _tell_co_chairs(report, "submitted")
    return report


def report_decide(
    report: Report, *, person, decision: str, content_hash: str, comment: str = ""
) -> Approval:
    """Record a co-chair's decision on the exact content read; the last approval needed
    makes the report approved, exactly once, keeps the content approved and queues its
    final PDF."""
    from reports import assembly

    with transaction.atomic():
        # The row lock makes two decisions arriving together wait for one another.
        report = _locked(report)
        member = permissions.report_approver_member(person, report)
        if member is None:
            raise ValidationError("Only the report's co-chairs decide on it.")
        standing = report.approvals.filter(
            member=member, version=report.version, withdrawn_at__isnull=True
        )
        repeated = standing.filter(decision=decision, content_hash=content_hash).first()
        if repeated and decision == Approval.Decision.APPROVED:
            return repeated  # the same approval sent twice changes nothing
        if report.status != Report.Status.SUBMITTED:
            raise ValidationError("The report is not waiting for the co-chairs' decision.")
        if decision not in Approval.Decision.values:
            raise ValidationError({"decision": "Approve the report or send it back."})
        content = assembly.report_content(report)
        if content_hash != assembly.content_hash(content):
            raise ValidationError(
                {"content_hash": "The report changed since you read it: read it again."}
            )
        comment = comment.strip()
        if decision == Approval.Decision.SENT_BACK and not comment:
            raise ValidationError({"comment": "Say why you send the report back."})
        now = timezone.now()
        for earlier in standing:
            earlier.withdrawn_at = now
            earlier.save(update_fields=["withdrawn_at"])
        approval = Approval.objects.create(
            report=report,
            version=report.version,
            member=member,
            person=person,
            decision=decision,
            content_hash=content_hash,
            comment=comment,
        )
        if decision == Approval.Decision.SENT_BACK:
            report.status = Report.Status.SENT_BACK
            report._history_user = person
            report.save()
            _tell_decided(report, approval)
        elif _all_approved(report, content_hash):
            report.status = Report.Status.APPROVED
            report.approved_at = now
            report.approved_content_hash = content_hash
            # What the page, the preview and the PDF show from now on, whatever the data.
            report.approved_content = assembly.content_to_keep(content)
            report._history_user = person
            report.save()
            render_enqueue(report, person)
            _tell_decided(report, approval)
    return approval


def _all_approved(report: Report, content_hash: str) -> bool:
    needed = set(report.approvers.values_list("pk", flat=True))
    given = set(
        report.approvals.filter(
            version=report.version,
            withdrawn_at__isnull=True,
            decision=Approval.Decision.APPROVED,
            content_hash=content_hash,
        ).values_list("member", flat=True)
    )
    return bool(needed) and needed <= given


@transaction.atomic
def report_mark(report: Report, status: str) -> Report:
    """Record that an approved report went to the Steering Group or was delivered at the SOM."""
    report = _locked(report)
    if report.is_outcome_record:
        raise ValidationError("An outcome record goes to the meeting's members, not further.")
    if not report.is_approved:
        raise ValidationError("Only an approved report can be submitted or delivered.")
    marks = (Report.Status.SUBMITTED_TO_STEERING_GROUP, Report.Status.DELIVERED_AT_SOM)
    if status not in marks:
        raise ValidationError({"status": "Choose submitted to the Steering Group or delivered."})
    report.status = status
    report.save()
    return report


@transaction.atomic
def report_new_version(report: Report, by) -> Report:
    """Start the next version of an approved report whose data changed since approval.

    The approved version is kept as it was (its content, fingerprint, frozen PDF, and the
    co-chairs' approvals, which stay with its number); the report becomes a draft of the
    next version, built from today's data, to be submitted and approved again.
    """
    from reports import selectors

    report = _locked(report)
    if not report.is_approved:
        raise ValidationError("Only an approved report can have a new version.")
    shown = selectors.shown_content(report)
    if not (shown.changes or shown.not_kept):
        raise ValidationError(
            "The portal's data has not changed since the co-chairs approved this report: "
            "it needs no new version."
        )
    now = timezone.now()
    ReportVersion.objects.create(
        report=report,
        number=report.version,
        status=report.status,
        approved_at=report.approved_at,
        approved_content_hash=report.approved_content_hash,
        approved_content=report.approved_content,
        approved_pdf=report.approved_pdf.name,
        superseded_at=now,
        superseded_by=by,
        changes=shown.changes,
    )
    report.version += 1
    report.status = Report.Status.DRAFT
    report.submitted_at = None
    report.approved_at = None
    report.approved_content_hash = ""
    report.approved_content = None
    # The file itself stays, kept by the version row.
    report.approved_pdf = ""
    report._history_user = by
    report.save()
    # The next version is asked of the co-chairs serving when it is submitted.
    report.approvers.clear()
    return report


# --- The oral-update brief's speaking points -----------------------------------------------
# The secretariat edits every point the portal drafted, leaves some out and adds its own;
# the co-chairs approve the included points as they print, on at most two pages.


def _brief_editable(report: Report) -> None:
    if report.kind != Report.Kind.BRIEF:
        raise ValidationError("Only an oral-update brief has speaking points.")
    if report.is_approved:
        raise ValidationError("An approved report can no longer be changed.")


def _brief_fits(report: Report) -> None:
    """Refuse a brief that prints on more pages than the co-chairs may deliver."""
    from reports import assembly, brief

    content = assembly.report_content(report)
    if brief.is_brief_content(content):
        pages = brief.page_count(report, content)
        if pages > brief.MAX_PAGES:
            raise ValidationError(brief.too_long_message(pages))


@transaction.atomic
def brief_points_save(report: Report, points: list[dict], *, version: int | None = None) -> Report:
    """Save the brief's speaking points as edited ([{"section", "text", "included"}]); a
    point left empty is removed. Like any edit, a change withdraws every standing co-chair
    decision. Points read at `version` are refused when someone saved them since."""
    from reports import brief

    report = _locked(report)
    _brief_editable(report)
    points = brief.checked_points(points)
    versions.check_version(
        report,
        version,
        fields=["speaking_points"],
        saving={"speaking_points": points},
        labels={"speaking_points": "Speaking points"},
        what="brief",
    )
    if points == report.speaking_points:
        return report
    report.speaking_points = points
    report.save()
    _content_changed(report)
    return report


@transaction.atomic
def brief_points_redraft(report: Report, *, version: int | None = None) -> Report:
    """Set the brief's speaking points aside and draft them again from the portal's data."""
    report = _locked(report)
    _brief_editable(report)
    versions.check_version(
        report,
        version,
        fields=["speaking_points"],
        saving={"speaking_points": []},
        labels={"speaking_points": "Speaking points"},
        what="brief",
    )
    if not report.speaking_points:
        return report
    report.speaking_points = []
    report.save()
    _content_changed(report)
    return report


# --- Rendering ---------------------------------------------------------------------------
# The job row is the truth. A delivery of the task claims the row (queued -> running) in
# one conditional UPDATE, which takes the row lock, so that a second delivery of the same
# job finds it running or done and does nothing. The attempt number is the claim: a run
# finishes the job only if the row still holds its attempt, else it removes its file.
# Beat's sweep (render_requeue_stale) is the one place that declares a run dead.


def render_job_create(report: Report, by=None) -> RenderJob:
    """A queued rendering of the report as it is now, not yet sent to a worker."""
    return RenderJob.objects.create(
        report=report, content_hash=current_content_hash(report), requested_by=by
    )


def render_enqueue(report: Report, by=None) -> RenderJob:
    """Queue a rendering; the worker hears of it only once the job row is committed."""
    job = render_job_create(report, by)
    _send_to_worker(job.pk)
    return job


def _render_task():
    from reports import tasks

    return tasks.render_report_job


RENDERINGS = jobs.Jobs(
    RenderJob, task=_render_task, what="Rendering job", related=("report__group", "report__meeting")
)
_send_to_worker = RENDERINGS.send_after_commit
_claim = RENDERINGS.claim
_holding = RENDERINGS.holding


def render_run(job_id: int) -> RenderJob | None:
    """Render a job's PDF; a job already running, done, failed or deleted is left alone.

    A transient error (OSError) puts the job back in the queue and is raised again so the
    task retries it, until the last attempt, which fails the job.
    """
    from reports import assembly, pdf, selectors

    job = _claim(job_id)
    if job is None:
        return RenderJob.objects.filter(pk=job_id).first()
    report = job.report
    try:
        # An approved report renders the content its co-chairs approved, as its page shows.
        content = selectors.content_to_show(report)
        digest = assembly.content_hash(content)
        # Laid out in a child process under the printing limits (portal/pdf.py).
        printed = pdf.printed_context(report, content)
        data = printing.in_child(pdf.report_printed, printed, content)
        name = f"{report.file_stem}{_attempt_mark(job)}{job.attempts}.pdf"
        _write_atomically(job.pdf, name, data)
    except Exception as error:
        return _render_failed(job, error)
    try:
        with transaction.atomic():
            finished = _holding(job).update(
                status=RenderJob.Status.SUCCEEDED,
                pdf=job.pdf.name,
                content_hash=digest,
                finished_at=timezone.now(),
                error="",
            )
            if finished and report.approved_content_hash == digest:
                # The report's history names who asked for the rendering, not the worker.
                _freeze_approved_pdf(report, f"{report.file_stem}.pdf", data, by=job.requested_by)
    except BaseException:
        job.pdf.delete(save=False)
        raise
    if not finished:
        # The sweep gave this run up for dead and another one owns the job now.
        job.pdf.delete(save=False)
    elif job.attempts > 1:
        _remove_earlier_attempts(job)
    return RenderJob.objects.get(pk=job.pk)


def _attempt_mark(job: RenderJob) -> str:
    return f"-job{job.pk}-attempt"


def _remove_earlier_attempts(job: RenderJob) -> None:
    """Delete the file a run killed after writing it, before finishing the job, left
    behind: its name says which job and attempt it was."""
    storage = job.pdf.storage
    folder, own = posixpath.split(job.pdf.name)
    for name in storage.listdir(folder)[1]:
        if _attempt_mark(job) in name and name != own:
            storage.delete(posixpath.join(folder, name))


def _render_failed(job: RenderJob, error: Exception) -> RenderJob:
    """Record why the rendering failed; a passing error is queued again and re-raised."""
    reason = str(error) if isinstance(error, printing.PrintingFailed) else None
    return RENDERINGS.failed(job, error, reason=reason)


def _write_atomically(field, name: str, data: bytes) -> None:
    """Write to a temporary file first; storage moves it into place (an object store puts
    it whole), so no reader ever finds half a PDF, and the row points at it only once it
    is complete."""
    temporary = TemporaryUploadedFile(name, "application/pdf", len(data), None)
    try:
        temporary.write(data)
        temporary.flush()
        temporary.seek(0)
        field.save(name, temporary, save=False)
    finally:
        temporary.close()


@transaction.atomic
def _freeze_approved_pdf(report: Report, name: str, data: bytes, *, by=None) -> None:
    """Keep the approved PDF once; a later rendering never replaces it."""
    report = _locked(report)
    if report.approved_pdf:
        return
    report.approved_pdf.save(name, ContentFile(data), save=False)
    if by is not None:
        report._history_user = by
    report.save(update_fields=["approved_pdf"])


def render_retry(job: RenderJob, by=None) -> RenderJob:
    """After a failure, queue the report's rendering again."""
    if job.status != RenderJob.Status.FAILED:
        raise ValidationError("Only a failed rendering can be tried again.")
    return render_enqueue(job.report, by)


def render_requeue_stale(
    now: datetime.datetime | None = None, *, broker_idle: bool = True
) -> list[RenderJob]:
    """Send again to a worker the renderings queued or running too long; give up on those
    that have had every attempt (the rule in portal/jobs.py)."""
    return RENDERINGS.requeue_stale(now, broker_idle=broker_idle)

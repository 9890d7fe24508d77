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

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.models import Member, Participation
from groups.selectors import current_co_chair_terms, current_participations
from portal import links, permissions
from portal.accounts.tasks import send_email
from reports.models import NARRATIVE_FIELDS, Approval, RenderJob, Report

# A job left queued or running this long was lost by a worker or the broker.
STALE_AFTER = datetime.timedelta(minutes=10)
# A job still not done after this many attempts is given up as failed.
MAX_ATTEMPTS = 6


def current_content_hash(report: Report) -> str:
    """The SHA-256 of the report's canonical content as it would render now."""
    from reports import assembly

    return assembly.content_hash(assembly.report_content(report))


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("group", "meeting")
        .get(pk=report.pk)
    )


def _co_chair_emails(report: Report) -> list[str]:
    """The addresses of the focal points of the report's approvers."""
    people = current_participations().filter(
        group=report.group,
        member__in=report.approvers.all(),
        role=Participation.Role.FOCAL_POINT,
    )
    return sorted({p.person.email for p in people.select_related("person") if p.person.email})


def _tell_co_chairs(report: Report, subject: str, body: str) -> None:
    """E-mail the approvers, with the address of the report's page."""
    url = links.absolute(reverse("report_detail", kwargs=report.url_kwargs()))
    where = f": {url}" if url else "."
    body = (
        f"{body}\n\nRead it in the Secretariat Portal{where}\n\n"
        "Regional Support Office of the Bali Process\n"
    )
    for address in _co_chair_emails(report):
        send_email.delay_on_commit(subject, body, address)


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
def report_edit(report: Report, **narrative) -> Report:
    """Save the narrative parts; a change withdraws every standing co-chair decision."""
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"Not a narrative part: {', '.join(sorted(unknown))}")
    report = _locked(report)
    if report.is_approved:
        raise ValidationError("An approved report can no longer be changed.")
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
    withdrawn = list(report.approvals.filter(withdrawn_at__isnull=True))
    for approval in withdrawn:
        approval.withdrawn_at = now
        approval.save(update_fields=["withdrawn_at"])
    if withdrawn or report.status == Report.Status.SUBMITTED:
        _tell_co_chairs(
            report,
            f"{report} was changed",
            f"The secretariat changed {report} after it was submitted. Any approval given "
            "before the change is withdrawn: please read it again and decide.",
        )


@transaction.atomic
def report_submit(report: Report, by) -> Report:
    """Send a draft to the co-chairs serving today; they become its approvers."""
    report = _locked(report)
    if report.status not in (Report.Status.DRAFT, Report.Status.SENT_BACK):
        raise ValidationError("Only a draft or a report sent back can be submitted.")
    on = None
    if report.is_outcome_record:
        if not report.meeting.outcomes.exists():
            raise ValidationError("Record the meeting's outcomes before submitting them.")
        on = report.meeting.local_start.date()
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
    _tell_co_chairs(
        report,
        f"{report} is waiting for your approval",
        f"The secretariat submitted {report}. Please read it and approve it or send it back.",
    )
    return report


def report_decide(
    report: Report, *, person, decision: str, content_hash: str, comment: str = ""
) -> Approval:
    """Record a co-chair's decision on the exact content read; the last approval needed
    makes the report approved, exactly once, and queues its final PDF."""
    with transaction.atomic():
        # The row lock makes two decisions arriving together wait for one another.
        report = _locked(report)
        member = permissions.report_approver_member(person, report)
        if member is None:
            raise ValidationError("Only the report's co-chairs decide on it.")
        standing = report.approvals.filter(member=member, withdrawn_at__isnull=True)
        repeated = standing.filter(decision=decision, content_hash=content_hash).first()
        if repeated and decision == Approval.Decision.APPROVED:
            return repeated  # the same approval sent twice changes nothing
        if report.status != Report.Status.SUBMITTED:
            raise ValidationError("The report is not waiting for the co-chairs' decision.")
        if decision not in Approval.Decision.values:
            raise ValidationError({"decision": "Approve the report or send it back."})
        if content_hash != current_content_hash(report):
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
        elif _all_approved(report, content_hash):
            report.status = Report.Status.APPROVED
            report.approved_at = now
            report.approved_content_hash = content_hash
            report._history_user = person
            report.save()
            render_enqueue(report, person)
    return approval


def _all_approved(report: Report, content_hash: str) -> bool:
    needed = set(report.approvers.values_list("pk", flat=True))
    given = set(
        report.approvals.filter(
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


# --- Rendering ---------------------------------------------------------------------------


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


def _send_to_worker(job_id: int) -> None:
    from reports import tasks

    transaction.on_commit(lambda: tasks.render_report_job.delay(job_id))


def render_run(job_id: int) -> RenderJob:
    """Render a job's PDF; running a finished job again does nothing.

    A transient error (OSError) is recorded and raised again so the task retries it.
    """
    from reports import assembly, pdf

    with transaction.atomic():
        job = (
            RenderJob.objects.select_for_update(of=("self",))
            .select_related("report__group", "report__meeting")
            .get(pk=job_id)
        )
        if job.status == RenderJob.Status.SUCCEEDED:
            return job
        job.status = RenderJob.Status.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.finished_at = None
        job.error = ""
        job.save()
    report = job.report
    try:
        content = assembly.report_content(report)
        digest = assembly.content_hash(content)
        data = pdf.report_pdf(report, content)
        name = f"{report.file_stem}.pdf"
        _write_atomically(job.pdf, name, data)
        if report.approved_content_hash and digest == report.approved_content_hash:
            _freeze_approved_pdf(report, name, data)
    except Exception as error:
        job.status = RenderJob.Status.FAILED
        job.error = f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = timezone.now()
        job.save()
        if isinstance(error, OSError):
            raise
        return job
    job.status = RenderJob.Status.SUCCEEDED
    job.content_hash = digest
    job.finished_at = timezone.now()
    job.save()
    return job


def _write_atomically(field, name: str, data: bytes) -> None:
    """Write to a temporary file first; storage moves it into place, so no reader ever
    finds half a PDF, and the row points at it only once it is complete."""
    temporary = TemporaryUploadedFile(name, "application/pdf", len(data), None)
    try:
        temporary.write(data)
        temporary.flush()
        temporary.seek(0)
        field.save(name, temporary, save=False)
    finally:
        temporary.close()


@transaction.atomic
def _freeze_approved_pdf(report: Report, name: str, data: bytes) -> None:
    """Keep the approved PDF once; a later rendering never replaces it."""
    report = _locked(report)
    if report.approved_pdf:
        return
    report.approved_pdf.save(name, ContentFile(data), save=False)
    report.save(update_fields=["approved_pdf"])


def render_retry(job: RenderJob, by=None) -> RenderJob:
    """After a failure, queue the report's rendering again."""
    if job.status != RenderJob.Status.FAILED:
        raise ValidationError("Only a failed rendering can be tried again.")
    return render_enqueue(job.report, by)


def render_requeue_stale(now: datetime.datetime | None = None) -> list[RenderJob]:
    """Send again to a worker the jobs left queued or running too long; give up on
    those that have had every attempt."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = RenderJob.objects.filter(
        status=RenderJob.Status.QUEUED, queued_at__lt=cutoff
    ) | RenderJob.objects.filter(status=RenderJob.Status.RUNNING, started_at__lt=cutoff)
    requeued = []
    with transaction.atomic():
        for job in stale.select_for_update():
            if job.attempts >= MAX_ATTEMPTS:
                job.status = RenderJob.Status.FAILED
                job.error = f"Gave up after {job.attempts} attempts."
                job.finished_at = timezone.now()
                job.save()
                continue
            _send_to_worker(job.pk)
            requeued.append(job)
    return requeued

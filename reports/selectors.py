"""Reads about reports that pages share."""

from dataclasses import dataclass, field

from django.db.models import Case, F, OuterRef, Prefetch, Subquery, When
from django.http import Http404
from django.utils import timezone

from portal import permissions
from reports import assembly
from reports.models import (
    Approval,
    PublicStatement,
    RenderJob,
    Report,
    ReportVersion,
    StatementApproval,
)


@dataclass
class WaitingReport:
    report: Report
    approved: int
    needed: int

    @property
    def days_waiting(self) -> int:
        """Whole days since the report went to the co-chairs."""
        return (timezone.localdate() - timezone.localdate(self.report.submitted_at)).days


def reports_waiting(user) -> list[WaitingReport]:
    """Submitted reports: all of them for the secretariat; for a co-chair, those that wait
    for their own decision."""
    standing = Approval.objects.filter(
        withdrawn_at__isnull=True, decision=Approval.Decision.APPROVED, version=F("report__version")
    )
    reports = (
        Report.objects.filter(status=Report.Status.SUBMITTED)
        .select_related("group", "meeting")
        .prefetch_related("approvers", Prefetch("approvals", standing, to_attr="standing"))
        .order_by("group__short_name", "-year", "kind")
    )
    access = permissions.group_access(user)
    if not access.secretariat:
        # The members this person decides for, as in permissions.report_approver_member.
        reports = reports.filter(
            group__in=permissions.visible_groups(user),
            approvers__in=sorted(access.focal_point_for()),
        ).distinct()
    waiting = []
    for report in reports:
        approved = {a.member_id for a in report.standing}
        approvers = {m.pk for m in report.approvers.all()}
        mine = access.focal_point_for(report.group_id)
        if not access.secretariat and (mine & approvers) <= approved:
            continue  # this co-chair has decided already (or decides for none of them)
        waiting.append(WaitingReport(report, len(approved), len(approvers)))
    return waiting


# --- What a report shows ------------------------------------------------------------------


@dataclass
class ShownContent:
    """The content a report's page, preview and PDF show, and how it stands."""

    content: dict
    content_hash: str
    # The content the co-chairs approved (for an approved report).
    is_approved_content: bool = False
    # Approved before the approved content was kept, and today's data no longer has the
    # approved fingerprint: what is shown is today's data, which no co-chair approved.
    not_kept: bool = False
    # For an approved report: what today's data would change, in words.
    changes: list[str] = field(default_factory=list)


def shown_content(report: Report, *, compare: bool = True) -> ShownContent:
    """The approved content once the report is approved, the live content before; with
    ``compare``, an approved report is also set against today's data."""
    if not report.is_approved:
        live = assembly.report_content(report)
        return ShownContent(live, assembly.content_hash(live))
    if report.approved_content is not None:
        shown = ShownContent(
            report.approved_content, report.approved_content_hash, is_approved_content=True
        )
        if compare:
            live = assembly.report_content(report)
            if assembly.content_hash(live) != report.approved_content_hash:
                shown.changes = assembly.content_changes(report.approved_content, live)
        return shown
    # Approved before the content was kept: today's data is the approved content only if
    # it still has the approved fingerprint.
    live = assembly.report_content(report)
    digest = assembly.content_hash(live)
    if digest == report.approved_content_hash:
        return ShownContent(live, digest, is_approved_content=True)
    return ShownContent(live, digest, not_kept=True)


def content_to_show(report: Report) -> dict:
    """The content a report renders: what the co-chairs approved once it is approved."""
    return shown_content(report, compare=False).content


@dataclass
class ApprovalRow:
    approval: Approval
    standing: bool
    note: str


def approval_rows(approvals, shown_hash: str, approved_hash: str = "") -> list[ApprovalRow]:
    """Each decision with whether it stands for the content shown: a decision on other
    content (the data changed since) or one withdrawn no longer stands."""
    rows = []
    for approval in approvals:
        if approval.withdrawn_at:
            rows.append(ApprovalRow(approval, False, "No: withdrawn"))
        elif approved_hash and approval.content_hash == approved_hash:
            rows.append(ApprovalRow(approval, True, "Yes, for the approved content"))
        elif approval.content_hash == shown_hash:
            rows.append(ApprovalRow(approval, True, "Yes"))
        else:
            rows.append(ApprovalRow(approval, False, "No: the content changed since"))
    return rows


def standing_decision(report: Report, member, content_hash: str) -> Approval | None:
    """This co-chair member's decision that stands on exactly this content, if any."""
    return (
        report.approvals.filter(
            member=member,
            version=report.version,
            content_hash=content_hash,
            withdrawn_at__isnull=True,
        )
        .order_by("-decided_at")
        .first()
    )


def earlier_version(report: Report, number: str | int | None) -> ReportVersion:
    """An earlier approved version of the report by its number, or 404."""
    number = str(number or "")
    if not number.isdigit() or len(number) > 5:
        raise Http404("No such version")
    try:
        return report.versions.get(number=int(number))
    except ReportVersion.DoesNotExist:
        raise Http404("No such version") from None


# --- The approval block of a printed report ----------------------------------------------


@dataclass(frozen=True)
class ApprovalLine:
    member: str
    person: str
    approved_on: str


@dataclass(frozen=True)
class ApprovalBlock:
    """Who approved the content printed, when, and its fingerprint; or who it waits for.
    What ``templates/print/approval_block.html`` prints at the end of every report."""

    approved: bool
    lines: list[ApprovalLine]
    waiting_for: list[str]
    fingerprint: str
    state: str


def _day(moment) -> str:
    from django.utils import timezone

    day = timezone.localtime(moment).date()
    return f"{day.day} {day:%B %Y}"


def approval_block(report: Report, content_hash: str, *, version: int | None = None):
    """The approval block for the content with this fingerprint: the standing approvals
    of it (of ``version``, the report's current one by default), one per co-chair member."""
    version = report.version if version is None else version
    approvals = (
        report.approvals.filter(
            version=version,
            decision=Approval.Decision.APPROVED,
            content_hash=content_hash,
        )
        .select_related("member", "person")
        .order_by("member__name", "decided_at")
    )
    if version == report.version:
        approvals = approvals.filter(withdrawn_at__isnull=True)
    lines, seen = [], set()
    for approval in approvals:
        if approval.member_id in seen:
            continue
        seen.add(approval.member_id)
        person = approval.person.get_full_name() or approval.person.username
        lines.append(ApprovalLine(str(approval.member), person, _day(approval.decided_at)))
    approvers = list(report.approvers.order_by("name")) if report.submitted_at else []
    waiting = [str(m) for m in approvers if m.pk not in seen]
    approved = (
        bool(lines)
        and not waiting
        and (version != report.version or report.approved_content_hash == content_hash)
    )
    if approved:
        state = "Approved by the co-chairs"
    elif report.submitted_at and report.status == Report.Status.SUBMITTED:
        state = "Waiting for the co-chairs' approval"
    else:
        state = "Draft: not yet approved by the co-chairs"
    return ApprovalBlock(approved, lines, waiting, content_hash, state)


# --- What the secretariat's home page shows of renderings --------------------------------


def failed_renderings() -> list[RenderJob]:
    """The reports whose latest rendering failed, each as that job (with its report and
    group), latest failure first, in one query."""
    latest = RenderJob.objects.filter(report=OuterRef("report")).order_by("-queued_at", "-pk")
    return list(
        RenderJob.objects.filter(
            status=RenderJob.Status.FAILED, pk=Subquery(latest.values("pk")[:1])
        )
        .select_related("report__group", "report__meeting")
        .order_by("-finished_at", "-queued_at", "-pk")
    )


# --- Public statements ------------------------------------------------------------------


@dataclass
class WaitingStatement:
    statement: PublicStatement
    approved: int
    needed: int

    @property
    def days_waiting(self) -> int:
        """Whole days since the statement went to the co-chairs."""
        return (timezone.localdate() - timezone.localdate(self.statement.submitted_at)).days


def statements_waiting(user) -> list[WaitingStatement]:
    """Submitted statements: all of them for the secretariat; for a co-chair, those that
    wait for their own decision."""
    access = permissions.group_access(user)
    if not access.secretariat and not access.focal_point_for():
        return []  # only a member's focal point decides for it: nothing to ask the database
    standing = StatementApproval.objects.filter(
        withdrawn_at__isnull=True, decision=StatementApproval.Decision.APPROVED
    )
    statements = (
        permissions.visible_statements(user)
        .filter(status=PublicStatement.Status.SUBMITTED)
        .select_related("group")
        .prefetch_related("approvers", Prefetch("approvals", standing, to_attr="standing"))
        .order_by("group__short_name", "submitted_at", "pk")
    )
    waiting = []
    for statement in statements:
        current = statements_content_hash(statement)
        approved = {a.member_id for a in statement.standing if a.content_hash == current}
        approvers = {m.pk for m in statement.approvers.all()}
        mine = access.focal_point_for(statement.group_id) & approvers
        if not access.secretariat and (not mine or mine <= approved):
            continue  # this co-chair has decided already (or decides for none of them)
        waiting.append(WaitingStatement(statement, len(approved & approvers), len(approvers)))
    return waiting


def statements_content_hash(statement: PublicStatement) -> str:
    """The fingerprint of the statement's current content (see reports.statements)."""
    from reports.statements import statement_content_hash

    return statement_content_hash(statement)


def group_statements(user, group) -> list[PublicStatement]:
    """The group's statements this person may open, those waiting first, then the latest."""
    order = Case(
        When(status=PublicStatement.Status.SUBMITTED, then=0),
        When(status=PublicStatement.Status.SENT_BACK, then=1),
        When(status=PublicStatement.Status.DRAFT, then=2),
        default=3,
    )
    return list(
        permissions.visible_statements(user)
        .filter(group=group)
        .select_related("group", "meeting")
        .annotate(order=order)
        .order_by("order", "-published_at", "-created_at", "-pk")
    )


def published_statements(group=None) -> list[PublicStatement]:
    """The statements anyone may read (of one group, when given), latest first."""
    statements = permissions.public_statements().select_related("group", "meeting")
    if group is not None:
        statements = statements.filter(group=group)
    return list(statements.order_by("-published_at", "-pk"))


def standing_statement_decision(statement: PublicStatement, member, content_hash: str):
    """This co-chair member's decision that stands on exactly this content, if any."""
    return (
        statement.approvals.filter(
            member=member, content_hash=content_hash, withdrawn_at__isnull=True
        )
        .order_by("-decided_at")
        .first()
    )

"""Reads about reports that pages share."""

from dataclasses import dataclass

from django.db.models import Prefetch

from groups.models import Participation
from groups.selectors import current_participations
from portal import permissions
from reports.models import Approval, Report


@dataclass
class WaitingReport:
    report: Report
    approved: int
    needed: int


def reports_waiting(user) -> list[WaitingReport]:
    """Submitted reports: all of them for the secretariat; for a co-chair, those that wait
    for their own decision."""
    standing = Approval.objects.filter(
        withdrawn_at__isnull=True, decision=Approval.Decision.APPROVED
    )
    reports = (
        Report.objects.filter(status=Report.Status.SUBMITTED)
        .select_related("group", "meeting")
        .prefetch_related("approvers", Prefetch("approvals", standing, to_attr="standing"))
        .order_by("group__short_name", "-year", "kind")
    )
    if not permissions.is_secretariat(user):
        speaks_for = current_participations().filter(
            person=user, role=Participation.Role.FOCAL_POINT
        )
        reports = reports.filter(
            group__in=permissions.visible_groups(user),
            approvers__in=speaks_for.values("member"),
        ).distinct()
        mine = set(speaks_for.values_list("member", flat=True))
    waiting = []
    for report in reports:
        approved = {a.member_id for a in report.standing}
        approvers = {m.pk for m in report.approvers.all()}
        if not permissions.is_secretariat(user) and (mine & approvers) <= approved:
            continue  # this co-chair has decided already
        waiting.append(WaitingReport(report, len(approved), len(approvers)))
    return waiting

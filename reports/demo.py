"""Demo reports: the outcome records of WG-TIP's meetings up to 2016 and its 2016 annual
report and SOM brief, all approved by both co-chairs; the outcome record of its 2026 annual
meeting and its 2025 annual report, waiting for their approval. WG-DCN's Roundtable
outcomes are left for the secretariat to submit."""

from groups.models import WorkingGroup
from meetings.models import Meeting
from portal.accounts.models import User
from reports import services
from reports.models import Report

NARRATIVE_2016 = {
    "summary": (
        "In 2016 the Working Group met for the second time (Bangkok, 18 May) and held the "
        "**Following the Money Forum** with 88 participants from 30 member countries and "
        "5 international organisations. The Forward Work Plan 2015-17 was updated."
    ),
    "issues_for_direction": (
        "The co-chairs seek the Steering Group's direction on resourcing the regional "
        "training module on disrupting the financial incentives for trafficking."
    ),
    "co_chairs_remarks": "The co-chairs thank Thailand for hosting the Forum.",
    "next_steps": (
        "- Follow up the Forum's recommendations (action 7)\n"
        "- Develop guidance tools on indicators of trafficking (action 8)"
    ),
}
NARRATIVE_2025 = {
    "summary": "A draft for the co-chairs: the Working Group's work in 2025.",
    "next_steps": "- Prepare the next Forward Work Plan",
}


def _approve(report: Report, secretariat: User, co_chairs: list[User]) -> None:
    report = services.report_submit(report, secretariat)
    content_hash = services.current_content_hash(report)
    for person in co_chairs:
        services.report_decide(
            report, person=person, decision="approved", content_hash=content_hash
        )


def load_reports(groups: dict[str, WorkingGroup]) -> None:
    tip = groups["wg-tip"]
    secretariat = User.objects.get(username="secretariat")
    co_chairs = [User.objects.get(username=u) for u in ("cochair.au", "cochair.id")]
    held = tip.meetings.filter(status=Meeting.Status.HELD, outcomes__isnull=False).distinct()
    *approved, latest = held.order_by("starts_at")
    for meeting in approved:
        record = services.outcome_record_start(meeting)
        if record.status == Report.Status.DRAFT:
            _approve(record, secretariat, co_chairs)
    # The latest meeting's outcomes wait for the co-chairs: members do not read them yet.
    record = services.outcome_record_start(latest)
    if record.status == Report.Status.DRAFT:
        services.report_submit(record, secretariat)
    for kind in (Report.Kind.ANNUAL, Report.Kind.BRIEF):
        report = services.report_start(tip, kind, 2016)
        if report.status != Report.Status.DRAFT:
            continue
        report = services.report_edit(report, **NARRATIVE_2016)
        _approve(report, secretariat, co_chairs)
    draft = services.report_start(tip, Report.Kind.ANNUAL, 2025)
    if draft.status == Report.Status.DRAFT:
        draft = services.report_edit(draft, **NARRATIVE_2025)
        services.report_submit(draft, secretariat)

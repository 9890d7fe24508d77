"""Demo reports: WG-TIP's 2016 annual report and SOM brief, approved by both co-chairs, and
its 2025 annual report waiting for their approval."""

from groups.models import WorkingGroup
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


def load_reports(groups: dict[str, WorkingGroup]) -> None:
    tip = groups["wg-tip"]
    secretariat = User.objects.get(username="secretariat")
    co_chairs = [User.objects.get(username=u) for u in ("cochair.au", "cochair.id")]
    for kind in (Report.Kind.ANNUAL, Report.Kind.BRIEF):
        report = services.report_start(tip, kind, 2016)
        if report.status != Report.Status.DRAFT:
            continue
        report = services.report_edit(report, **NARRATIVE_2016)
        report = services.report_submit(report, secretariat)
        content_hash = services.current_content_hash(report)
        for person in co_chairs:
            services.report_decide(
                report, person=person, decision="approved", content_hash=content_hash
            )
    draft = services.report_start(tip, Report.Kind.ANNUAL, 2025)
    if draft.status == Report.Status.DRAFT:
        draft = services.report_edit(draft, **NARRATIVE_2025)
        services.report_submit(draft, secretariat)

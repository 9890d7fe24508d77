"""Demo reports: the outcome records of WG-TIP's meetings up to 2016 and its 2016 annual
report and SOM brief, all approved by both co-chairs; the outcome record of its 2026 annual
meeting and its 2025 annual report, waiting for their approval; its 2026 brief, a draft.
WG-DCN's Roundtable outcomes are left for the secretariat to submit. WG-TIP has published
one public statement and drafts another."""

from groups.models import WorkingGroup
from meetings.models import Meeting
from portal.accounts.models import User
from portal.demo import find
from reports import services, statements
from reports.models import PublicStatement, Report

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


# The held WG-TIP meetings whose outcome records both co-chairs approved, and the one
# whose record still waits for them (members do not read its outcomes yet).
APPROVED_RECORDS = ["tip-symposium-2015", "tip-first-2015", "tip-forum-2016", "tip-second-2016"]
WAITING_RECORD = "tip-annual-2026"


def load_reports(groups: dict[str, WorkingGroup], meetings: dict[str, Meeting]) -> None:
    """Start, submit and approve each demo report once, when it is first created: from
    then on it is the secretariat's and the co-chairs' (edited, sent back, withdrawn)."""
    tip = groups["wg-tip"]
    secretariat = find(User, username="secretariat")[1]
    co_chairs = [find(User, username=u)[1] for u in ("cochair.au", "cochair.id")]
    for key in [*APPROVED_RECORDS, WAITING_RECORD]:
        meeting = meetings[key]
        if meeting is None or not meeting.outcomes.exists():
            continue
        existed, _ = find(Report, meeting=meeting)
        if existed:
            continue
        record = services.outcome_record_start(meeting)
        if key == WAITING_RECORD:
            services.report_submit(record, secretariat)
        else:
            _approve(record, secretariat, co_chairs)
    for kind in (Report.Kind.ANNUAL, Report.Kind.BRIEF):
        existed, _ = find(Report, group=tip, kind=kind, year=2016, meeting=None)
        if not existed:
            report = services.report_edit(services.report_start(tip, kind, 2016), **NARRATIVE_2016)
            _approve(report, secretariat, co_chairs)
    # This year's brief for the coming SOM, its speaking points drafted from the data.
    existed, _ = find(Report, group=tip, kind=Report.Kind.BRIEF, year=2026, meeting=None)
    if not existed:
        services.report_start(tip, Report.Kind.BRIEF, 2026)
    existed, _ = find(Report, group=tip, kind=Report.Kind.ANNUAL, year=2025, meeting=None)
    if not existed:
        draft = services.report_edit(
            services.report_start(tip, Report.Kind.ANNUAL, 2025), **NARRATIVE_2025
        )
        services.report_submit(draft, secretariat)
    load_statements(groups, meetings)


# --- Public statements ------------------------------------------------------------------

PUBLISHED_STATEMENT = {
    "title": "Statement on the Following the Money Forum",
    "text": (
        "The Working Group on Trafficking in Persons held the **Following the Money Forum** "
        "in Bangkok in May 2016, with participants from 30 member countries and "
        "5 international organisations.\n\n"
        "The Working Group will follow up the Forum's recommendations on disrupting the "
        "financial incentives for trafficking in persons."
    ),
}
DRAFT_STATEMENT = {
    "title": "Statement on the 2026 annual meeting",
    "text": (
        "The Working Group met for its annual meeting and reviewed the Forward Work Plan.\n\n"
        "- Progress on the regional training module\n"
        "- Next steps towards the next Forward Work Plan"
    ),
}


def load_statements(groups: dict[str, WorkingGroup], meetings: dict[str, Meeting]) -> None:
    """WG-TIP's statement on its 2016 Forum, published with both co-chairs' approval, and
    a draft on its 2026 annual meeting; each made once, when first created."""
    tip = groups["wg-tip"]
    secretariat = find(User, username="secretariat")[1]
    co_chairs = [find(User, username=u)[1] for u in ("cochair.au", "cochair.id")]
    existed, _ = find(PublicStatement, group=tip, title=PUBLISHED_STATEMENT["title"])
    if not existed:
        statement = statements.statement_save(
            None,
            group=tip,
            by=secretariat,
            meeting=meetings.get("tip-forum-2016"),
            **PUBLISHED_STATEMENT,
        )
        statement = statements.statement_submit(statement, by=secretariat, names_confirmed=True)
        content_hash = statements.statement_content_hash(statement)
        for person in co_chairs:
            statements.statement_decide(
                statement, by=person, decision="approved", content_hash=content_hash
            )
    existed, _ = find(PublicStatement, group=tip, title=DRAFT_STATEMENT["title"])
    if not existed:
        statements.statement_save(
            None,
            group=tip,
            by=secretariat,
            meeting=meetings.get(WAITING_RECORD),
            **DRAFT_STATEMENT,
        )

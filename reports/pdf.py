"""The report as HTML (the browser preview) and as a PDF (WeasyPrint), from its content only.

Content kept with a report approved before the report said more (it has no "format") is
printed with the templates it was approved in, so that it prints as it was approved.
"""

from django.template.loader import render_to_string

from portal import pdf
from reports import assembly, brief, narrative, selectors
from reports.models import Report
from workplans import chart

TEMPLATE = "reports/pdf/report.html"
FRONT_MATTER = "reports/pdf/front_matter.html"
# A brief's speaking points print through reports.brief; a brief kept in the first
# format prints in the annual report's first layout.
BODIES = {
    Report.Kind.ANNUAL: "reports/pdf/report_body.html",
    Report.Kind.OUTCOME_RECORD: "reports/pdf/outcome_record_body.html",
}
FIRST_FORMAT_BODIES = {
    Report.Kind.ANNUAL: "reports/pdf/report_body_v1.html",
    Report.Kind.BRIEF: "reports/pdf/report_body_v1.html",
    Report.Kind.OUTCOME_RECORD: "reports/pdf/outcome_record_body_v1.html",
}
AUTHOR = pdf.AUTHOR
# An annual report this long opens with a cover page and a contents page; a shorter one
# with a title block above its summary.
LONG_REPORT_PAGES = 8
# The annual report's sections, as its contents list them (the ids of report_body.html).
SECTIONS = [
    ("summary", "Summary"),
    ("meetings", "Meetings held"),
    ("actions", "Work-plan actions"),
    ("co-chairs", "Co-chairs"),
    ("initiatives", "Initiatives"),
    ("direction", "Issues for the Steering Group's direction"),
    ("remarks", "Co-chairs' remarks"),
    ("next", "What comes next"),
    ("approval", "Approval"),
]


def _title_block(content: dict, approval) -> dict:
    group = content["group"]
    notice = "" if approval.approved else f"{approval.state}."
    if content["kind"] == Report.Kind.OUTCOME_RECORD:
        meeting = content["meeting"]
        facts = [("Held by", group["name"]), ("Kind", meeting["kind"]), ("Dates", meeting["dates"])]
        if meeting["place"]:
            facts.append(("Place", meeting["place"]))
        if content["co_chairs"]:
            facts.append(("Co-chaired by", " and ".join(t["member"] for t in content["co_chairs"])))
        return {
            "kicker": f"Bali Process · {group['name']}",
            "title": meeting["title"],
            "subtitle": "Co-chairs' statement: outcome record",
            "facts": facts,
            "notice": notice,
        }
    return {
        "kicker": f"Bali Process · {group['name']} ({group['short_name']})",
        "title": f"{content['title']} {content['year']}",
        "subtitle": group["name"],
        "facts": [("Period", content["period"]["text"]), ("Prepared by", f"the {AUTHOR}")],
        "notice": notice,
    }


def _context(report: Report, content: dict, *, preview: bool, version: int | None = None) -> dict:
    if brief.is_brief_content(content):
        return brief.print_context(report, content, preview=preview)
    first_format = content.get("format") is None
    approval = selectors.approval_block(report, assembly.content_hash(content), version=version)
    context = {
        "report": report,
        "content": content,
        "preview": preview,
        "body": (FIRST_FORMAT_BODIES if first_format else BODIES)[content["kind"]],
        "first_format": first_format,
        "is_brief": content["kind"] == Report.Kind.BRIEF,
        "narrative": {
            field: narrative.render_markdown(text) for field, text in content["narrative"].items()
        },
        "author": AUTHOR,
        "approval": approval,
        "title_block": _title_block(content, approval),
        "running_footer": approval.state,
    }
    group = content["group"]
    if content["kind"] == Report.Kind.OUTCOME_RECORD:
        meeting = content["meeting"]["title"]
        context["running_title"] = f"{group['short_name']}: {content['title']}, {meeting}"
        context["document_title"] = f"{group['short_name']}: {content['title']} of {meeting}"
        context["subject"] = f"Co-chairs' statement, {meeting}, {content['period']['text']}"
        return context
    statuses = [row["status"] for row in content["status_counts"] for _ in range(row["count"])]
    context["chart"] = chart.status_chart(statuses)
    context["running_title"] = f"{group['short_name']}: {content['title']}, {content['year']}"
    context["document_title"] = f"{group['short_name']}: {content['title']} {content['year']}"
    context["subject"] = f"{content['title']}, {group['name']}, {content['period']['text']}"
    return context


def report_html(
    report: Report, content: dict, *, preview: bool = True, version: int | None = None
) -> str:
    """The report as a full HTML document; the preview leaves out print-only parts.
    ``version`` names the earlier version printed, whose approvals its block shows."""
    return render_to_string(TEMPLATE, _context(report, content, preview=preview, version=version))


def _contents(body) -> list[dict]:
    """The sections of the laid-out body with the page each begins on."""
    first_page = {}
    for number, page in enumerate(body.pages, start=1):
        for anchor in page.anchors:
            first_page.setdefault(anchor, number)
    return [
        {"id": anchor, "title": title, "page": first_page[anchor]}
        for anchor, title in SECTIONS
        if anchor in first_page
    ]


def report_pdf(report: Report, content: dict, *, version: int | None = None) -> bytes:
    """The report on A4, tagged as PDF/UA, with only the project's static files loaded.

    The body is laid out once; an annual report that runs to LONG_REPORT_PAGES or more gets
    a cover and a contents page, laid out apart with the page numbers read from the body
    and put in front of its pages."""
    return report_printed(printed_context(report, content, version=version), content)


def printed_context(report: Report, content: dict, *, version: int | None = None) -> dict:
    """Everything the printed report shows, read from the database (report_printed reads
    nothing more, so that it can run in the printing child process)."""
    return _context(report, content, preview=False, version=version)


def report_printed(context: dict, content: dict) -> bytes:
    """The printed report's bytes from its context (``printed_context``), without a query."""
    body = pdf.layout(render_to_string(TEMPLATE, context))
    long_annual = (
        content["kind"] == Report.Kind.ANNUAL
        and not context.get("first_format", True)
        and len(body.pages) >= LONG_REPORT_PAGES
    )
    if not long_annual:
        return pdf.write(body)
    front = pdf.layout(render_to_string(FRONT_MATTER, {**context, "contents": _contents(body)}))
    # The front matter counts apart: the report's own pages are numbered from 1 ("Page 1 of
    # N" from the summary on), as the contents give them; the cover and contents carry none.
    return pdf.write(front.copy(front.pages + body.pages))

"""The report as HTML (the browser preview) and as a PDF (WeasyPrint), from its content only."""

from django.template.loader import render_to_string

from portal import pdf
from reports import narrative
from reports.models import Report
from workplans import chart

TEMPLATE = "reports/pdf/report.html"
BODIES = {
    Report.Kind.ANNUAL: "reports/pdf/report_body.html",
    Report.Kind.BRIEF: "reports/pdf/report_body.html",
    Report.Kind.OUTCOME_RECORD: "reports/pdf/outcome_record_body.html",
}
AUTHOR = pdf.AUTHOR


def _context(report: Report, content: dict, *, preview: bool) -> dict:
    context = {
        "report": report,
        "content": content,
        "preview": preview,
        "body": BODIES[content["kind"]],
        "is_brief": content["kind"] == Report.Kind.BRIEF,
        "narrative": {
            field: narrative.render_markdown(text) for field, text in content["narrative"].items()
        },
        "author": AUTHOR,
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


def report_html(report: Report, content: dict, *, preview: bool = True) -> str:
    """The report as a full HTML document; the preview leaves out print-only parts."""
    return render_to_string(TEMPLATE, _context(report, content, preview=preview))


def report_pdf(report: Report, content: dict) -> bytes:
    """The report on A4, tagged as PDF/UA, with only the project's static files loaded."""
    html = render_to_string(TEMPLATE, _context(report, content, preview=False))
    return pdf.html_to_pdf(html)

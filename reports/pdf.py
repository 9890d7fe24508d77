"""The report as HTML (the browser preview) and as a PDF (WeasyPrint), from its content only."""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import path2url

from meetings.pdf import StaticFilesOnly
from reports import narrative
from reports.models import Report
from workplans import chart

TEMPLATE = "reports/pdf/report.html"
AUTHOR = "Regional Support Office"
PDF_VARIANT = "pdf/ua-1"


def _context(report: Report, content: dict, *, preview: bool) -> dict:
    statuses = [row["status"] for row in content["status_counts"] for _ in range(row["count"])]
    return {
        "report": report,
        "content": content,
        "preview": preview,
        "is_brief": content["kind"] == Report.Kind.BRIEF,
        "chart": chart.status_chart(statuses),
        "narrative": {
            field: narrative.render_markdown(text) for field, text in content["narrative"].items()
        },
        "document_title": f"{content['group']['short_name']}: {content['title']} {content['year']}",
        "author": AUTHOR,
        "subject": f"{content['title']}, {content['group']['name']}, {content['period']['text']}",
    }


def report_html(report: Report, content: dict, *, preview: bool = True) -> str:
    """The report as a full HTML document; the preview leaves out print-only parts."""
    return render_to_string(TEMPLATE, _context(report, content, preview=preview))


def report_pdf(report: Report, content: dict) -> bytes:
    """The report on A4, tagged as PDF/UA, with only the project's static files loaded."""
    html = render_to_string(TEMPLATE, _context(report, content, preview=False))
    fetcher = StaticFilesOnly()
    document = HTML(string=html, base_url=path2url(fetcher.folder), url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True)

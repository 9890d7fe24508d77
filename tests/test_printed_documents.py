"""Every document of the demo, printed, keeps its headings with what follows them."""

import pytest

from groups.models import WorkingGroup
from reports import assembly, services
from reports import pdf as report_printing
from reports.models import Report
from tests import printed
from workplans import pdf as plan_printing
from workplans.models import WorkPlan

pytestmark = pytest.mark.django_db


def assert_no_heading_ends_a_page(html: str, data: bytes) -> None:
    assert printed.headings(html), "the document has headings to check"
    alone = printed.pages_ending_with_a_heading(data, html)
    assert not alone, f"page {alone[0][0]} ends with the heading {alone[0][1]!r}"


@pytest.mark.parametrize("year", [2015, 2016, 2025, 2026])
def test_no_page_of_a_demo_brief_ends_with_a_heading(demo, year):
    report = services.report_start(WorkingGroup.objects.get(slug="wg-tip"), Report.Kind.BRIEF, year)
    content = assembly.report_content(report)
    html = report_printing.report_html(report, content, preview=False)
    assert_no_heading_ends_a_page(html, report_printing.report_pdf(report, content))


def test_no_page_of_a_demo_work_plan_ends_with_a_heading(demo):
    plans = list(WorkPlan.objects.order_by("pk"))
    assert len(plans) >= 3
    for plan in plans:
        document = plan_printing.plan_document(plan)
        html = plan_printing.plan_html(document)
        assert_no_heading_ends_a_page(html, plan_printing.plan_pdf(document))

"""Reports in the browser: both co-chairs approve, the PDF renders and is downloaded."""

import io
import re

import pypdf
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible


def open_report(page: Page, base_url: str, year: int) -> None:
    page.goto(f"{base_url}/groups/wg-tip/")
    page.get_by_role("link", name="Reports of WG-TIP").click()
    row = page.get_by_role("row", name=re.compile(str(year)))
    row.get_by_role("link", name="Annual report to the Steering Group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Annual report to the Steering Group {year}"
    )


def test_secretariat_drafts_both_co_chairs_approve_and_the_pdf_is_downloaded(
    page, browser, demo_site, sign_in, axe_path
):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/groups/wg-tip/reports/")
    page.get_by_label("Kind").select_option(label="Annual report to the Steering Group")
    page.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Draft the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit the narrative")
    page.get_by_label("Summary").fill("The Working Group adopted its **Forward Work Plan**.")
    page.get_by_label("What comes next").fill("- Review the plan in 2025")
    page.get_by_role("button", name="Save the narrative").click()
    page.get_by_role("button", name="Submit to the co-chairs").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted to the co-chairs")

    pdf_bytes = None
    for username in ("cochair.au", "cochair.id"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            co_chair = context.new_page()
            sign_in(co_chair, demo_site, username)
            open_report(co_chair, demo_site, 2024)
            assert_accessible(co_chair, axe_path)
            co_chair.get_by_role("button", name="Approve this content").click()
            expect(co_chair.get_by_role("status").first).to_contain_text("approved")
            download_link = co_chair.get_by_role("link", name="Download the approved PDF")
            if username == "cochair.au":
                expect(download_link).to_have_count(0)  # one of two has approved
                continue
            expect(download_link).to_be_visible()
            with co_chair.expect_download() as download:
                download_link.click()
            with open(download.value.path(), "rb") as pdf:
                pdf_bytes = pdf.read()
        finally:
            context.close()

    reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert reader.metadata.title == "WG-TIP: Annual report to the Steering Group 2024"
    # A short report opens with its title block (no cover, no contents) and ends with the
    # co-chairs' approval.
    assert "Annual report to the Steering Group 2024" in text
    assert "Contents" not in text and f"Page 1 of {len(reader.pages)}" in text
    assert "Approved by the co-chairs" in reader.pages[-1].extract_text()
    assert "The Working Group adopted its Forward Work Plan." in text
    assert "Review the plan in 2025" in text
    # Every action of the plan running in 2024, with its status.
    from workplans.models import Action

    actions = Action.objects.filter(plan__group__slug="wg-tip", plan__period="2024-2026")
    assert actions.exists()
    for action in actions:
        assert " ".join(action.description.split()) in text
        assert action.get_status_display() in text


def test_report_pages_are_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/groups/wg-tip/reports/")
    assert_accessible(page, axe_path)
    open_report(page, demo_site, 2016)
    assert_accessible(page, axe_path)


def test_a_rendering_shows_its_progress_and_is_retried_without_reloading_the_page(
    page, demo_site, sign_in, monkeypatch
):
    from reports import pdf

    real_renderer = pdf.report_printed

    def broken_renderer(context, content):
        raise ValueError("The font file is unreadable")  # in the printing child

    monkeypatch.setattr(pdf, "report_printed", broken_renderer)
    sign_in(page, demo_site, "secretariat")
    open_report(page, demo_site, 2025)
    page.evaluate("window.stillTheSamePage = true")
    box = page.locator("#render-job")

    page.get_by_role("button", name="Render the PDF").click()
    expect(box).to_contain_text("The rendering failed: ValueError: The font file is unreadable")
    expect(box.get_by_role("status")).to_contain_text("Latest rendering: Failed (attempt 1).")

    monkeypatch.setattr(pdf, "report_printed", real_renderer)
    box.get_by_role("button", name="Try the rendering again").click()
    expect(box.get_by_role("status")).to_contain_text("Latest rendering: Ready", timeout=20_000)
    expect(box).not_to_contain_text("The rendering failed")
    link = box.get_by_role("link", name="Download this rendering")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as rendered:
        assert rendered.read(5) == b"%PDF-"
    # Everything above happened in the page as first loaded.
    assert page.evaluate("window.stillTheSamePage") is True


def test_secretariat_edits_the_briefs_speaking_points_and_sees_them_fit_on_two_pages(
    page, demo_site, sign_in, axe_path
):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/groups/wg-tip/reports/")
    page.get_by_label("Kind").select_option(label="Oral-update brief for the AHG SOM")
    page.get_by_label("Year").fill("2015")
    page.get_by_role("button", name="Draft the report").click()
    page.get_by_role("link", name="Oral-update brief for the AHG SOM 2015").click()
    expect(page.get_by_text(re.compile(r"Fits on [12] pages?\."))).to_be_visible()
    expect(page.get_by_text(re.compile(r"about \d+ minutes?, \d+ words"))).to_be_visible()
    page.get_by_role("link", name="Edit the speaking points").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Speaking points")
    assert_accessible(page, axe_path)
    opening = page.get_by_label("Opening: point 1")
    expect(opening).to_contain_text("Co-Chairs, distinguished colleagues")
    opening.fill("Co-Chairs, distinguished colleagues: we are glad to report on 2015.")
    page.get_by_role("button", name="Save the speaking points").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved the speaking points")
    preview = page.frame_locator("iframe.report-preview")
    expect(preview.get_by_text("we are glad to report on 2015")).to_be_visible()

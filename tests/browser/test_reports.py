"""Reports in the browser: both co-chairs approve, the PDF renders and is downloaded."""

import re

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


def test_both_co_chairs_approve_and_the_approved_pdf_is_downloaded(
    page, browser, demo_site, sign_in, axe_path
):
    sign_in(page, demo_site, "cochair.au")
    open_report(page, demo_site, 2025)
    assert_accessible(page, axe_path)
    page.get_by_role("button", name="Approve this content").click()
    expect(page.get_by_role("status").first).to_be_visible()
    expect(page.get_by_role("link", name="Download the approved PDF")).to_have_count(0)

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        second = other.new_page()
        sign_in(second, demo_site, "cochair.id")
        open_report(second, demo_site, 2025)
        second.get_by_role("button", name="Approve this content").click()
        download_link = second.get_by_role("link", name="Download the approved PDF")
        expect(download_link).to_be_visible()
        with second.expect_download() as download:
            download_link.click()
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    finally:
        other.close()


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

    real_renderer = pdf.report_pdf

    def broken_renderer(report, content):
        raise ValueError("The font file is unreadable")

    monkeypatch.setattr(pdf, "report_pdf", broken_renderer)
    sign_in(page, demo_site, "secretariat")
    open_report(page, demo_site, 2025)
    page.evaluate("window.stillTheSamePage = true")
    box = page.locator("#render-job")

    page.get_by_role("button", name="Render the PDF").click()
    expect(box).to_contain_text("The rendering failed: ValueError: The font file is unreadable")
    expect(box.get_by_role("status")).to_contain_text("Latest rendering: Failed (attempt 1).")

    monkeypatch.setattr(pdf, "report_pdf", real_renderer)
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

"""A meeting's outcomes in the browser: the co-chairs approve the outcome record from their
home page, and the group's members then read the outcomes and the co-chairs' statement."""

import re

from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible

MEETING = "WG-TIP annual meeting 2026"
OUTCOME = "Members took note of progress on the Forward Work Plan 2024-2026."


def open_meeting(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/meetings/")
    page.get_by_role("link", name=MEETING, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MEETING)


def approve_from_home(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    waiting = page.get_by_role("region", name="Waiting for your approval")
    waiting.get_by_role("link", name=f"WG-TIP: Outcome record of {MEETING}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Outcome record of {MEETING}")
    # The co-chair reads the statement itself in the preview before approving it.
    preview = page.locator("iframe.report-preview")
    expect(preview).to_have_attribute("srcdoc", re.compile(re.escape(OUTCOME)))
    page.get_by_role("button", name="Approve this content").click()
    expect(page.get_by_role("status").first).to_contain_text("approved")


def test_members_read_the_outcomes_once_both_co_chairs_approve(
    page, browser, demo_site, sign_in, axe_path
):
    sign_in(page, demo_site, "expert.th")
    open_meeting(page, demo_site)
    outcomes = page.get_by_role("region", name="Outcomes")
    expect(outcomes).to_contain_text("The co-chairs have not yet approved the outcomes")
    expect(outcomes).not_to_contain_text(OUTCOME)

    for username in ("cochair.au", "cochair.id"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            co_chair = context.new_page()
            sign_in(co_chair, demo_site, username)
            approve_from_home(co_chair, demo_site)
            assert_accessible(co_chair, axe_path)
        finally:
            context.close()

    page.reload()
    outcomes = page.get_by_role("region", name="Outcomes")
    expect(outcomes).to_contain_text(OUTCOME)
    expect(outcomes).to_contain_text("Approved by the co-chairs on")
    with page.expect_download() as download:
        outcomes.get_by_role("link", name="Download the co-chairs' statement (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert_accessible(page, axe_path)


def test_the_outcomes_page_and_its_record_are_accessible(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/meetings/")
    page.get_by_role("link", name="WG-DCN initial Roundtable", exact=True).click()
    page.get_by_role("link", name="Outcomes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes")
    assert_accessible(page, axe_path)
    page.get_by_role("button", name="Open the outcome record").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcome record of")
    assert_accessible(page, axe_path)
    page.get_by_role("button", name="Submit to the co-chairs").click()
    expect(page.get_by_role("status").first).to_contain_text("Submitted to the co-chairs")

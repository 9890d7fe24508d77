"""The portal's pages run under its Content-Security-Policy with nothing refused: every
script and style comes from its own files, in the pages and in the report preview."""

import re

import pytest
from playwright.sync_api import Page, expect

# Recorded in every frame before any of the page's own code runs.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || document.location.href}:${event.lineNumber}`
  );
});
"""

PAGES = [
    ("/", "Welcome, Malee"),
    ("/groups/", "Working groups"),
    ("/groups/wg-tip/", "Working Group on Trafficking in Persons"),
    ("/groups/wg-tip/roster/", "Co-chair roster"),
    ("/groups/wg-tip/terms-of-reference/v1/", "Terms of Reference, version 1"),
    ("/groups/wg-tip/work-plans/2015-17/attachments/", "Attachments"),
    ("/groups/wg-tip/reports/", "Reports"),
    ("/groups/wg-tip/reports/brief/2026/speaking-points/", "Speaking points"),
    ("/groups/wg-tip/silence/new/", "Circulate a text"),
    ("/meetings/", "Meetings"),
    ("/members/", "Members and observers"),
    ("/members/australia/", "Australia"),
    ("/notifications/", "Notifications"),
    ("/accounts/profile/", "Your account"),
    ("/accounts/password/change/", "Change your password"),
    ("/public/groups/wg-tip/", "Working Group on Trafficking in Persons"),
]


@pytest.fixture
def refused(page: Page):
    """What the page's policy refused: the console's reports and the frames' events."""
    console = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def collect() -> list[str]:
        events = []
        for frame in page.frames:
            try:
                events += frame.evaluate("() => window.__cspViolations || []")
            except Exception:  # noqa: BLE001 - a sandboxed frame runs no script at all
                continue
        return console + events

    return collect


def open_page(page: Page, url: str, heading: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response.status}"
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def test_the_secretariats_pages_break_no_rule_of_the_policy(page, demo_site, sign_in, refused):
    sign_in(page, demo_site, "secretariat")
    for path, heading in PAGES:
        open_page(page, demo_site + path, heading)
        assert refused() == [], path


def test_the_agenda_editor_changes_the_agenda_within_the_policy(page, demo_site, sign_in, refused):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/meetings/")
    page.get_by_role("link", name="Second meeting of WG-TIP", exact=True).click()
    page.get_by_role("link", name="Build the agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Build the agenda")
    unpublish = page.get_by_role("button", name="Unpublish the agenda")
    if unpublish.count():
        unpublish.click()
        expect(page.get_by_role("button", name="Publish the agenda")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Title:", exact=True).fill("Partnership with the private sector")
    page.get_by_label("Duration (minutes)").fill("30")
    page.get_by_role("button", name="Add the item").click()
    # Added in place by the editor's script, which rewrote the list.
    expect(page.locator("#agenda-announcer")).to_contain_text("Partnership with the private")
    assert page.evaluate("window.stillTheSamePage") is True
    assert refused() == []


def test_a_report_its_preview_and_its_rendering_progress_stay_within_the_policy(
    page, demo_site, sign_in, refused
):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/groups/wg-tip/reports/")
    row = page.get_by_role("row", name=re.compile("2025"))
    row.get_by_role("link", name="Annual report to the Steering Group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Annual report to the Steering Group 2025"
    )
    preview = page.frame_locator("iframe.report-preview")
    # The preview is styled by the print stylesheets, which the policy allows.
    expect(preview.locator("body")).to_contain_text("Annual report to the Steering Group")
    frame = page.locator("iframe.report-preview")
    assert frame.get_attribute("style") is None
    assert frame.evaluate("el => getComputedStyle(el).width") != "300px"
    box = page.locator("#render-job")
    page.get_by_role("button", name="Render the PDF").click()
    expect(box.get_by_role("status")).to_contain_text("Latest rendering: Ready", timeout=20_000)
    assert refused() == []

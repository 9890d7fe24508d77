"""Actions in the browser: a lead member's expert finds their action and reports progress,
a member who leads nothing only reads it, and the secretariat makes an action of an outcome."""

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import assert_accessible, open_page

ACTION_7 = "/groups/wg-tip/work-plans/2015-17/actions/7/"


def timeline(page: Page):
    return page.get_by_role("list", name="Progress updates, newest first").get_by_role("listitem")


def test_a_lead_members_expert_finds_their_action_and_posts_progress(
    page, demo_site, sign_in, axe_path
):
    sign_in(page, demo_site, "expert.th")
    open_page(page, f"{demo_site}/actions/", "Actions")
    assert_accessible(page, axe_path)

    page.get_by_label("Lead member").select_option(label="Thailand")
    page.get_by_role("button", name="Find").click()
    rows = page.locator("tbody tr")
    expect(rows.first).to_be_visible()
    for text in rows.all_inner_texts():
        assert "Thailand" in text
    seven = rows.filter(has_text="Forward Work Plan 2015-17").filter(
        has=page.get_by_role("cell", name="7", exact=True)
    )
    seven.locator('a[href$="/actions/7/"]').click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Action 7")
    assert page.url == demo_site + ACTION_7
    assert_accessible(page, axe_path)

    page.get_by_role("textbox", name="Progress").fill(
        "Thailand circulated a draft regional training module."
    )
    page.get_by_role("button", name="Post the update").click()

    expect(page.get_by_role("status")).to_contain_text("Your progress update on action 7")
    newest = timeline(page).first
    expect(newest).to_contain_text("Thailand circulated a draft regional training module.")
    expect(newest).to_contain_text(f"{timezone.localdate():%-d %b %Y}")
    expect(newest).to_contain_text("Somchai")


def test_a_member_whose_state_leads_nothing_reads_the_action_without_the_form(
    page, demo_site, sign_in
):
    sign_in(page, demo_site, "uncleared.lk")
    open_page(page, demo_site + ACTION_7, "Action 7")
    expect(page.get_by_role("heading", name="Progress updates")).to_be_visible()
    expect(page.get_by_role("heading", name="Post a progress update")).to_have_count(0)
    expect(page.get_by_role("button", name="Post the update")).to_have_count(0)


def test_the_secretariat_makes_an_action_of_a_meeting_outcome(page, demo_site, sign_in, axe_path):
    sign_in(page, demo_site, "secretariat")
    page.goto(f"{demo_site}/meetings/")
    page.get_by_role("link", name="Second meeting of WG-TIP", exact=True).click()
    page.get_by_role("link", name="Outcomes", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Make an action from outcome")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("into the work plan")
    assert_accessible(page, axe_path)

    # The group's adopted plan is chosen already.
    expect(page.get_by_label("Work plan").locator("option:checked")).to_contain_text("2024-2026")
    page.get_by_label("Description").fill("Draft regional guidance agreed at the meeting.")
    page.get_by_role("button", name="Make the action").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Forward Work Plan 2024-2026")
    expect(page.locator("dl.facts")).to_contain_text("Made from")
    page.get_by_role("link", name="Second meeting of WG-TIP").first.click()
    outcomes = page.get_by_role("region", name="Outcomes")
    expect(outcomes.get_by_role("link", name=re.compile("2024-2026"))).to_be_visible()
